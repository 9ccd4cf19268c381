/**
 * One pytest run with the Self-repair tracing plugin loaded from outside the project: the plugin is
 * written into a fresh temporary folder that goes first on PYTHONPATH and is named in PYTEST_PLUGINS, so
 * the project's files and configuration stay untouched. The folder is passed to the runner as writable
 * (a sandbox hides the host's temporary folder otherwise), and the plugin writes its JSON there.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { debuglog } from 'node:util';
import { copyPrefix } from '../../sandbox/leftovers';
import type { CommandRunner } from '../../sandbox/types';
import { runTests } from '../../testing/run';
import type { TestCaseResult, TestReport } from '../../testing/types';
import type { TraceRequest } from '../types';

export const debug = debuglog('self-repair-trace');

const PLUGIN_MODULE = 'self_repair_trace';
const PLUGIN_FILE = `${PLUGIN_MODULE}.py`;
const OUTPUT_FILE = 'trace.json';
/** The plugin's output, or with pytest-xdist one file per worker (`trace-gw0.json`). */
const OUTPUT_NAME = /^trace(?:-[\w-]+)?\.json$/;
/** A traced run may take this many times as long as the plain one... */
const TRACE_SLOWDOWN = 3;
/** ...but never less than this, which covers starting Python and collecting the tests. */
const MIN_TRACE_MS = 60_000;

let pluginText: string | undefined;

/**
 * The plugin's source. The engine runs as a CommonJS bundle (dist/, where esbuild.mjs copies the plugin)
 * or, under tsx, from source; in both the plugin lies beside the running module.
 */
export function pluginSource(): string {
  if (pluginText !== undefined) return pluginText;
  if (typeof __dirname !== 'string') throw new Error(`cannot locate ${PLUGIN_FILE}: the engine must run as CommonJS`);
  const file = path.join(__dirname, PLUGIN_FILE);
  try {
    pluginText = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the pytest tracing plugin ${file} is missing; rebuild with \`npm run build\``);
  }
  return pluginText;
}

export interface TracedRun {
  report: TestReport;
  /** What the plugin wrote: one JSON value per process that ran tests; empty when it wrote nothing readable. */
  outputs: unknown[];
}

/** The run's variables: the plugin first on the module path, the user's own path kept after it. */
function pluginEnv(dir: string, root: string, settings: Record<string, string>): Record<string, string> {
  const userPath = process.env.PYTHONPATH;
  const userPlugins = process.env.PYTEST_PLUGINS;
  return {
    PYTHONPATH: userPath ? `${dir}${path.delimiter}${userPath}` : dir,
    PYTEST_PLUGINS: userPlugins ? `${userPlugins},${PLUGIN_MODULE}` : PLUGIN_MODULE,
    SELF_REPAIR_TRACE_OUT: path.join(dir, OUTPUT_FILE),
    SELF_REPAIR_TRACE_ROOT: root,
    ...settings,
  };
}

/** The request's runner, with one more folder writable in every run. */
function withWritable(runner: CommandRunner, dir: string): CommandRunner {
  return {
    name: runner.name,
    run: (request) => runner.run({ ...request, writable: [...(request.writable ?? []), dir] }),
  };
}

/**
 * Runs `command` with the plugin in the mode `settings` choose. Undefined when the run itself failed
 * (timed out, cancelled, did not start); a run whose tests fail is a good run.
 */
export async function runTraced(
  req: TraceRequest,
  command: string,
  settings: Record<string, string>,
  timeoutMs: number,
): Promise<TracedRun | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${copyPrefix()}trace-`));
  try {
    await writeFile(path.join(dir, PLUGIN_FILE), pluginSource());
    const report = await runTests({
      runner: withWritable(req.runner, dir),
      root: req.root,
      adapter: req.adapter,
      command,
      timeoutMs,
      env: pluginEnv(dir, req.root, settings),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    if (report.timedOut || report.runError) {
      debug('traced run failed: %s', report.runError ?? 'timed out');
      return undefined;
    }
    const outputs = await readOutputs(dir);
    if (!outputs.length) debug('the tracing plugin wrote nothing (not loaded?)');
    return { report, outputs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readOutputs(dir: string): Promise<unknown[]> {
  const outputs: unknown[] = [];
  for (const name of (await readdir(dir)).filter((entry) => OUTPUT_NAME.test(entry)).sort()) {
    try {
      outputs.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as unknown);
    } catch {
      debug('the tracing plugin wrote unreadable JSON in %s', name);
    }
  }
  return outputs;
}

/**
 * Time for a traced run: a few times what the plain run took (the request's figure, else the selected
 * tests' own durations), never more than the request's limit.
 */
export function traceTimeLimit(req: TraceRequest, selected: readonly TestCaseResult[]): number {
  const estimate = req.baselineMs ?? selected.reduce((sum, t) => sum + (t.durationMs ?? 0), 0);
  if (!estimate) return req.timeoutMs;
  return Math.min(req.timeoutMs, Math.max(MIN_TRACE_MS, TRACE_SLOWDOWN * estimate));
}

/** Whether a traced test id (pytest's node id, relative to its rootdir) names `id` (as the report has it). */
export function sameTest(nodeid: string, id: string): boolean {
  return nodeid === id || id.endsWith(`/${nodeid}`) || nodeid.endsWith(`/${id}`);
}
