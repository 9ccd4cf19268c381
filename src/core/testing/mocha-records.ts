import { trimText } from '../text';
import { stripAnsi } from './console-output';
import { projectPath } from './frames';
import { firstLines, locatedFrames } from './jest-json';
import { errorLine } from './node-test-records';
import type { TestCaseResult, TestStatus } from './types';

/* mocha's results, as the JSON lines our reporter writes (mocha-reporter.cjs), and the one failure
 * mocha prints before any reporter exists: a test file that could not be loaded. */

/** One test (or hook) outcome, as our reporter writes it. */
export interface MochaRecord {
  event: 'pass' | 'fail' | 'pending';
  hook?: boolean;
  titlePath: string[];
  file?: string;
  durationMs?: number;
  error?: { message: string; name?: string; code?: string; stack?: string; expected?: string; actual?: string };
}

/** Undefined when the report holds no record (then the console is read instead). */
export function parseMochaRecords(report: string, root: string): TestCaseResult[] | undefined {
  const records: MochaRecord[] = [];
  for (const line of report.split('\n')) {
    try {
      if (line.trim()) records.push(JSON.parse(line) as MochaRecord);
    } catch {
      // A line cut short by a killed run: keep the others.
    }
  }
  if (!records.length) return undefined;
  const results = new Map<string, TestCaseResult>();
  for (const record of records) {
    const result = recordResult(record, root);
    // A test that failed and then failed its afterEach hook is reported twice: the failure stands.
    if (!results.has(result.id) || result.status !== 'passed') results.set(result.id, result);
  }
  return [...results.values()];
}

function recordResult(record: MochaRecord, root: string): TestCaseResult {
  const file = record.file ? (projectPath(root, record.file) ?? record.file) : undefined;
  const name = record.titlePath.at(-1) ?? '';
  const status: TestStatus =
    record.event === 'pass' ? 'passed' : record.event === 'pending' ? 'skipped' : record.hook ? 'errored' : 'failed';
  const result: TestCaseResult = { id: [file ?? '', ...record.titlePath].join(' > '), name, status, frames: [] };
  if (file) result.file = file;
  if (record.durationMs !== undefined) result.durationMs = Math.round(record.durationMs);
  const error = record.error;
  if (!error || record.event !== 'fail') return result;
  const text = stripAnsi(error.stack ?? error.message);
  const lead = firstLines(stripAnsi(error.message));
  result.message = error.name && !lead.startsWith(error.name) ? `${error.name}: ${lead}` : lead;
  result.details = trimText(text);
  result.frames = locatedFrames(text, root);
  if (error.expected !== undefined) result.expected = error.expected;
  if (error.actual !== undefined) result.actual = error.actual;
  // mocha does not say where a test is defined; the innermost frame in its own file is where it failed.
  const own = result.frames.find((frame) => frame.inProject && frame.file === file);
  if (own) result.line = own.line;
  return result;
}

const LOAD_FAILURE = /^\s*Exception during run: ([\s\S]*)$/m;

/** A test file that mocha could not load: it prints the error and exits before running any test. */
export function mochaLoadFailure(
  output: string,
  root: string,
  isTestFile: (file: string) => boolean,
): TestCaseResult[] {
  const found = LOAD_FAILURE.exec(stripAnsi(output));
  if (!found) return [];
  const text = found[1]!.trim();
  const frames = locatedFrames(text, root);
  const requiredBy = /Require stack:\n(?:- .*\n)*?- (.*)\n(?!- )/.exec(`${text}\n`)?.[1];
  const file =
    (requiredBy && projectPath(root, requiredBy)) ??
    frames.find((frame) => frame.inProject && isTestFile(frame.file))?.file ??
    frames.find((frame) => frame.inProject)?.file ??
    '(mocha)';
  return [
    {
      id: file,
      name: file,
      file,
      status: 'errored',
      message: errorLine(text) ?? firstLines(text),
      details: trimText(text),
      frames,
    },
  ];
}
