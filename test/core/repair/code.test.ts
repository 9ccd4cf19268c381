import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair } from '../../../src/core/repair';
import { ScriptedModelServer } from '../../support/openai-server';
import { hashTree } from '../../support/projects';

/** More files than the listing takes (20,000), all sorting before the code to repair. */
const FILLER_FILES = 20_001;

const FIX = `## Explanation
\`double\` adds one too many.

## Fix
zzz/calc.py
\`\`\`python
<<<<<<< SEARCH
    return x * 2 + 1
=======
    return x * 2
>>>>>>> REPLACE
\`\`\`
`;

/** A pytest project whose only source file sorts after FILLER_FILES data files. */
async function largeProject(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'self-repair-large-'));
  await mkdir(path.join(root, 'aaa'));
  for (let start = 0; start < FILLER_FILES; start += 500) {
    const batch = Array.from({ length: Math.min(500, FILLER_FILES - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((n) => writeFile(path.join(root, 'aaa', `f${String(n).padStart(5, '0')}.txt`), `${n}\n`)),
    );
  }
  await mkdir(path.join(root, 'zzz'));
  await mkdir(path.join(root, 'tests'));
  await writeFile(path.join(root, 'pytest.ini'), '[pytest]\ntestpaths = tests\npythonpath = .\n');
  await writeFile(path.join(root, 'zzz', '__init__.py'), '');
  await writeFile(path.join(root, 'zzz', 'calc.py'), 'def double(x):\n    return x * 2 + 1\n');
  await writeFile(
    path.join(root, 'tests', 'test_calc.py'),
    'from zzz.calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n',
  );
  return root;
}

describe('the project code a repair may change, in a large project', function () {
  this.timeout(240_000);

  it('accepts a fix of a file that sorts after the first 20,000 files', async () => {
    const root = await largeProject();
    const server = await ScriptedModelServer.start({ replies: [FIX], models: ['scripted'] });
    try {
      const before = await hashTree(root);
      const result = await repair({
        projectRoot: root,
        model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted' }),
        maxTurns: 1,
        timeoutMs: 120_000,
        flakyCheck: false,
      });
      assert.equal(result.status, 'fixed', `${result.message}: ${result.candidates[0]?.rejected ?? ''}`);
      assert.match(result.patch, /^\+\s+return x \* 2$/m);
      assert.deepEqual(await hashTree(root), before, 'the repair must not touch the user files');
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
