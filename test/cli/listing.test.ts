import assert from 'node:assert/strict';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = 'scripted-coder';

describe('CLI: a project larger than the file listing cap', function () {
  this.timeout(120_000);
  const saved = process.env.SELF_REPAIR_MAX_FILES;
  afterEach(() => {
    if (saved === undefined) delete process.env.SELF_REPAIR_MAX_FILES;
    else process.env.SELF_REPAIR_MAX_FILES = saved;
  });

  it('says the listing was cut (stderr note, JSON notes) and still accepts the fix of a file past it', async () => {
    // One file listed: the module the fix edits sorts after the first file, so it lies past the cap.
    process.env.SELF_REPAIR_MAX_FILES = '1';
    const project = await copyProject('python-buggy');
    const server = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')], models: [MODEL] });
    const stdout: string[] = [];
    const stderr: string[] = [];
    try {
      const args = ['repair', project.root, '--test', 'python3 -m pytest', '--base-url', server.url];
      const code = await main([...args, '--model', MODEL, '--json'], {
        stdout: (text) => stdout.push(text),
        stderr: (text) => stderr.push(text),
        stderrIsTTY: false,
        cwd: ROOT,
        env: { SELF_REPAIR_API_KEY: 'sk-test' },
      });
      const note = 'listed the first 1 file of the project; a file beyond them is still accepted when a fix names it';
      assert.match(stderr.join(''), new RegExp(`^note: ${note}$`, 'm'));
      assert.equal(code, 0, stderr.join(''));
      const out = JSON.parse(stdout.join(''));
      assert.equal(out.status, 'fixed');
      assert.deepEqual(out.notes, [note]);
    } finally {
      await server.close();
      await project.remove();
    }
  });
});
