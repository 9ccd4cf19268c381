import {
  type Candidate,
  describeEvent,
  describeTimeLimit,
  type EventText,
  isFailing,
  type RepairEvent,
  type RepairResult,
  reportCounts,
  SYSTEM_PROMPT,
  type TestReport,
} from '../../core';
import { failureReason } from './reason';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  text: string;
}

/** Prefix of every patch line in the log; the log grammar colours `+`/`-` lines after it. */
export const PATCH_GUTTER = '  │ ';

/**
 * How a repair reads in the "Self-repair" log, one event at a time: the engine's words
 * (describeEvent), with the markers syntaxes/self-repair-log colours, and the details only a log
 * holds (prompts, replies, explanations, patches, each failing test).
 */
export function formatRepairEvent(event: RepairEvent): LogLine[] {
  const text = describeEvent(event);
  switch (event.type) {
    case 'baseline-started':
      return [info(text.line)];
    case 'baseline-finished':
      return [
        info(`${text.subject}: ${text.counts}`),
        ...failures(event.report, new Set(event.failing)),
        ...runError(event.report),
        ...(event.candidateTimeLimit ? [info(describeTimeLimit(event.candidateTimeLimit))] : []),
      ];
    case 'flaky-check-started':
    case 'trace-started':
    case 'trace-finished':
    case 'baseline-held':
      return [info(text.line)];
    case 'tests-progress':
      // The status bar shows it as it goes; the log keeps the outcome of each run.
      return [];
    case 'flaky':
    case 'note':
      return [{ level: 'warn', text: text.line }];
    case 'turn-started':
      return [info(`── ${text.subject} ──`)];
    case 'request-started':
      // Every candidate of a turn gets the same prompt: log it once, whole.
      return event.candidate === 1
        ? [
            info(
              `[prompt] turn ${event.turn}: ${text.line}; sent after the system prompt ` +
                `(${SYSTEM_PROMPT.length.toLocaleString('en-US')} characters, the same in every request)\n${indent(event.prompt)}`,
            ),
          ]
        : [];
    case 'request-waiting':
    case 'request-streaming':
      return [];
    case 'request-finished':
      return [
        info(`[reply] ${text.line}`),
        { level: 'debug', text: `[reply] ${text.subject}, as received:\n${indent(event.reply)}` },
      ];
    case 'candidate-rejected':
      return [
        ...explanationAndPatch(event.candidate),
        { level: 'warn', text: `[tests] ${text.subject}: REJECTED before testing: ${text.problem}` },
      ];
    case 'candidate-verified':
      return [...explanationAndPatch(event.candidate), ...verdict(event.candidate, text)];
    case 'finished':
      return outcome(event.result, text);
  }
}

function outcome(result: RepairResult, text: EventText): LogLine[] {
  const level: LogLevel = result.status === 'fixed' ? 'info' : result.status === 'error' ? 'error' : 'warn';
  const lines: LogLine[] = [{ level, text: `${text.subject}: ${text.line}` }];
  if (result.status !== 'unfixed') return lines;
  const best = result.candidates.find((c) => !c.rejected) ?? result.candidates[0];
  if (best) {
    const tests = best.report
      ? `: ${reportCounts(best.report)}${alone(best)}`
      : best.rejected
        ? `: rejected (${best.rejected})`
        : '';
    lines.push(
      info(
        `best attempt: candidate ${best.index} of turn ${best.turn}${tests}${best.patch ? `\n${patchLines(best.patch)}` : ''}`,
      ),
    );
  }
  return lines;
}

function info(text: string): LogLine {
  return { level: 'info', text };
}

function failures(report: TestReport, only?: Set<string>): LogLine[] {
  return report.tests
    .filter((t) => isFailing(t) && (!only || only.has(t.id)))
    .map((t) => info(`  FAIL ${t.id} — ${failureReason(t, 160)}`));
}

function runError(report: TestReport): LogLine[] {
  return report.runError ? [{ level: 'error', text: `  ${report.runError}` }] : [];
}

function explanationAndPatch(candidate: Candidate): LogLine[] {
  const lines: LogLine[] = [];
  if (candidate.explanation.trim())
    lines.push(info(`[explanation] candidate ${candidate.index}:\n${indent(candidate.explanation.trim())}`));
  if (candidate.patch) lines.push(info(`[patch] candidate ${candidate.index}:\n${patchLines(candidate.patch)}`));
  return lines;
}

function verdict(candidate: Candidate, text: EventText): LogLine[] {
  if (!candidate.report) return [];
  const head = `[tests] ${text.subject}: ${text.counts}${alone(candidate)}`;
  if (text.fixed) return [info(`${head} — PASS (fixed)`)];
  return [
    { level: 'warn', text: `${head} — FAIL (${text.problem})` },
    ...candidate.regressions.map((id) => info(`  BROKEN ${id}`)),
    ...failures(candidate.report).filter((line) => !candidate.regressions.some((id) => line.text.includes(` ${id} `))),
  ];
}

/** Staged verification judged the candidate from its failing tests alone: its counts are theirs, not the suite's. */
function alone(candidate: Candidate): string {
  return candidate.focusedRun ? ' (its failing tests alone)' : '';
}

function indent(text: string): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The diff with the gutter before every line, so it stands apart from the log's own lines. */
export function patchLines(patch: string): string {
  return patch
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${PATCH_GUTTER}${line}`)
    .join('\n');
}
