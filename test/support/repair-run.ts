import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../src/core/model';
import { repair } from '../../src/core/repair';
import type { RepairEvent, RepairOptions, RepairResult } from '../../src/core/repair/types';
import { ScriptedModelServer, type ScriptedReply, type ScriptedServerOptions } from './openai-server';
import { copyProject, hashTree } from './projects';

export const SCRIPTED_MODEL = 'scripted-coder';

export interface ScriptedRepair {
  result: RepairResult;
  events: RepairEvent[];
  /** The last user message of each chat request, in order. */
  userPrompts: string[];
  /** Every request the server received. */
  requests: number;
  /** The `n` of each chat request (undefined where none was sent). */
  asked: Array<number | undefined>;
}

/**
 * Repairs a fresh copy of a sample project (test/fixtures/projects/<project>) with the engine's loop
 * against the scripted model server; the copy must stay untouched, whatever the repair does.
 */
export async function repairSample(
  project: string,
  replies: ScriptedReply[],
  options: Partial<RepairOptions> = {},
  serverOptions: ScriptedServerOptions = {},
): Promise<ScriptedRepair> {
  const copy = await copyProject(project);
  const server = await ScriptedModelServer.start({ ...serverOptions, replies, models: [SCRIPTED_MODEL] });
  try {
    const before = await hashTree(copy.root);
    const events: RepairEvent[] = [];
    const result = await repair({
      projectRoot: copy.root,
      model: new OpenAIModelClient({ baseUrl: server.url, model: SCRIPTED_MODEL }),
      timeoutMs: 60_000,
      onEvent: (event) => events.push(event),
      ...options,
    });
    assert.deepEqual(await hashTree(copy.root), before, 'the repair must not touch the user files');
    const userPrompts = server.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => {
        const content: unknown = r.body?.messages?.at(-1)?.content;
        return typeof content === 'string' ? content : '';
      });
    const asked = server.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => (typeof r.body?.n === 'number' ? r.body.n : undefined));
    return { result, events, userPrompts, requests: server.requests.length, asked };
  } finally {
    await server.close();
    await copy.remove();
  }
}
