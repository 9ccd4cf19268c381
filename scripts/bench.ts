/**
 * Figures for the engine's costs, each as a ratio against a baseline measured in the same run (the
 * machines are noisy, so absolute times mean little and no test asserts on them).
 *
 *   npm run bench
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenAIModelClient } from '../src/core/model';
import { repair } from '../src/core/repair';
import { createSandbox, ProcessRunner } from '../src/core/sandbox';
import { listFunctions } from '../src/core/syntax';
import { runTests, selectAdapter } from '../src/core/testing';
import { ScriptedModelServer } from '../test/support/openai-server';
import { copyProject } from '../test/support/projects';
import { reply } from '../test/support/replies';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

function row(name: string, baselineName: string, baseline: number, measured: number): void {
  console.log(
    `${name.padEnd(44)} ${measured.toFixed(1).padStart(8)} ms   ${baselineName.padEnd(30)} ${baseline.toFixed(1).padStart(8)} ms   ratio ${(measured / baseline).toFixed(2)}`,
  );
}

async function sandboxedTestRun(): Promise<void> {
  const project = await copyProject('python-buggy');
  try {
    const adapter = await selectAdapter(project.root);
    const command = await adapter.defaultCommand(project.root);
    const runner = new ProcessRunner();
    const direct = await timeIt(async () =>
      execFileSync('/bin/sh', ['-c', `${command} -q -p no:cacheprovider || true`], {
        cwd: project.root,
        stdio: 'ignore',
      }),
    );
    const sandboxed = await timeIt(async () => {
      const sandbox = await createSandbox(project.root);
      try {
        await runTests({ runner, root: sandbox.root, adapter, command, timeoutMs: 60_000 });
      } finally {
        await sandbox.dispose();
      }
    });
    row('pytest run: copy + run + parse report', 'pytest run in place', direct, sandboxed);
  } finally {
    await project.remove();
  }
}

async function copyScaling(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bench-project-'));
  try {
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(root, 'src', `pkg${d}`), { recursive: true });
      await mkdir(path.join(root, 'node_modules', `dep${d}`), { recursive: true });
      for (let f = 0; f < 50; f++) {
        await writeFile(path.join(root, 'src', `pkg${d}`, `m${f}.js`), `module.exports = ${f};\n`.repeat(20));
        await writeFile(path.join(root, 'node_modules', `dep${d}`, `m${f}.js`), `module.exports = ${f};\n`.repeat(20));
      }
    }
    const target = path.join(os.tmpdir(), `bench-copy-${process.pid}`);
    const plain = await timeIt(async () => {
      await cp(path.join(root, 'src'), target, { recursive: true });
      await rm(target, { recursive: true, force: true });
    });
    const sandboxed = await timeIt(async () => (await createSandbox(root)).dispose());
    row('sandbox of 2000 files + 2000 in node_modules', 'fs.cp of the 2000 source files', plain, sandboxed);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function oneTurnRepair(): Promise<void> {
  const project = await copyProject('python-buggy');
  const server = await ScriptedModelServer.start();
  try {
    const adapter = await selectAdapter(project.root);
    const command = await adapter.defaultCommand(project.root);
    const testRun = await timeIt(async () =>
      runTests({ runner: new ProcessRunner(), root: project.root, adapter, command, timeoutMs: 60_000 }),
    );
    const repairTime = await timeIt(async () => {
      server.enqueue(reply('python-mean-search-replace'));
      const result = await repair({
        projectRoot: project.root,
        model: new OpenAIModelClient({ baseUrl: server.url, model: 'bench' }),
      });
      if (result.status !== 'fixed') throw new Error(`bench repair did not fix: ${result.message}`);
    });
    row('one-turn repair (baseline + 1 candidate)', 'one test run', testRun, repairTime);
  } finally {
    await server.close();
    await project.remove();
  }
}

async function parserMemory(): Promise<void> {
  const source = Array.from({ length: 200 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`).join('\n');
  const parses = 500;
  // The first batch grows the WebAssembly heap to its working size; a leak shows as growth after it.
  for (let i = 0; i < parses; i++) await listFunctions(source, `warm${i}.py`, 'python');
  global.gc?.();
  const before = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  for (let i = 0; i < parses; i++) await listFunctions(source, `m${i}.py`, 'python');
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  global.gc?.();
  const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
  console.log(
    `tree-sitter: ${parses} parses of a ${(source.length / 1024).toFixed(1)} KB module: ${(ms / parses).toFixed(2)} ms each, RSS change over the batch after a warm-up batch ${grown.toFixed(1)} MiB`,
  );
}

async function main(): Promise<void> {
  console.log(`median of ${ROUNDS} rounds each (BENCH_ROUNDS to change)\n`);
  await sandboxedTestRun();
  await copyScaling();
  await oneTurnRepair();
  await parserMemory();
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
