/**
 * The repair benchmark: HumanEvalFix tasks, each a small project, repaired by the real engine with real
 * test processes. Without --base-url it runs in reference mode: a scripted local model answers a wrong
 * attempt first and the canonical fix second, in varied edit formats with realistic noise, so the
 * plumbing, the harness overhead and the rate of applying noisy replies are measured.
 *
 *   npm run bench:repair -- [--dataset python|js|<file.jsonl>]... [--limit N] [--base-url URL --model M]
 *                           [--strategy all|no-attempt-memory|no-dedupe|no-staged|single] [--compare]
 *                           [--candidates K] [--max-turns T] [--records runs.jsonl] [--json]
 *
 * --limit takes the first N tasks of each dataset. With --json the last line is one JSON object.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OpenAIModelClient, resolveModelConfig } from '../../src/core/index';
import { loadDataset, resolveDataset, type TaskProject } from './dataset';
import { runTask, STRATEGIES, type RunSettings, type TaskRun } from './run';
import { summarize, table, type Summary } from './summary';

const REPO = path.resolve(__dirname, '..', '..');

interface BenchArgs {
  datasets: string[];
  limit?: number;
  strategies: string[];
  candidates: number;
  maxTurns: number;
  baseUrl?: string;
  model?: string;
  json: boolean;
  /** Appends each task's run as one JSON line, so a long run can be looked at before it ends. */
  records?: string;
}

function wholeNumber(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`--${name} must be a whole number above 0, got "${value}"`);
  return Number(value);
}

function parse(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string', multiple: true },
      limit: { type: 'string' },
      strategy: { type: 'string', default: 'all' },
      compare: { type: 'boolean', default: false },
      candidates: { type: 'string' },
      'max-turns': { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      records: { type: 'string' },
    },
  });
  const strategy = values.strategy;
  if (!(strategy in STRATEGIES)) throw new Error(`--strategy must be one of ${Object.keys(STRATEGIES).join(', ')}`);
  return {
    datasets: values.dataset?.length ? values.dataset : ['python'],
    limit: wholeNumber('limit', values.limit, undefined),
    strategies: values.compare ? Object.keys(STRATEGIES) : [strategy],
    candidates: wholeNumber('candidates', values.candidates, 2)!,
    maxTurns: wholeNumber('max-turns', values['max-turns'], 4)!,
    baseUrl: values['base-url'],
    model: values.model,
    json: values.json,
    records: values.records,
  };
}

async function loadTasks(args: BenchArgs): Promise<TaskProject[]> {
  const sets = await Promise.all(args.datasets.map((name) => loadDataset(resolveDataset(name, REPO))));
  return sets.flatMap((tasks) => (args.limit ? tasks.slice(0, args.limit) : tasks));
}

async function runStrategy(strategy: string, tasks: TaskProject[], args: BenchArgs): Promise<Summary> {
  const settings: RunSettings = { strategy, candidatesPerTurn: args.candidates, maxTurns: args.maxTurns };
  if (args.baseUrl) {
    const config = resolveModelConfig({ baseUrl: args.baseUrl, model: args.model });
    settings.model = () => new OpenAIModelClient(config);
  }
  const runs: TaskRun[] = [];
  const started = performance.now();
  for (const [k, task] of tasks.entries()) {
    const run = await runTask(task, k, settings);
    runs.push(run);
    if (args.records) await appendFile(args.records, `${JSON.stringify({ strategy, ...run })}\n`);
    const turns = run.turns.map((t) => Math.round(t.overheadMs)).join(',');
    process.stderr.write(
      `[${strategy}] ${k + 1}/${tasks.length} ${task.id}: ${run.status} (${run.message}); overhead ms per turn ${turns}\n`,
    );
  }
  return summarize(strategy, runs, args.maxTurns, (performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const tasks = await loadTasks(args);
  if (!tasks.length) throw new Error('the dataset holds no task');
  const mode = args.baseUrl
    ? `model ${args.model ?? '(default)'} at ${args.baseUrl}`
    : 'reference mode (scripted replies)';
  process.stderr.write(
    `${tasks.length} tasks, ${mode}, up to ${args.maxTurns} turns, ${args.candidates} candidates per turn\n`,
  );
  const summaries: Summary[] = [];
  for (const strategy of args.strategies) summaries.push(await runStrategy(strategy, tasks, args));
  console.log(table(summaries));
  for (const s of summaries) {
    if (Object.keys(s.appliedByFormat).length)
      console.log(`${s.strategy}: fix replies applied by format: ${JSON.stringify(s.appliedByFormat)}`);
    if (s.unfixed.length) console.log(`${s.strategy}: not fixed: ${s.unfixed.join('; ')}`);
  }
  if (args.json) {
    const [first, ...rest] = summaries;
    console.log(JSON.stringify(rest.length ? { ...first, strategies: summaries } : first));
  }
  // Reference mode answers every task with its known fix: a task left unfixed is a fault of the harness.
  if (!args.baseUrl && summaries.some((s) => s.unfixed.length)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:repair: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
