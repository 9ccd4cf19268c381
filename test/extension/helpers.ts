import { OpenAIModelClient } from '../../src/core/model';
import { repair } from '../../src/core/repair';
import type { RepairEvent, RepairResult } from '../../src/core/repair/types';
import { ScriptedModelServer, type ScriptedReply } from '../support/openai-server';
import { copyProject } from '../support/projects';

export interface RecordedRepair {
  events: RepairEvent[];
  result: RepairResult;
}

/** A real repair of a copy of a sample project (real tests, real HTTP) against scripted replies. */
export async function recordRepair(project: string, replies: ScriptedReply[], maxTurns = 4): Promise<RecordedRepair> {
  const copy = await copyProject(project);
  const server = await ScriptedModelServer.start({ replies });
  try {
    const events: RepairEvent[] = [];
    const result = await repair({
      projectRoot: copy.root,
      model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted-coder' }),
      maxTurns,
      timeoutMs: 60_000,
      onEvent: (event) => events.push(event),
    });
    return { events, result };
  } finally {
    await server.close();
    await copy.remove();
  }
}
