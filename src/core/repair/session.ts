import type { GeneratePlan } from '../generate';
import type { ChatResponse, ModelClient, TokenUsage } from '../model/types';
import type { CommandRunner } from '../sandbox/types';
import type { TestReport } from '../testing/types';
import type { ProjectSetup } from './prepare';
import { SuiteCost, verifyConcurrency } from './verify-concurrency';
import type { BudgetKind, Candidate, HeldBaseline, RepairEvent, RequestRecord } from './types';

/** The options of one repair with every default filled in. */
export interface LoopSettings {
  model: ModelClient;
  maxTurns: number;
  candidatesPerTurn: number;
  timeoutMs: number;
  allowTestEdits?: boolean;
  temperature: number;
  /** Candidates verified at once; measured from the baseline and the machine when absent (verify-concurrency.ts). */
  verifyConcurrency?: number;
  runner: CommandRunner;
  /** Tokens the repair may spend; 0 or absent for no limit. */
  maxTokens?: number;
  /** Tokens one request's prompt may hold (estimated); the contract's default when absent. */
  maxPromptTokens?: number;
  /** Wall time of the whole repair; 0 or absent for no limit. */
  maxTimeMs?: number;
  /** Only these tests need to pass (others must still not regress); undefined or empty for all. */
  focusTests?: string[];
  /** The caller's cancel, joined with the time budget's. */
  signal?: AbortSignal;
  /** Rerun the failing tests before the first turn to spot flaky ones; on unless false. */
  flakyCheck?: boolean;
  /** Trace the failing tests before the first turn; on unless false. */
  tracing?: boolean;
  /** Record the most suspect function's runtime values while tracing; on unless false. */
  runtimeValues?: boolean;
  /** Show each prompt the earlier failed candidates and ask for a different approach; on unless false. */
  attemptMemory?: boolean;
  /** Verify identical candidates once, drop repeats of earlier turns, end on a repeating turn; on unless false. */
  dedupeCandidates?: boolean;
  /** Run a candidate's failing tests alone first, the whole suite only when they pass; on unless false. */
  stagedVerification?: boolean;
  /** The host's earlier run, used as the baseline when the files are as they were then. */
  heldBaseline?: HeldBaseline;
}

/** Thrown when the caller's signal ends the repair between two steps. */
export class Cancelled extends Error {}

/** Thrown at a stage boundary when a budget is spent. */
export class BudgetSpent extends Error {
  constructor(readonly kind: BudgetKind) {
    super(`${kind} budget spent`);
  }
}

/**
 * The wall-time budget: when it runs out, its signal aborts what is in flight (a model request, a test
 * run), and the next stage boundary ends the repair.
 */
export class TimeBudget {
  private readonly controller = new AbortController();
  private readonly timer?: NodeJS.Timeout;
  readonly signal?: AbortSignal;

  constructor(
    readonly maxTimeMs: number,
    callerSignal?: AbortSignal,
  ) {
    if (maxTimeMs > 0) this.timer = setTimeout(() => this.controller.abort(), maxTimeMs);
    const signals = [callerSignal, maxTimeMs > 0 ? this.controller.signal : undefined].filter((s) => !!s);
    this.signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  get spent(): boolean {
    return this.controller.signal.aborted;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * What one repair has done so far, shared by its stages: the project it set up, the baseline run,
 * every candidate and every model request. The stages write to it; `finishRepair` reads it.
 */
export class RepairSession {
  readonly started = Date.now();
  readonly usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  readonly requestLog: RequestRecord[] = [];
  readonly candidates: Candidate[] = [];
  /** Candidates whose tests ran, by what their files came out as (changesSignature): not run again. */
  readonly tested = new Map<string, Candidate>();
  requests = 0;
  turns = 0;
  /** Set once the framework, the command and the base copy are all known. */
  project?: ProjectSetup;
  baseline?: TestReport;
  /** Failing tests that passed on the unchanged code. */
  flakyTests: string[] = [];
  /** Limits the repair worked under that the user should know of, e.g. a cut file listing. */
  notes: string[] = [];
  /** Generate mode: chooses the tests that count and writes the first prompt. */
  generate?: GeneratePlan;
  /** What one run of the suite costs in CPU, measured on the baseline run. */
  readonly suiteCost = new SuiteCost();

  constructor(
    readonly settings: LoopSettings,
    private readonly onEvent?: (event: RepairEvent) => void,
  ) {}

  emit(event: RepairEvent): void {
    // The baseline runs alone between these two events: the one time the suite's own cost shows.
    if (event.type === 'baseline-started') this.suiteCost.start();
    if (event.type === 'baseline-finished') this.suiteCost.finish();
    this.onEvent?.(event);
  }

  /** How many of `count` candidates to verify at once: as set, else as the suite and the machine allow. */
  verifyConcurrency(count: number): number {
    return this.settings.verifyConcurrency ?? verifyConcurrency(count, this.suiteCost.cores);
  }

  /** Whether only the user's chosen tests have to pass. */
  get focused(): boolean {
    return !!this.settings.focusTests?.length;
  }

  checkCancelled(): void {
    if (this.settings.signal?.aborted) throw new Cancelled();
  }

  get tokensSpent(): number {
    return this.usage.promptTokens + this.usage.completionTokens;
  }

  /** Before a turn asks for more: a spent token budget ends the repair here. */
  checkTokenBudget(): void {
    const maxTokens = this.settings.maxTokens ?? 0;
    if (maxTokens > 0 && this.tokensSpent >= maxTokens) throw new BudgetSpent('tokens');
  }

  requestStarted(): void {
    this.requests++;
  }

  recordResponse(turn: number, candidate: number, response: ChatResponse): void {
    this.usage.promptTokens += response.usage.promptTokens;
    this.usage.completionTokens += response.usage.completionTokens;
    this.requestLog.push({
      turn,
      candidate,
      promptTokens: response.usage.promptTokens,
      completionTokens: response.usage.completionTokens,
      durationMs: response.durationMs,
      ...(response.usage.estimated ? { estimated: true } : {}),
    });
  }
}
