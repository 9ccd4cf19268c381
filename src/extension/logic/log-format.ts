import type { Candidate, RepairEvent } from '../../core/repair/types';
import { isFailing, type TestReport } from '../../core/testing/types';
import { failureReason } from './reason';
import { plural } from './text';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  text: string;
}

/** Prefix of every patch line in the log; the log grammar colours `+`/`-` lines after it. */
export const PATCH_GUTTER = '  │ ';

/** How a repair reads in the "Self-repair" log, one event at a time. The markers are what syntaxes/self-repair-log colours. */
export function formatRepairEvent(event: RepairEvent): LogLine[] {
  switch (event.type) {
    case 'baseline-started':
      return [info(`running tests (${event.framework}): ${event.command}`)];
    case 'baseline-finished':
      return [
        info(`before: ${counts(event.report)}`),
        ...failures(event.report, new Set(event.failing)),
        ...runError(event.report),
      ];
    case 'turn-started':
      return [info(`── turn ${event.turn}/${event.maxTurns} ──`)];
    case 'request-started':
      // Every candidate of a turn gets the same prompt: log it once.
      return event.candidate === 1 ? [info(`[prompt] turn ${event.turn}\n${indent(event.prompt)}`)] : [];
    case 'request-streaming':
      return [];
    case 'request-finished':
      return [
        info(
          `[reply] candidate ${event.candidate}: ${event.usage.promptTokens}+${event.usage.completionTokens} tokens`,
        ),
        { level: 'debug', text: `[reply] candidate ${event.candidate}, as received:\n${indent(event.reply)}` },
      ];
    case 'candidate-rejected':
      return [
        ...explanationAndPatch(event.candidate),
        { level: 'warn', text: `[tests] candidate ${event.candidate.index}: REJECTED before testing: ${event.reason}` },
      ];
    case 'candidate-verified':
      return [...explanationAndPatch(event.candidate), ...verdict(event.candidate)];
    case 'finished': {
      const { result } = event;
      const usage = `${plural(result.requests, 'request')}, ${result.usage.promptTokens}+${result.usage.completionTokens} tokens, ${(result.durationMs / 1000).toFixed(1)} s`;
      const label = result.status === 'unfixed' ? 'not fixed' : result.status;
      const level: LogLevel = result.status === 'fixed' ? 'info' : result.status === 'error' ? 'error' : 'warn';
      const lines: LogLine[] = [{ level, text: `${label}: ${result.message} (${usage})` }];
      if (result.status === 'unfixed') {
        const best = result.candidates.find((c) => !c.rejected) ?? result.candidates[0];
        if (best) {
          const tests = best.report ? `: ${counts(best.report)}` : best.rejected ? `: rejected (${best.rejected})` : '';
          lines.push(
            info(
              `best attempt: candidate ${best.index} of turn ${best.turn}${tests}${best.patch ? `\n${patchLines(best.patch)}` : ''}`,
            ),
          );
        }
      }
      return lines;
    }
  }
}

function info(text: string): LogLine {
  return { level: 'info', text };
}

function counts(report: TestReport): string {
  const { passed, failed, errored, skipped } = report.counts;
  return `${passed} passed, ${failed + errored} failed${skipped ? `, ${skipped} skipped` : ''}`;
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

function verdict(candidate: Candidate): LogLine[] {
  const report = candidate.report;
  if (!report) return [];
  const head = `[tests] candidate ${candidate.index}: ${counts(report)}`;
  if (candidate.fixed) return [info(`${head} — PASS (fixed)`)];
  const why = candidate.regressions.length
    ? `breaks ${plural(candidate.regressions.length, 'passing test')}`
    : (report.runError ?? 'still failing');
  return [
    { level: 'warn', text: `${head} — FAIL (${why})` },
    ...candidate.regressions.map((id) => info(`  BROKEN ${id}`)),
    ...failures(report).filter((line) => !candidate.regressions.some((id) => line.text.includes(` ${id} `))),
  ];
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
