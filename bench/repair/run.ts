/** Runs the real engine (through the core's one door) on one task's project, against a model. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenAIModelClient, repair, selectIsolation, type ModelClient, type RepairOptions } from '../../src/core/index';
import { ScriptedModelServer, type RecordedRequest } from '../../test/support/openai-server';
import type { TaskProject } from './dataset';
import { fixReply, FIX_FORMATS, kindsFor, wrongReply, type ReplyKind } from './replies';
import { cpuMs, turnTimings, type TimedEvent, type TurnTiming } from './timing';

/** The engine's strategy switches, by the RepairOptions field names; false switches one off. */
export type StrategySwitches = Record<string, boolean | number>;

export const STRATEGIES: Record<string, StrategySwitches> = {
  all: {},
  'no-attempt-memory': { attemptMemory: false },
  'no-dedupe': { dedupeCandidates: false },
  'no-staged': { stagedVerification: false },
  single: { candidatesPerTurn: 1 },
};

export interface RunSettings {
  strategy: string;
  candidatesPerTurn: number;
  maxTurns: number;
  /** A real endpoint; reference mode (scripted replies) without one. */
  model?: () => ModelClient;
}

export interface ReplyOutcome {
  kind: ReplyKind;
  applied: boolean;
  fixed: boolean;
}

export interface TaskRun {
  id: string;
  status: string;
  message: string;
  /** The turn the fix came in; undefined when not fixed. */
  fixedTurn?: number;
  requests: number;
  tokens: number;
  wallMs: number;
  /** From the start of the repair to its first turn: baseline, flaky check, tracing. */
  prepareMs: number;
  turns: TurnTiming[];
  /** Reference mode: what became of each scripted reply the engine turned into a candidate. */
  replies: ReplyOutcome[];
}

/** Scripted answers for one task: the turn's first prompt gets wrong attempts, any later one the fix. */
class ReferenceReplies {
  readonly sent = new Map<string, ReplyKind>();
  private firstPrompt: string | undefined;
  private served = 0;

  constructor(
    private readonly task: TaskProject,
    private readonly position: number,
    private readonly candidatesPerTurn: number,
  ) {}

  reply(request: RecordedRequest): string {
    const prompt = JSON.stringify(request.body?.messages?.at(-1)?.content ?? '');
    this.firstPrompt ??= prompt;
    const { wrong, fix } = kindsFor(this.position);
    const firstTurn = prompt === this.firstPrompt && this.served < this.candidatesPerTurn;
    const k = this.served++;
    if (firstTurn) return this.record(wrongReply(this.task, wrong), { wrong });
    // Sibling candidates of the fix come in the next formats: the same change, written differently.
    const format = FIX_FORMATS[(FIX_FORMATS.indexOf(fix) + k) % FIX_FORMATS.length]!;
    return this.record(fixReply(this.task, format), { fix: format });
  }

  private record(text: string, kind: ReplyKind): string {
    this.sent.set(text, kind);
    return text;
  }
}

async function writeProject(task: TaskProject): Promise<{ root: string; remove: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'bench-repair-'));
  const root = path.join(parent, task.id.replace(/\W+/g, '-').toLowerCase());
  for (const [file, content] of Object.entries(task.files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return { root, remove: () => rm(parent, { recursive: true, force: true }) };
}

export async function runTask(task: TaskProject, position: number, settings: RunSettings): Promise<TaskRun> {
  const project = await writeProject(task);
  const switches = STRATEGIES[settings.strategy] ?? {};
  const candidatesPerTurn = Number(switches.candidatesPerTurn ?? settings.candidatesPerTurn);
  const script = new ReferenceReplies(task, position, candidatesPerTurn);
  const server = settings.model
    ? undefined
    : await ScriptedModelServer.start({
        replies: Array.from(
          { length: 4 * candidatesPerTurn * settings.maxTurns },
          () => (r: RecordedRequest) => script.reply(r),
        ),
      });
  try {
    const model = settings.model?.() ?? new OpenAIModelClient({ baseUrl: server!.url, model: 'reference' });
    const isolation = await selectIsolation({ mode: 'auto', network: false, projectRoot: project.root });
    const events: TimedEvent[] = [];
    const options: RepairOptions = {
      projectRoot: project.root,
      model,
      maxTurns: settings.maxTurns,
      candidatesPerTurn,
      timeoutMs: 30_000,
      runner: isolation.runner,
      onEvent: (event) => events.push({ at: performance.now(), cpu: cpuMs(), event }),
      // Switches other branches add to RepairOptions: passed by name, so this compiles before they exist.
      ...(switches as Record<string, boolean>),
    };
    const started = performance.now();
    const result = await repair(options);
    const turns = turnTimings(events);
    const firstTurn = events.find((e) => e.event.type === 'turn-started')?.at ?? performance.now();
    return {
      id: task.id,
      status: result.status,
      message: result.message,
      ...(result.status === 'fixed' ? { fixedTurn: result.turns } : {}),
      requests: result.requests,
      tokens: result.usage.promptTokens + result.usage.completionTokens,
      wallMs: performance.now() - started,
      prepareMs: firstTurn - started,
      turns,
      replies: outcomes(events, script.sent),
    };
  } finally {
    await server?.close();
    await project.remove();
  }
}

function outcomes(events: TimedEvent[], sent: Map<string, ReplyKind>): ReplyOutcome[] {
  return events.flatMap(({ event }) => {
    if (event.type !== 'candidate-verified' && event.type !== 'candidate-rejected') return [];
    const kind = sent.get(event.candidate.reply);
    return kind ? [{ kind, applied: !event.candidate.rejected, fixed: event.candidate.fixed }] : [];
  });
}
