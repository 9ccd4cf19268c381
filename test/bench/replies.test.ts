import assert from 'node:assert/strict';
import path from 'node:path';
import { defaultDatasetDir, loadDataset, type TaskProject } from '../../bench/repair/dataset';
import { FIX_FORMATS, fixReply, WRONG_KINDS, wrongReply } from '../../bench/repair/replies';
import { applyEdits, languageForFile, parseReply, replaceFunctionDefinition } from '../../src/core/index';

const REPO = path.resolve(__dirname, '..', '..');
/** The whole set when the shared copy is here, else the ten tasks of each language kept in the repository. */
function datasetFile(language: string): string {
  const dir = defaultDatasetDir(REPO);
  return dir ? path.join(dir, `${language}.jsonl`) : path.join(REPO, 'bench', 'repair', 'data', `${language}-10.jsonl`);
}

/** What the engine makes of a reply to the task's buggy program, or why it refuses it. */
async function applied(task: TaskProject, reply: string): Promise<string> {
  const files = { ...task.files, [task.source]: task.buggy };
  const isTestFile = (file: string) => /(^|\/)test/.test(file);
  try {
    const changes = await applyEdits(parseReply(reply).edits, {
      readFile: async (file) => files[file],
      projectFiles: Object.keys(files),
      focusFiles: [task.source],
      isTestFile,
      replaceFunction: async (source, file, code) => replaceFunctionDefinition(source, languageForFile(file)!, code),
    });
    return changes.get(task.source) ?? task.buggy;
  } catch (error) {
    return `refused: ${String(error)}`;
  }
}

const tidy = (text: string) => text.replace(/[ \t]+$/gm, '').trimEnd();

describe('bench:repair reference replies', function () {
  this.timeout(120_000);
  for (const language of ['python', 'js']) {
    it(`every fix format gives the canonical ${language} program, and no wrong attempt does`, async function () {
      const tasks = await loadDataset(datasetFile(language));
      const failures: string[] = [];
      for (const task of tasks) {
        for (const format of FIX_FORMATS) {
          const result = await applied(task, fixReply(task, format));
          if (tidy(result) !== tidy(task.fixed)) failures.push(`${task.id} ${format}: ${result.slice(0, 200)}`);
        }
        for (const kind of WRONG_KINDS) {
          if (tidy(await applied(task, wrongReply(task, kind))) === tidy(task.fixed))
            failures.push(`${task.id} ${kind}`);
        }
      }
      assert.deepEqual(failures.slice(0, 10), [], `${failures.length} replies went wrong`);
    });
  }
});
