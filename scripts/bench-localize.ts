/**
 * Does the first prompt show the model the buggy code? Injects one bug at a time into a copy of a real
 * project, runs the built CLI against it with a scripted model that answers without a fix (so one
 * request is made and nothing is changed), and reads the prompt the model received: whether the
 * injected line is in its code, whether the buggy function is the first suspect shown, and its size.
 *
 *   npm run build && npm run bench:localize -- --project <dir> --bugs bench/localize/more-itertools.json
 *
 * A bugs file is a JSON array of { name, file, find, replace, function }: `find` must occur exactly
 * once in `file`. The project folder is never changed; each bug gets a fresh copy in the temp folder.
 * The last line is one JSON object with the figures.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ScriptedModelServer } from '../test/support/openai-server';

interface InjectedBug {
  name: string;
  file: string;
  find: string;
  replace: string;
  /** The function the bug is in, as the prompt would name it. */
  function: string;
}

interface BugResult {
  name: string;
  /** The injected line is in the prompt's code. */
  shown: boolean;
  /** The first code snippet shown is the buggy function (or holds the injected line). */
  first: boolean;
  promptChars: number;
  seconds: number;
  outcome: string;
}

const NO_FIX_REPLY = '## Explanation\nI cannot tell yet.\n\n## Fix\nNo change.';
const CLI = path.resolve('dist/cli.js');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { project: { type: 'string' }, bugs: { type: 'string' }, test: { type: 'string' } },
  });
  if (!values.project || !values.bugs) throw new Error('usage: bench-localize --project <dir> --bugs <file.json>');
  const bugs = JSON.parse(await readFile(values.bugs, 'utf8')) as InjectedBug[];
  const results: BugResult[] = [];
  for (const bug of bugs) {
    const result = await measure(path.resolve(values.project), bug, values.test);
    results.push(result);
    const mark = result.shown ? (result.first ? 'first' : 'shown') : 'MISSING';
    console.log(
      `${bug.name.padEnd(40)} ${mark.padEnd(8)} ${String(result.promptChars).padStart(7)} chars  ${result.seconds.toFixed(1)} s  ${result.outcome}`,
    );
  }
  const sizes = results.map((r) => r.promptChars).sort((a, b) => a - b);
  const summary = {
    bugs: results.length,
    shown: results.filter((r) => r.shown).length,
    first: results.filter((r) => r.first).length,
    medianPromptChars: sizes[Math.floor((sizes.length - 1) / 2)] ?? 0,
    maxPromptChars: sizes[sizes.length - 1] ?? 0,
  };
  console.log(JSON.stringify(summary));
}

async function measure(project: string, bug: InjectedBug, testCommand?: string): Promise<BugResult> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-localize-'));
  const copy = path.join(work, path.basename(project));
  const server = await ScriptedModelServer.start({ replies: [NO_FIX_REPLY] });
  const started = Date.now();
  try {
    await cp(project, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git${path.sep}`) });
    await inject(path.join(copy, bug.file), bug);
    const args = [
      CLI,
      'repair',
      copy,
      '--max-turns',
      '1',
      '--candidates',
      '1',
      '--no-flaky-check',
      '--timeout',
      '900',
      '--json',
    ];
    if (testCommand) args.push('--test', testCommand);
    const outcome = await runCli(args, server.url);
    const prompt = lastUserMessage(server);
    const code = prompt.split('## Code under test')[1] ?? '';
    const firstSnippet = code
      .split(/\n```\w*\n/)
      .slice(0, 2)
      .join('\n');
    const injected = bug.replace.trim();
    return {
      name: bug.name,
      shown: code.includes(injected),
      first: firstSnippet.includes(bug.function) || firstSnippet.includes(injected),
      promptChars: prompt.length,
      seconds: (Date.now() - started) / 1000,
      outcome,
    };
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function inject(file: string, bug: InjectedBug): Promise<void> {
  const text = await readFile(file, 'utf8');
  const at = text.indexOf(bug.find);
  if (at < 0 || text.indexOf(bug.find, at + 1) >= 0)
    throw new Error(`${bug.name}: "find" must occur exactly once in ${bug.file}`);
  await writeFile(file, text.slice(0, at) + bug.replace + text.slice(at + bug.find.length));
}

function runCli(args: string[], baseUrl: string): Promise<string> {
  const env = { ...process.env, SELF_REPAIR_BASE_URL: baseUrl, SELF_REPAIR_API_KEY: 'bench', OPENAI_API_KEY: 'bench' };
  return new Promise((resolve) => {
    execFile('node', args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      try {
        const json = JSON.parse(stdout) as { status?: string };
        resolve(`${json.status ?? '?'}`);
      } catch {
        resolve(error ? `exit ${String(error.code)}` : 'no JSON');
      }
    });
  });
}

function lastUserMessage(server: ScriptedModelServer): string {
  const request = server.requests.find((r) => r.path.endsWith('/chat/completions'));
  const messages = request?.body?.messages ?? [];
  const user = messages.filter((m) => m.role === 'user').pop();
  return typeof user?.content === 'string' ? user.content : '';
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
