import { ModelError, type TokenUsage } from '../model/types';
import { applyEdits, parseReply, unifiedDiff } from '../patch';
import { PatchError } from '../patch/types';
import { cloneSandbox, createSandbox, listProjectFiles, ProcessRunner } from '../sandbox';
import type { Sandbox } from '../sandbox/types';
import { findSyntaxProblems, formatSyntaxProblems, languageForFile, replaceFunctionDefinition } from '../syntax';
import { runTests, selectAdapter, type FrameworkAdapter } from '../testing';
import { isFailing, type TestCaseResult, type TestReport } from '../testing/types';
import { localize, type Localization } from './localize';
import { buildRepairPrompt, failingTests, type TurnFeedback } from './prompt';
import type { Candidate, FileChange, PassFail, RepairEvent, RepairOptions, RepairResult, RequestRecord } from './types';

export const DEFAULTS = {
  maxTurns: 4,
  candidatesPerTurn: 1,
  timeoutMs: 120_000,
  verifyConcurrency: 2,
} as const;

class Cancelled extends Error {}

/** Stands for a test run that had to be killed, among the failures shown to the model. */
export const STALLED_RUN_ID = '(test run)';

function passFail(report: TestReport | undefined): PassFail {
  if (!report) return { passed: 0, failed: 0 };
  // A killed run counts as one failure more: whatever it did not finish did not pass.
  return {
    passed: report.counts.passed,
    failed: report.counts.failed + report.counts.errored + (report.timedOut ? 1 : 0),
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Fixed first, then no regressions, more passing, fewer failing, smaller patch. */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  const score = (c: Candidate): number[] => [
    c.fixed ? 0 : 1,
    c.rejected ? 1 : 0,
    c.regressions.length ? 1 : 0,
    -(c.report?.counts.passed ?? -1),
    c.report ? c.report.counts.failed + c.report.counts.errored : Infinity,
    c.patch.length,
  ];
  return [...candidates].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
    return 0;
  });
}

/**
 * The repair loop: run the tests, ask for an explanation and a fix, verify each candidate in its
 * own copy of the project, and feed what happened into the next turn. The user's folder is only
 * ever read; the result carries the verified patch for the host to offer.
 */
