import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

interface Scenario {
  project: string;
  reply: string;
  /** The framework the CLI must detect, as its progress names it. */
  framework: string;
  /** The test command the framework's own users would type, run again after the fix. */
  rerun: string[];
  file: string;
  fixed: RegExp;
  /** The failing test as the CLI names it before the fix. */
  failing: RegExp;
  /** Skips the second run of the failing tests (the flaky check), to keep the suite's time down. */
  noFlakyCheck?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    project: 'jest-buggy',
    reply: 'jest-discount',
    framework: 'jest',
    rerun: ['jest'],
    file: 'src/invoice.js',
    fixed: /amount - \(amount \* percent\) \/ 100/,
    failing: /test\/invoice\.test\.js > invoice > discount > takes a percentage off/,
  },
  {
    project: 'jest-load-error',
    noFlakyCheck: true,
    reply: 'jest-missing-module',
    framework: 'jest',
    rerun: ['jest'],
    file: 'src/distance.js',
    fixed: /require\('\.\/units'\)/,
    failing: /test\/distance\.test\.js/,
  },
  {
    project: 'vitest-buggy',
    reply: 'vitest-median',
    framework: 'vitest',
    rerun: ['vitest', 'run'],
    file: 'src/stats.ts',
    fixed: /\[\.\.\.values\]\.sort\(\(a, b\) => a - b\)/,
    failing: /test\/stats\.test\.ts > stats > median > picks the middle of unsorted values/,
  },
  {
    project: 'mocha-buggy',
    noFlakyCheck: true,
    reply: 'mocha-slugify',
    framework: 'mocha',
    rerun: ['mocha'],
    file: 'src/slug.js',
    fixed: /split\(\/\\s\+\/\)\.join\('-'\)/,
    failing: /test\/slug\.test\.js > slug > slugify > joins words with dashes/,
  },
  {
    project: 'mocha-hangs',
    noFlakyCheck: true,
    reply: 'mocha-wait-count',
    framework: 'mocha',
    // Before the fix the test leaves a timer running, which holds plain mocha open for good.
    rerun: ['mocha', '--exit'],
    file: 'queue.js',
    fixed: /queue\.length >= count/,
    failing: /test\/queue\.test\.js > queue > waits for all the items/,
  },
];

/** execa is ESM-only; under tsx a static import would become a failing require(). */
async function run(file: string, args: string[], cwd: string, env?: Record<string, string | undefined>) {
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    cwd,
    reject: false,
    timeout: 120_000,
    encoding: 'utf8',
    env,
    extendEnv: !env,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The user's environment without any setting of ours, but for the sandbox view the suite may choose. */
function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(SELF_REPAIR_|OPENAI_)/.test(name) && name !== 'SELF_REPAIR_SANDBOX_VIEW') env[name] = undefined;
  }
  return env;
}

describe('self-repair CLI on jest, vitest and mocha projects (dist/cli.js, the real runners)', function () {
  this.timeout(180_000);

  before(async function () {
    for (const { project } of SCENARIOS) {
      if (!existsSync(path.join(ROOT, 'test', 'fixtures', 'projects', project, 'node_modules'))) {
        throw new Error(`${project} has no node_modules: run \`npm run setup:frameworks\``);
      }
    }
    if (!existsSync(CLI)) await run('node', ['esbuild.mjs'], ROOT);
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.project}: detects ${scenario.framework}, repairs with --apply, and then ${scenario.framework} passes`, async () => {
      const copy = await copyProject(scenario.project);
      const server = await ScriptedModelServer.start({ replies: [reply(scenario.reply)], models: [MODEL] });
      try {
        const before = await run('npx', scenario.rerun, copy.root);
        assert.notEqual(before.exitCode, 0, 'the fixture must fail before the repair');
        const repaired = await run(
          'node',
          [
            CLI,
            'repair',
            copy.root,
            '--base-url',
            server.url,
            '--model',
            MODEL,
            '--apply',
            ...(scenario.noFlakyCheck ? ['--no-flaky-check'] : []),
          ],
          ROOT,
          userEnv(),
        );
        assert.equal(repaired.exitCode, 0, repaired.stderr);
        assert.match(repaired.stderr, new RegExp(`\\b${scenario.framework}\\b`));
        assert.match(repaired.stderr, scenario.failing);
        assert.match(await readFile(path.join(copy.root, scenario.file), 'utf8'), scenario.fixed);
        const after = await run('npx', scenario.rerun, copy.root);
        assert.equal(after.exitCode, 0, `${after.stdout}\n${after.stderr}`);
        // The model saw the failure as the framework reported it.
        const prompt = JSON.stringify(server.requests.at(0)?.body?.messages ?? []);
        assert.match(prompt, scenario.failing);
      } finally {
        await server.close();
        await copy.remove();
      }
    });
  }
});
