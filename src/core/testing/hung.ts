/**
 * Naming a hung test. When a run is killed at its time limit, it is run once more with a per-test
 * time limit, so that the framework itself says which test hung and, where it can, where it was
 * stuck: pytest's faulthandler prints every thread's stack once a test outlasts
 * `faulthandler_timeout` (our unittest runner does the same); node's test runner fails a test file that outlasts `--test-timeout`; go test's
 * `-timeout` panics, naming the running test, with every goroutine's stack. libtest has no per-test limit:
 * a cargo suite is run again on one thread, where libtest names each test before it runs.
 */
import { cargoOneThread, HUNG_MESSAGE } from './cargo-test';
import { toFrame } from './frames';
import { isFailing, type FrameworkAdapter, type StackFrame, type TestCaseResult, type TestReport } from './types';

/** `python3 -m pytest`, `pytest`, `py.test`: where pytest's own options may go. */
const PYTEST_WORD = /(?:^|[\s;&|/'"(])py\.?test(?=$|[\s;&|)'"])/;
/** `node --test` as one plain command, where another option may go right after `node`. */
const NODE_WORD = /(?:^|[\s;&|/'"(])node(?:\.exe)?(?=\s(?:[^;&|]*\s)?--test(?=$|[\s;&|)'"]))/;
/** The header faulthandler prints when a test outlasts its limit (after pytest's progress dots), then one stack per thread. */
const FAULTHANDLER_DUMP = /Timeout \(\d+:\d\d:\d\d(?:\.\d+)?\)!$/m;
const PYTHON_FRAME = /^\s+File "(.+)", line (\d+) in (\S+)$/;
/** node's test runner and go test (`-timeout`, which panics naming the running test) say it alike. */
const TEST_TIMEOUT = /test timed out after \d+ ?m?s/;
/** `python -m unittest`, where its arguments start. */
const UNITTEST_WORD = /(?:^|[\s;&|/'"(])\S*python[\d.]*(?:\.exe)?\s+-m\s+unittest(?=$|[\s;&|)'"])/;
/** `go test`, where go test's own flags may go. */
const GO_WORD = /(?:^|[\s;&|/'"(])go\s+test(?=$|[\s;&|)'"])/;

/** The command with a per-test limit of `seconds`, or undefined when the framework (or the command) has none. */
export function withPerTestTimeout(adapter: FrameworkAdapter, command: string, seconds: number): string | undefined {
  if (adapter.id === 'cargo') return cargoOneThread(command);
  const word = { pytest: PYTEST_WORD, 'node-test': NODE_WORD, 'go-test': GO_WORD, unittest: UNITTEST_WORD }[adapter.id];
  const match = word?.exec(command);
  if (!match) return undefined;
  const option =
    {
      pytest: `-o faulthandler_timeout=${seconds}`,
      'go-test': `-timeout=${seconds}s`,
      // Read (and removed) by our unittest runner, which the adapter puts in place of `-m unittest`.
      unittest: `--self-repair-test-timeout=${seconds}`,
    }[adapter.id] ?? `--test-timeout=${seconds * 1000}`;
  const end = match.index + match[0].length;
  return `${command.slice(0, end)} ${option}${command.slice(end)}`;
}

/**
 * The hung test of a run made with a per-test limit of `seconds`, as a failure to show the model:
 * its id, `hung: did not finish within N s`, and the frames in project files where it was stuck.
 */
export function findHungTest(
  adapter: FrameworkAdapter,
  report: TestReport,
  projectRoot: string,
  seconds: number,
): TestCaseResult | undefined {
  const message = `hung: did not finish within ${seconds} s`;
  if (adapter.id === 'cargo') return report.tests.find((t) => t.message === HUNG_MESSAGE);
  if (adapter.id === 'pytest' || adapter.id === 'unittest') {
    return hungPythonTest(adapter, report.output, projectRoot, message);
  }
  const timedOut = report.tests.find((t) => isFailing(t) && TEST_TIMEOUT.test(`${t.message} ${t.details}`));
  return timedOut && { ...timedOut, status: 'errored', message };
}

function hungPythonTest(
  adapter: FrameworkAdapter,
  output: string,
  projectRoot: string,
  message: string,
): TestCaseResult | undefined {
  const dumps = output.split(FAULTHANDLER_DUMP);
  if (dumps.length < 2) return undefined;
  // The last dump is of the test still running when the run was killed; its first stack is the main thread's.
  const stack = dumps[dumps.length - 1]!.trimStart().split(/\n(?=Thread 0x|Current thread)/)[0]!;
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const found = PYTHON_FRAME.exec(line);
    if (found) frames.push(toFrame(projectRoot, found[1]!, Number(found[2]), undefined, found[3]));
  }
  // faulthandler prints the innermost call first; tracebacks (and our frames) start at the outermost.
  const inProject = frames.filter((frame) => frame.inProject).reverse();
  const test = inProject.find((frame) => adapter.isTestFile(frame.file) && /^test/.test(frame.functionName ?? ''));
  if (!test) return undefined;
  const where = inProject.map((f) => `  File "${f.file}", line ${f.line}, in ${f.functionName ?? '?'}`);
  return {
    id: `${test.file}::${test.functionName!}`,
    name: test.functionName!,
    file: test.file,
    line: test.line,
    status: 'errored',
    message,
    details: `${message}; where it was stuck (most recent call last):\n${where.join('\n')}`,
    frames: inProject,
  };
}
