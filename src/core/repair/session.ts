import type { ChatResponse, ModelClient, TokenUsage } from '../model/types';
import type { CommandRunner } from '../sandbox/types';
import type { TestReport } from '../testing/types';
import type { ProjectSetup } from './prepare';
import type { Candidate, RepairEvent, RequestRecord } from './types';

/** The options of one repair with every default filled in. */
export interface LoopSettings {
  model: ModelClient;
  maxTurns: number;
  candidatesPerTurn: number;
  timeoutMs: number;
  temperature: number;
  verifyConcurrency: number;
  runner: CommandRunner;
  /** Only these tests need to pass (others must still not regress); undefined or empty for all. */
  focusTests?: string[];
  signal?: AbortSignal;
  /** Rerun the failing tests before the first turn to spot flaky ones; on unless false. */
  flakyCheck?: boolean;
}

/** Thrown when the caller's signal ends the repair between two steps. */
export class Cancelled extends Error {}

/**
 * What one repair has done so far, shared by its stages: the project it set up, the baseline run,
 * every candidate and every model request. The stages write to it; `finishRepair` reads it.
 */
export class RepairSession {
  readonly started = Date.now();
  readonly usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  readonly requestLog: RequestRecord[] = [];
  readonly candidates: Candidate[] = [];
  requests = 0;
  turns = 0;
  /** Set once the framework, the command and the base copy are all known. */
  project?: ProjectSetup;
  baseline?: TestReport;
  /** Failing tests that passed on the unchanged code. */
  flakyTests: string[] = [];

  constructor(
    readonly settings: LoopSettings,
    private readonly onEvent?: (event: RepairEvent) => void,
  ) {}

  emit(event: RepairEvent): void {
    this.onEvent?.(event);
  }

  /** Whether only the user's chosen tests have to pass. */
  get focused(): boolean {
    return !!this.settings.focusTests?.length;
  }

  checkCancelled(): void {
    if (this.settings.signal?.aborted) throw new Cancelled();
  }

  requestStarted(): void {
    this.requests++;
  }

  recordResponse(turn: number, candidate: number, response: ChatResponse): void {
    this.usage.promptTokens += response.usage.promptTokens;
    this.usage.completionTokens += response.usage.completionTokens;
    this.requestLog.push({
      turn,
      candidate,
      promptTokens: response.usage.promptTokens,
      completionTokens: response.usage.completionTokens,
      durationMs: response.durationMs,
      ...(response.usage.estimated ? { estimated: true } : {}),
    });
  }
}
