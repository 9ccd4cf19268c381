/**
 * The main job, runnable without a model: repairs a copy of the buggy Python sample project with the
 * built CLI against the scripted Chat Completions server (the first reply is a wrong fix, the second
 * a right one), so every stage shows: tests, explanation, feedback turn, verified patch.
 *
 *   npm run build && npm run demo
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ScriptedModelServer } from '../test/support/openai-server';
import { copyProject } from '../test/support/projects';
import { reply } from '../test/support/replies';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');

async function main(): Promise<number> {
  if (!existsSync(cli)) {
    console.error('error: dist/cli.js is missing; run `npm run build` first');
    return 2;
  }
  const project = await copyProject('python-buggy');
  const server = await ScriptedModelServer.start({
    replies: [reply('python-mean-wrong-fix'), reply('python-mean-search-replace')],
  });
  try {
    console.error(`demo: repairing a copy of test/fixtures/projects/python-buggy in ${project.root}`);
    console.error(`demo: scripted model at ${server.url}\n`);
    const child = spawn(
      process.execPath,
      [cli, 'repair', project.root, '--base-url', server.url, '--model', 'scripted-coder'],
      {
        stdio: 'inherit',
      },
    );
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await server.close();
    await project.remove();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