export async function repair(options: RepairOptions): Promise<RepairResult> {
  const started = Date.now();
  const maxTurns = options.maxTurns ?? DEFAULTS.maxTurns;
  const perTurn = Math.max(1, options.candidatesPerTurn ?? DEFAULTS.candidatesPerTurn);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const runner = options.runner ?? new ProcessRunner();
  const emit = (event: RepairEvent): void => options.onEvent?.(event);
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const candidates: Candidate[] = [];
  const requestLog: RequestRecord[] = [];
  let requests = 0;
  let turns = 0;
  let baseline: TestReport | undefined;
  let adapter: FrameworkAdapter | undefined;
  let command: string | undefined;
  let base: Sandbox | undefined;

  const checkCancelled = (): void => {
    if (options.signal?.aborted) throw new Cancelled();
  };

  const finish = (
    status: RepairResult['status'],
    message: string,
    best?: Candidate,
    errorKind?: RepairResult['errorKind'],
  ): RepairResult => {
    const ranked = rankCandidates(candidates);
    const fixed = status === 'fixed' && best ? best : undefined;
    const result: RepairResult = {
      status,
      message,
      ...(errorKind ? { errorKind } : {}),
      turns,
      patch: fixed?.patch ?? '',
      changes: fixed?.changes ?? [],
      explanation: (best ?? ranked[0])?.explanation,
      before: passFail(baseline),
      after: passFail(
        fixed?.report ?? (status === 'fixed' ? baseline : (ranked.find((c) => c.report)?.report ?? baseline)),
      ),
      baseline,
      candidates: ranked,
      requests,
      usage,
      requestLog,
      durationMs: Date.now() - started,
      testCommand: command,
      framework: adapter?.id,
    };
    emit({ type: 'finished', result });
    return result;
  };

  try {
    let setup: { adapter: FrameworkAdapter; command: string; sandbox: Sandbox };
    try {
      const chosen = await selectAdapter(options.projectRoot, options.testCommand);
      const chosenCommand = options.testCommand ?? (await chosen.defaultCommand(options.projectRoot));
      setup = { adapter: chosen, command: chosenCommand, sandbox: await createSandbox(options.projectRoot) };
    } catch (error) {
      // No framework recognized, no such folder: the user's setup, not a fault of the engine.
      return finish(
        'error',
        (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
        undefined,
        'configuration',
      );
    }
    ({ adapter, command } = setup);
    base = setup.sandbox;
    const baseRoot = setup.sandbox;
    const testCommand = setup.command;
    checkCancelled();

    emit({ type: 'baseline-started', command: testCommand, framework: adapter.label });
    const before = await runTests({
      runner,
      root: base.root,
      adapter,
      command: testCommand,
      timeoutMs,
      signal: options.signal,
    });
    baseline = before;
    checkCancelled();
    // A run that never finished is itself the failure to repair (the code under test may loop
    // forever); any other run without results is a setup problem the model cannot fix.
    const stalled: TestCaseResult | undefined = before.timedOut
      ? {
          id: STALLED_RUN_ID,
          name: 'the test run',
          status: 'errored',
          message: before.runError ?? 'the tests timed out',
          details: before.output,
          frames: [],
        }
      : undefined;
    const failing = [...failingTests(before, options.focusTests), ...(stalled ? [stalled] : [])];
    emit({ type: 'baseline-finished', report: before, failing: failing.map((t) => t.id) });
    if (before.tests.length === 0 && !stalled) {
      return finish('error', before.runError ?? `no test results from \`${testCommand}\``, undefined, 'configuration');
    }
    if (failing.length === 0) {
      const what = options.focusTests?.length ? 'the selected tests already pass' : 'all tests already pass';
      return finish('fixed', `nothing to repair: ${what}`);
    }

    const originallyPassing = new Set(before.tests.filter((t) => t.status === 'passed').map((t) => t.id));
    const focus = new Set(
      stalled && options.focusTests?.length
        ? options.focusTests
        : failing.filter((t) => t !== stalled).map((t) => t.id),
    );
    const projectFiles = await listProjectFiles(base.root);
    const testAdapter = adapter;
    const sourceFiles = projectFiles.filter((f) => languageForFile(f) && !testAdapter.isTestFile(f));
    const originals = new Map<string, string | undefined>();
    const readOriginal = async (file: string): Promise<string | undefined> => {
      if (!originals.has(file)) originals.set(file, await baseRoot.readFile(file).catch(() => undefined));
      return originals.get(file);
    };

    /** Changes (against the originals) that the current turn builds on. */
    let current = new Map<string, string>();
    let currentFailing = failing;
    let previous: TurnFeedback | undefined;

    const readCurrent = async (file: string): Promise<string | undefined> => current.get(file) ?? readOriginal(file);

    const verify = async (turn: number, index: number, reply: string, focusFiles: string[]): Promise<Candidate> => {
      const parsed = parseReply(reply);
      const candidate: Candidate = {
        id: `t${turn}c${index}`,
        turn,
        index,
        explanation: parsed.explanation,
        reply,
        changes: [],
        patch: '',
        regressions: [],
        fixed: false,
      };
      const applyTo = (readFile: (file: string) => Promise<string | undefined>) =>
        applyEdits(parsed.edits, {
          readFile,
          projectFiles,
          focusFiles,
          isTestFile: (file) => testAdapter.isTestFile(file),
          replaceFunction: async (source, file, code) => {
            const lang = languageForFile(file);
            return lang ? replaceFunctionDefinition(source, lang, code) : undefined;
          },
        });
      let edited: Map<string, string>;
      let onto = current;
      try {
        if (parsed.edits.length === 0)
          throw new PatchError('the reply contains no edit (no SEARCH/REPLACE block, diff or code block)');
        try {
          edited = await applyTo(readCurrent);
        } catch (error) {
          // Models often copy from the original code rather than from the kept change.
          if (!(error instanceof PatchError) || current.size === 0) throw error;
          edited = await applyTo(readOriginal);
          onto = new Map();
        }
      } catch (error) {
        if (!(error instanceof PatchError)) throw error;
        candidate.rejected = error.message;
        return candidate;
      }
      const merged = new Map([...onto, ...edited]);
      for (const [path, after] of merged) {
        const original = await readOriginal(path);
        if (original === undefined) candidate.changes.push({ path, before: '', after, created: true });
        else if (original !== after) candidate.changes.push({ path, before: original, after });
      }
      candidate.patch = unifiedDiff(candidate.changes);
      const problems: string[] = [];
      for (const [path, text] of edited) {
        const lang = languageForFile(path);
        if (!lang) continue;
        const found = await findSyntaxProblems(text, lang);
        if (found.length) problems.push(formatSyntaxProblems(path, found));
      }
      if (problems.length) {
        candidate.rejected = `the changed code does not parse: ${problems.join('; ')}`;
        return candidate;
      }
      checkCancelled();
      const copy = await cloneSandbox(baseRoot);
      let report: TestReport;
      try {
        for (const change of candidate.changes) await copy.writeFile(change.path, change.after);
        report = await runTests({
          runner,
          root: copy.root,
          adapter: testAdapter,
          command: testCommand,
          timeoutMs,
          signal: options.signal,
        });
      } finally {
        await copy.dispose();
      }
      candidate.report = report;
      const status = new Map(report.tests.map((t) => [t.id, t.status]));
      candidate.regressions = [...originallyPassing].filter((id) => {
        const now = status.get(id);
        return now === undefined ? report.tests.length > 0 || !!report.runError : now === 'failed' || now === 'errored';
      });
      const focusPass = [...focus].every((id) => status.get(id) === 'passed');
      const anyFailing = report.tests.some(isFailing);
      candidate.fixed =
        !report.runError &&
        !report.timedOut &&
        report.tests.length > 0 &&
        candidate.regressions.length === 0 &&
        focusPass &&
        (options.focusTests?.length ? true : !anyFailing);
      return candidate;
    };

    for (let turn = 1; turn <= maxTurns; turn++) {
      checkCancelled();
      turns = turn;
      emit({ type: 'turn-started', turn, maxTurns });
      const located: Localization = await localize({
        failing: currentFailing,
        sourceFiles,
        isTestFile: (file) => testAdapter.isTestFile(file),
        readFile: readCurrent,
      });
      const messages = buildRepairPrompt({
        testCommand,
        failing: currentFailing,
        tests: located.tests,
        code: located.code,
        previous,
      });
      const prompt = messages[messages.length - 1]!.content;
      const temperature = options.temperature ?? (perTurn > 1 ? 0.8 : 0.2);

      const replies = await Promise.all(
        Array.from({ length: perTurn }, async (_, i) => {
          const index = i + 1;
          emit({ type: 'request-started', turn, candidate: index, prompt });
          requests++;
          const response = await options.model.complete({
            messages,
            temperature,
            signal: options.signal,
            onDelta: (_text, chars) => emit({ type: 'request-streaming', turn, candidate: index, chars }),
          });
          usage.promptTokens += response.usage.promptTokens;
          usage.completionTokens += response.usage.completionTokens;
          requestLog.push({
            turn,
            candidate: index,
            promptTokens: response.usage.promptTokens,
            completionTokens: response.usage.completionTokens,
            durationMs: response.durationMs,
            ...(response.usage.estimated ? { estimated: true } : {}),
          });
          emit({ type: 'request-finished', turn, candidate: index, usage: response.usage, reply: response.content });
          return { index, reply: response.content };
        }),
      );
      checkCancelled();

      const verified = await mapLimit(
        replies,
        options.verifyConcurrency ?? DEFAULTS.verifyConcurrency,
        async ({ index, reply }) => {
          const candidate = await verify(turn, index, reply, located.focusFiles);
          candidates.push(candidate);
          if (candidate.rejected) emit({ type: 'candidate-rejected', turn, candidate, reason: candidate.rejected });
          else emit({ type: 'candidate-verified', turn, candidate, ...passFail(candidate.report) });
          return candidate;
        },
      );
      checkCancelled();

      const ranked = rankCandidates(verified);
      const top = ranked[0]!;
      if (top.fixed) return finish('fixed', `fixed in ${turn} turn${turn > 1 ? 's' : ''}`, top);

      // Keep the turn's best change when it helped without breaking anything; otherwise start again
      // from the original code, so one bad turn does not poison the next.
      const reference = current.size ? passFail(previous?.report) : passFail(before);
      const helped =
        !top.rejected &&
        top.report &&
        !top.report.runError &&
        top.regressions.length === 0 &&
        passFail(top.report).failed < reference.failed;
      if (helped) {
        current = new Map(top.changes.map((c) => [c.path, c.after]));
        const still = failingTests(top.report!, options.focusTests);
        currentFailing = still.length ? still : failing;
      } else {
        current = new Map();
        currentFailing = failing;
      }
      previous = {
        turn,
        explanation: top.explanation,
        patch: top.patch,
        rejected: top.rejected,
        report: top.report,
        regressions: top.regressions,
        kept: !!helped,
      };
    }
    return finish('unfixed', `not fixed after ${maxTurns} turn${maxTurns > 1 ? 's' : ''}`);
  } catch (error) {
    if (
      error instanceof Cancelled ||
      (error instanceof ModelError && error.kind === 'cancelled') ||
      options.signal?.aborted
    ) {
      return finish('cancelled', 'cancelled');
    }
    if (error instanceof ModelError) {
      const configuration = ['missing-key', 'bad-key', 'unreachable', 'unknown-model'].includes(error.kind);
      return finish('error', error.message, undefined, configuration ? 'configuration' : 'internal');
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish('error', message.split('\n')[0]!, undefined, 'internal');
  } finally {
    await base?.dispose();
  }
}

export type { FileChange };
