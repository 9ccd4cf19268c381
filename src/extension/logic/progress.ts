import {
  describeEvent,
  describeWaiting,
  type EventText,
  plural,
  type RepairEvent,
  type RepairResult,
  testsProgress,
} from '../../core';
import { passCount } from './reason';
import { formatCount } from './text';

export type EndState = 'fixed' | 'nothing' | 'unfixed' | 'cancelled' | 'error';

const END_TEXT: Record<EndState, string> = {
  fixed: '$(check) Self-repair: fixed',
  nothing: '$(check) Self-repair: nothing to repair',
  unfixed: '$(x) Self-repair: no fix — see log',
  cancelled: '$(circle-slash) Self-repair: cancelled',
  error: '$(error) Self-repair: error',
};

export function endState(result: Pick<RepairResult, 'status' | 'candidates'>): EndState {
  if (result.status === 'fixed') return result.candidates.some((c) => c.fixed) ? 'fixed' : 'nothing';
  return result.status;
}

export function endText(result: Pick<RepairResult, 'status' | 'candidates' | 'budget' | 'turns'>): string {
  const state = endState(result);
  if (state !== 'unfixed') return END_TEXT[state];
  const budget = result.budget ? ` (${BUDGET_TEXT[result.budget]})` : '';
  return `$(x) Self-repair: no fix after ${plural(result.turns, 'turn')}${budget} — see log`;
}

const BUDGET_TEXT: Record<NonNullable<RepairResult['budget']>, string> = {
  tokens: 'token budget spent',
  time: 'time budget spent',
};

/**
 * What a running repair has done so far, folded from the engine's events: the status bar, the
 * progress notification and the tooltip all read from this one place.
 */
export class RepairProgress {
  private phase: 'starting' | 'baseline' | 'asking' | 'verifying' | 'done' = 'starting';
  private framework = '';
  private command = '';
  private turn = 0;
  private maxTurns = 0;
  /** The engine's words for the current turn: `turn 1/4`, `turn 1/4: asking gpt-4o-mini`. */
  private turnText: EventText | undefined;
  private verified = 0;
  private fixed = 0;
  private rejected = 0;
  private best: { passed: number; total: number } | undefined;
  private before: { passed: number; total: number } | undefined;
  private promptTokens = 0;
  private completionTokens = 0;
  private receiving = 0;
  /** How long the current request has waited for its first token; 0 once tokens flow. */
  private waitingMs = 0;
  private result: RepairResult | undefined;
  /** The test run in progress: `123 done, 14 s`; cleared when its outcome is known. */
  private testRun: string | undefined;

  constructor(private readonly subject: { model: string; project: string; focus?: string }) {}

  apply(event: RepairEvent): void {
    this.testRun = event.type === 'tests-progress' ? testsProgress(event) : undefined;
    switch (event.type) {
      case 'baseline-started':
        this.phase = 'baseline';
        this.framework = event.framework;
        this.command = event.command;
        break;
      case 'baseline-finished':
        this.before = passCount(event.report);
        this.best = this.before;
        break;
      case 'turn-started':
        this.phase = 'asking';
        this.turn = event.turn;
        this.maxTurns = event.maxTurns;
        this.turnText = describeEvent(event, { model: this.subject.model });
        this.receiving = 0;
        this.waitingMs = 0;
        break;
      case 'request-waiting':
        this.waitingMs = event.elapsedMs;
        break;
      case 'request-streaming':
        this.receiving = event.chars;
        this.waitingMs = 0;
        break;
      case 'request-finished':
        this.promptTokens += event.usage.promptTokens;
        this.completionTokens += event.usage.completionTokens;
        this.waitingMs = 0;
        this.phase = 'verifying';
        break;
      case 'candidate-rejected':
        this.rejected++;
        break;
      case 'candidate-verified': {
        this.verified++;
        if (event.candidate.fixed) this.fixed++;
        const now = passCount(event.candidate.report);
        if (!this.best || now.passed > this.best.passed) this.best = now;
        break;
      }
      case 'finished':
        this.phase = 'done';
        this.result = event.result;
        this.promptTokens = event.result.usage.promptTokens;
        this.completionTokens = event.result.usage.completionTokens;
        break;
      case 'request-started':
      case 'trace-started':
      case 'trace-finished':
        break;
    }
  }

  get tokens(): number {
    return this.promptTokens + this.completionTokens;
  }

  /** `turn 1/4 · 1 candidate verified · tests 3/4 · 1.2k tokens` */
  summary(): string {
    const parts: string[] = [];
    const running = this.testRun ? `running tests (${this.testRun})` : 'running tests';
    if (this.turn === 0)
      parts.push(['baseline', 'starting'].includes(this.phase) || this.testRun ? running : 'starting');
    else parts.push(this.turnText?.subject ?? `turn ${this.turn}`);
    if (this.turn !== 0 && this.testRun) parts.push(running);
    if (this.phase === 'asking' && this.waitingMs) parts.push(describeWaiting(this.waitingMs));
    if (this.verified) parts.push(`${plural(this.verified, 'candidate')} verified`);
    if (this.best && this.best.total) parts.push(`tests ${this.best.passed}/${this.best.total}`);
    if (this.tokens) parts.push(`${formatCount(this.tokens)} tokens`);
    return parts.join(' · ');
  }

  statusText(): string {
    return this.result ? endText(this.result) : `$(sync~spin) Self-repair: ${this.summary()}`;
  }

  /** The progress notification's line: what is happening right now. */
  notification(): string {
    switch (this.phase) {
      case 'starting':
        return 'starting…';
      case 'baseline':
        return `running the tests${this.framework ? ` (${this.framework})` : ''}${this.testRun ? `: ${this.testRun}` : ''}…`;
      case 'asking': {
        const waiting = this.waitingMs ? `: ${describeWaiting(this.waitingMs)}` : '';
        return `${this.turnText?.line ?? ''}${this.receiving ? ` (${formatCount(this.receiving)} chars)` : waiting}…`;
      }
      case 'verifying':
        return `${this.turnText?.subject ?? ''}: verifying candidates in a copy of the project…`;
      case 'done':
        return this.result?.message ?? 'done';
    }
  }

  tooltip(): string {
    const lines = [`Self-repair · ${this.subject.project}${this.subject.focus ? ` · ${this.subject.focus}` : ''}`];
    if (this.command) lines.push(`Tests: ${this.command} (${this.framework})`);
    if (this.before) lines.push(`Before: ${this.before.passed}/${this.before.total} tests pass`);
    if (this.turn) lines.push(`Turn ${this.turn} of ${this.maxTurns} · model ${this.subject.model}`);
    if (this.verified || this.rejected) {
      lines.push(`Candidates: ${this.verified} verified (${this.fixed} fixed), ${this.rejected} rejected`);
    }
    if (this.tokens) lines.push(`Tokens: ${this.promptTokens} prompt + ${this.completionTokens} completion`);
    if (this.result) lines.push(`Result: ${this.result.message}`);
    lines.push(this.result ? 'Click to show the log' : 'Click to show the log · use Cancel to stop');
    return lines.join('\n');
  }
}
