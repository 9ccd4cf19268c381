/**
 * Staged against full verification: the same repair (two wrong candidates, then the right one) of a
 * project of a few hundred pytest tests, once with each, on the same project and scripted model.
 * Figures per repair: test runs, seconds spent in test runs, wall seconds; ratio full / staged.
 */
import { rm } from 'node:fs/promises';
import { OpenAIModelClient } from '../../src/core/model';
import { repair } from '../../src/core/repair';
import { ProcessRunner } from '../../src/core/sandbox';
import type { CommandRunner, RunRequest, RunResult } from '../../src/core/sandbox/types';
import { ScriptedModelServer } from '../../test/support/openai-server';
import { BENCH_REPLIES, buildBenchProject, FAILING_TEST, type BenchProjectOptions } from './project';

/** The real runner, adding up the runs it makes and how long they take. */
class TallyRunner implements CommandRunner {
  readonly name = 'tally';
  runs = 0;
  /** Runs of the whole suite, not narrowed to the failing test. */
  suiteRuns = 0;
  testMs = 0;
  private readonly inner = new ProcessRunner();
  async run(request: RunRequest): Promise<RunResult> {
    const result = await this.inner.run(request);
    this.runs++;
    if (!request.command.includes(FAILING_TEST)) this.suiteRuns++;
    this.testMs += result.durationMs;
    return result;
  }
}

export interface RepairFigures {
  status: string;
  turns: number;
  testRuns: number;
  /** Of `testRuns`, those of the whole suite (the baseline's, the flaky check's fallback, verifications). */
  suiteRuns: number;
  testSeconds: number;
  wallSeconds: number;
}

export interface StagedBenchResult {
  tests: number;
  testMs: number;
  rounds: number;
  /** Means over the rounds. */
  staged: RepairFigures;
  full: RepairFigures;
  /** full / staged, per figure. */
  ratio: { testRuns: number; suiteRuns: number; testSeconds: number; wallSeconds: number };
}

async function oneRepair(projectRoot: string, staged: boolean): Promise<RepairFigures> {
  const server = await ScriptedModelServer.start({ replies: [...BENCH_REPLIES] });
  const runner = new TallyRunner();
  const started = performance.now();
  try {
    const result = await repair({
      projectRoot,
      model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted' }),
      runner,
      maxTurns: BENCH_REPLIES.length,
      timeoutMs: 300_000,
      stagedVerification: staged,
    });
    if (result.status !== 'fixed') throw new Error(`the bench repair ended ${result.status}: ${result.message}`);
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      status: result.status,
      turns: result.turns,
      testRuns: runner.runs,
      suiteRuns: runner.suiteRuns,
      testSeconds: runner.testMs / 1000,
      wallSeconds,
    };
  } finally {
    await server.close();
  }
}

function mean(figures: RepairFigures[]): RepairFigures {
  const avg = (pick: (f: RepairFigures) => number): number => figures.reduce((s, f) => s + pick(f), 0) / figures.length;
  return {
    status: figures[0]!.status,
    turns: avg((f) => f.turns),
    testRuns: avg((f) => f.testRuns),
    suiteRuns: avg((f) => f.suiteRuns),
    testSeconds: avg((f) => f.testSeconds),
    wallSeconds: avg((f) => f.wallSeconds),
  };
}

/** Builds the project, repairs it `rounds` times each way (alternating), removes it. */
export async function runStagedBench(options: BenchProjectOptions & { rounds: number }): Promise<StagedBenchResult> {
  const root = await buildBenchProject(options);
  try {
    const staged: RepairFigures[] = [];
    const full: RepairFigures[] = [];
    for (let round = 0; round < options.rounds; round++) {
      staged.push(await oneRepair(root, true));
      full.push(await oneRepair(root, false));
    }
    const s = mean(staged);
    const f = mean(full);
    const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
    return {
      tests: options.hotTests + 3,
      testMs: options.testMs,
      rounds: options.rounds,
      staged: s,
      full: f,
      ratio: {
        testRuns: ratio(f.testRuns, s.testRuns),
        suiteRuns: ratio(f.suiteRuns, s.suiteRuns),
        testSeconds: ratio(f.testSeconds, s.testSeconds),
        wallSeconds: ratio(f.wallSeconds, s.wallSeconds),
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The result as a small Markdown table. */
export function stagedTable(result: StagedBenchResult): string {
  const row = (name: string, f: RepairFigures): string =>
    `| ${name} | ${f.testRuns.toFixed(1)} | ${f.suiteRuns.toFixed(1)} | ${f.testSeconds.toFixed(1)} | ${f.wallSeconds.toFixed(1)} |`;
  return [
    `staged vs full verification: ${result.tests} pytest tests (${result.testMs} ms each), 3 turns (2 wrong candidates, then the fix), ${result.rounds} round(s)`,
    '| verification | test runs | whole-suite runs | test seconds | wall seconds |',
    '| --- | --- | --- | --- | --- |',
    row('staged', result.staged),
    row('full', result.full),
    `| full / staged | ${result.ratio.testRuns} | ${result.ratio.suiteRuns} | ${result.ratio.testSeconds} | ${result.ratio.wallSeconds} |`,
  ].join('\n');
}
