import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair } from '../../../src/core/repair';
import type { RepairOptions, RepairResult } from '../../../src/core/repair/types';
import { ScriptedModelServer, type ScriptedReply } from '../../support/openai-server';
import { copyProject, hashTree } from '../../support/projects';

export interface HackRun {
  result: RepairResult;
  userPrompts: string[];
}

/** Repairs a fresh copy of a sample project against the scripted server; the copy must stay untouched. */
export async function repairWith(
  project: string,
  replies: ScriptedReply[],
  options: Partial<RepairOptions> = {},
): Promise<HackRun> {
  const copy = await copyProject(project);
  const server = await ScriptedModelServer.start({ replies, models: ['scripted-coder'] });
  try {
    const before = await hashTree(copy.root);
    const result = await repair({
      projectRoot: copy.root,
      model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted-coder' }),
      timeoutMs: 60_000,
      ...options,
    });
    assert.deepEqual(await hashTree(copy.root), before, 'the repair must not touch the user files');
    const userPrompts = server.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => {
        const content = r.body?.messages?.at(-1)?.content;
        return typeof content === 'string' ? content : '';
      });
    return { result, userPrompts };
  } finally {
    await server.close();
    await copy.remove();
  }
}
