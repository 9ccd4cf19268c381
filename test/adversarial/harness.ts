import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { hashTree } from '../support/projects';

const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'adversarial');
export const KEY = 'sk-test-secret';
const MODEL = 'scripted-coder';
/** Outside /tmp on purpose: bubblewrap's private /tmp would hide a home there, and prove nothing. */
const BASE = process.env.SELF_REPAIR_ADVERSARIAL_DIR ?? '/var/tmp';

export type Backend = 'bwrap' | 'none';

export interface Outcome {
  exitCode: number | undefined;
  json: { status: string; isolation?: string; message?: string };
  stderr: string;
  /** What the model was sent: the test output, where a leaked secret would travel. */
  prompts: string;
  /** The `before:` progress line: why the baseline run failed. */
  before: string;
  projectChanged: boolean;
  /** Copies (and report folders) the run left in its temp folder. */
  leftCopies: string[];
  /** Live processes whose folder lies in this run's tree. */
  leftProcesses: number[];
  keySeen: boolean;
  home: string;
  project: string;
}

/** The FINDINGS object a fixture test printed, as the model received it. */
export function findings(outcome: Outcome): Record<string, unknown> {
  const match = /FINDINGS (\{.*\})/.exec(outcome.prompts);
  if (!match) throw new Error(`no findings in what the model was sent: ${outcome.prompts.slice(0, 2000)}`);
  return JSON.parse(match[1]!);
}

export interface RunOptions {
  backend: Backend;
  timeoutSeconds?: number;
  allowNetwork?: boolean;
  env?: Record<string, string>;
}

/**
 * One repair with the built CLI, as a user would start it, on a copy of an adversarial fixture whose
 * tests misbehave. A fake home (with an SSH key) and a temp folder of its own, the model key in the
 * environment; the project gets real dependency folders for the copy to link to.
 */
export async function runAdversarial(scenario: string, options: RunOptions): Promise<Outcome> {
  const work = await mkdtemp(path.join(BASE, 'self-repair-adversarial-'));
  const project = path.join(work, 'project');
  const home = path.join(work, 'home');
  const tmp = path.join(work, 'tmp');
  await cp(path.join(FIXTURES, scenario), project, { recursive: true });
  await mkdir(path.join(project, 'node_modules', 'dep'), { recursive: true });
  await writeFile(path.join(project, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  await mkdir(path.join(project, '.venv', 'lib'), { recursive: true });
  await writeFile(path.join(project, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  await mkdir(path.join(home, '.ssh'), { recursive: true });
  await writeFile(path.join(home, '.ssh', 'id_ed25519'), 'ssh-private-key-material\n');
  await mkdir(tmp);
  const before = await hashTree(project);

  const server = await ScriptedModelServer.start({ replies: ['I cannot see a fix for this.'], models: [MODEL] });
  try {
    const { execa } = await import('execa');
    const args = [
      'repair',
      project,
      '--test',
      'node --test',
      '--base-url',
      server.url,
      '--model',
      MODEL,
      '--max-turns',
      '1',
      // One run of the scenario's test code before the model is asked: the flaky check and the
      // tracing runs would run it again.
      '--no-flaky-check',
      '--no-tracing',
      // What the scenario found must reach the prompt whole, however long the ancestors'
      // environments (a CI runner's PATH alone can push the CLI's command line past the default budget).
      '--max-prompt-tokens',
      '200000',
    ];
    args.push(
      '--timeout',
      String(options.timeoutSeconds ?? 20),
      '--sandbox',
      options.backend === 'bwrap' ? 'strict' : 'off',
      '--json',
    );
    if (options.allowNetwork) args.push('--allow-network');
    // The tests get only allow-listed variables; the scenario's own are passed by name, as a user would.
    for (const name of Object.keys(options.env ?? {})) args.push('--env', name);
    const view = process.env.SELF_REPAIR_SANDBOX_VIEW;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TMPDIR: tmp,
      SELF_REPAIR_API_KEY: KEY,
      ...(view ? { SELF_REPAIR_SANDBOX_VIEW: view } : {}),
      ...options.env,
    };
    const run = await execa('node', [CLI, ...args], {
      env,
      extendEnv: false,
      reject: false,
      timeout: 150_000,
      encoding: 'utf8',
    });
    const stdout = String(run.stdout);
    const stderr = String(run.stderr);
    const prompts = server.requests
      .flatMap((r) =>
        (r.body?.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))),
      )
      .join('\n');
    return {
      exitCode: run.exitCode,
      json: stdout ? JSON.parse(stdout) : { status: 'none' },
      stderr,
      prompts,
      before: /^before: .*$/m.exec(stderr)?.[0] ?? '',
      projectChanged: !sameTree(before, await hashTree(project)),
      leftCopies: await readdir(tmp),
      leftProcesses: await processesUnder(work),
      keySeen: [stdout, stderr, prompts].some((text) => text.includes(KEY)),
      home,
      project,
    };
  } finally {
    await server.close();
    await killProcessesUnder(work);
    await rm(work, { recursive: true, force: true });
  }
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([file, hash]) => b.get(file) === hash);
}

async function processesUnder(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd.startsWith(`${dir}/`) && !isZombie(entry)) found.push(Number(entry));
  }
  return found;
}

function isZombie(pid: string): boolean {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', pid], { encoding: 'utf8' }).trim().startsWith('Z');
  } catch {
    return true; // Gone.
  }
}

/** Leftovers of a failed row must not burden the machine or the next rows. */
async function killProcessesUnder(dir: string): Promise<void> {
  for (const pid of await processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export const cliBuilt = (): boolean => existsSync(CLI);
