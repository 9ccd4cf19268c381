/**
 * What a sandbox costs on a big project: the median time to create one, run a trivial command in it and
 * remove it, against a plain recursive copy (`cp -r`) of the same tree, both measured in this run. The
 * workspace is built in the temp folder with deterministic content and removed at the end.
 *
 *   npm run bench:sandbox            (BENCH_ROUNDS=7, SELF_REPAIR_SANDBOX_VIEW=overlay|reflink|copy)
 *
 * The last line is one JSON object: files, bytes, sandboxMsMedian, copyMsMedian, ratio (copy / sandbox).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cloneSandbox, createSandbox, ProcessRunner, type Sandbox } from '../src/core/sandbox';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SOURCE_DIRS = 100;
const SOURCE_FILES_PER_DIR = 198;
const ASSETS = 200;
const ASSET_BYTES = 1_600_000;
const PACKAGES = 60;
const FILES_PER_PACKAGE = 40;
const CLONES = 8;

interface Tree {
  files: number;
  bytes: number;
}

/** xorshift32: the same bytes on every machine and run. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** 20 000 project files (19 800 sources and 200 binary assets, over 300 MB) plus a node_modules tree. */
async function buildWorkspace(root: string): Promise<Tree> {
  const tree: Tree = { files: 0, bytes: 0 };
  const put = async (rel: string, content: string | Buffer): Promise<void> => {
    await writeFile(path.join(root, rel), content);
    tree.files++;
    tree.bytes += Buffer.byteLength(content);
  };
  const noise = pseudoRandomBytes(ASSET_BYTES * 2, 42);
  await mkdir(path.join(root, 'assets'), { recursive: true });
  for (let a = 0; a < ASSETS; a++) {
    const start = (a * 7919) % ASSET_BYTES;
    await put(`assets/blob${a}.bin`, noise.subarray(start, start + ASSET_BYTES));
  }
  for (let d = 0; d < SOURCE_DIRS; d++) {
    await mkdir(path.join(root, 'src', `pkg${d}`), { recursive: true });
    const files = Array.from({ length: SOURCE_FILES_PER_DIR }, (_, f) =>
      put(
        `src/pkg${d}/module${f}.js`,
        `// module ${d}/${f}\nexports.value = ${d * 1000 + f};\n`.repeat(1 + ((d + f) % 40)),
      ),
    );
    await Promise.all(files);
  }
  for (let p = 0; p < PACKAGES; p++) {
    await mkdir(path.join(root, 'node_modules', `dep${p}`, 'lib'), { recursive: true });
    await put(
      `node_modules/dep${p}/package.json`,
      JSON.stringify({ name: `dep${p}`, version: '1.0.0', main: 'lib/f0.js' }),
    );
    await Promise.all(
      Array.from({ length: FILES_PER_PACKAGE - 1 }, (_, f) =>
        put(`node_modules/dep${p}/lib/f${f}.js`, `module.exports = ${f};\n`.repeat(30)),
      ),
    );
  }
  return tree;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function sandboxAndTrivialCommand(root: string, runner: ProcessRunner): Promise<Sandbox['kind']> {
  const sandbox = await createSandbox(root);
  try {
    const result = await runner.run({ command: 'ls > /dev/null', cwd: sandbox.root, timeoutMs: 60_000 });
    if (result.exitCode !== 0)
      throw new Error(`trivial command failed in the ${sandbox.kind} sandbox: ${result.output.trim()}`);
    return sandbox.kind;
  } finally {
    await sandbox.dispose();
  }
}

async function clonesOfOne(root: string): Promise<number> {
  const base = await createSandbox(root);
  try {
    return await timed(async () => {
      const clones = await Promise.all(Array.from({ length: CLONES }, () => cloneSandbox(base)));
      await Promise.all(clones.map((clone) => clone.dispose()));
    });
  } finally {
    await base.dispose();
  }
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-sandbox-'));
  const root = path.join(scratch, 'workspace');
  try {
    const building = performance.now();
    const tree = await buildWorkspace(root);
    console.log(
      `workspace: ${tree.files} files, ${(tree.bytes / 1e6).toFixed(0)} MB (built in ${((performance.now() - building) / 1000).toFixed(1)} s)`,
    );
    const runner = new ProcessRunner();
    // The first sandbox of a process probes what the machine allows; later ones reuse the answer.
    const probing = performance.now();
    const kind = await sandboxAndTrivialCommand(root, runner);
    console.log(
      `sandbox kind: ${kind} (the first one, with the probe: ${(performance.now() - probing).toFixed(0)} ms)`,
    );

    const sandboxTimes: number[] = [];
    const copyTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const target = path.join(scratch, `copy${i}`);
      copyTimes.push(await timed(() => run('cp', ['-r', root, target])));
      await rm(target, { recursive: true, force: true });
      sandboxTimes.push(await timed(() => sandboxAndTrivialCommand(root, runner)));
      // The same command without a sandbox: what the machine's load alone costs.
      plainTimes.push(await timed(() => runner.run({ command: 'ls > /dev/null', cwd: root, timeoutMs: 60_000 })));
      const figures = [
        `cp -r ${copyTimes[i]!.toFixed(0)} ms`,
        `sandbox + \`ls\` + dispose ${sandboxTimes[i]!.toFixed(1)} ms`,
        `\`ls\` alone ${plainTimes[i]!.toFixed(1)} ms`,
      ];
      console.log(`round ${i + 1}/${ROUNDS}: ${figures.join(', ')}`);
    }
    console.log(`\`ls\` without a sandbox, median: ${median(plainTimes).toFixed(1)} ms`);
    console.log(`${CLONES} clones of one sandbox, made and removed: ${(await clonesOfOne(root)).toFixed(0)} ms`);
    const sandboxMsMedian = round(median(sandboxTimes));
    const copyMsMedian = round(median(copyTimes));
    console.log(
      JSON.stringify({
        files: tree.files,
        bytes: tree.bytes,
        sandboxMsMedian,
        copyMsMedian,
        ratio: round(copyMsMedian / sandboxMsMedian),
      }),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
