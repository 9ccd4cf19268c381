import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyPrefix } from '../sandbox/leftovers';
import type { CommandRunner } from '../sandbox/types';
import { lastMeaningfulLine } from './console-output';
import { countsFromReport, type TestProgress, watchProgress } from './progress';
import { programWords } from './shell';
import type { FrameworkAdapter, TestReport } from './types';

export interface RunTestsOptions {
  runner: CommandRunner;
  /** Root of the sandbox copy the tests run in. */
  root: string;
  adapter: FrameworkAdapter;
  command: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
  /** Called every couple of seconds while the tests run: time so far and, where countable, tests done. */
  onProgress?: (progress: TestProgress) => void;
}

/**
 * Runs the project's tests once and reads their results. The report goes to a temporary folder outside
 * the sandbox, so it can never be taken for (or copied with) a project file.
 */
export async function runTests(options: RunTestsOptions): Promise<TestReport> {
  const { runner, root, adapter, command, timeoutMs, signal } = options;
  const reportDir = await mkdtemp(path.join(os.tmpdir(), `${copyPrefix()}report-`));
  try {
    const prepared = adapter.prepare(command, reportDir);
    const progress = options.onProgress && watchRun(adapter, prepared.reportPath, options.onProgress);
    const result = await runner
      .run({
        command: prepared.command,
        cwd: root,
        env: mergeEnv(options.env, prepared.env),
        writable: [reportDir],
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(progress ? { onOutput: progress.onOutput } : {}),
      })
      .finally(() => progress?.stop());
    const report = prepared.reportPath ? await readFile(prepared.reportPath, 'utf8').catch(() => undefined) : undefined;
    const parsed = adapter.parse({
      projectRoot: root,
      command,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      output: result.output,
      durationMs: result.durationMs,
      ...(report ? { report } : {}),
    });
    if (result.limit) parsed.limit = result.limit;
    const runError = describeRunFailure(parsed, command, timeoutMs, result.cancelled, result.limitMessage);
    if (runError) parsed.runError = runError;
    return parsed;
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

function watchRun(adapter: FrameworkAdapter, reportPath: string | undefined, onProgress: (p: TestProgress) => void) {
  const readReport =
    reportPath && countsFromReport(adapter.id)
      ? () => {
          try {
            return readFileSync(reportPath, 'utf8');
          } catch {
            return undefined;
          }
        }
      : undefined;
  return watchProgress(adapter.id, onProgress, readReport);
}

/** The adapter's env wins, except NODE_OPTIONS, which both may need. */
function mergeEnv(
  base: Record<string, string> | undefined,
  added: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!base) return added;
  if (!added) return base;
  const merged = { ...base, ...added };
  if (base.NODE_OPTIONS && added.NODE_OPTIONS) merged.NODE_OPTIONS = `${base.NODE_OPTIONS} ${added.NODE_OPTIONS}`;
  return merged;
}

/** One line for a person when the run itself went wrong; the adapter's own diagnosis stands otherwise. */
function describeRunFailure(
  report: TestReport,
  command: string,
  timeoutMs: number,
  cancelled: boolean,
  limitMessage?: string,
): string | undefined {
  // Killed for its process count: whatever the output says, that is why the run ended.
  if (report.limit === 'processes' && limitMessage) return `tests ${limitMessage}`;
  if (report.timedOut) return `tests timed out after ${formatSeconds(timeoutMs)} s (process tree killed)`;
  if (cancelled) return 'test run cancelled';
  if (report.exitCode === 127) return `test command not found: ${programWords(command)[0] ?? command}`;
  if (report.runError) return report.runError;
  if (report.limit === 'memory' && limitMessage) return `tests ${limitMessage}`;
  if (report.tests.length === 0 && totalCount(report) === 0 && report.exitCode !== 0) {
    const exit = report.exitCode === null ? 'killed' : `exit ${report.exitCode}`;
    const reason = lastMeaningfulLine(report.output);
    return `test command failed (${exit})${reason ? `: ${reason}` : ''}`;
  }
  return undefined;
}

function totalCount(report: TestReport): number {
  const { passed, failed, errored, skipped } = report.counts;
  return passed + failed + errored + skipped;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
