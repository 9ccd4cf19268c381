import { stripAnsi } from './console-output';
import { describeFailure, firstErrorLine, type PytestResults } from './pytest-failures';
import { emptyCounts, type TestCaseResult, type TestCounts, type TestStatus } from './types';

/* pytest's console output, read when there is no report (a command we could not add flags to). */

const SUMMARY_LINE = /^(FAILED|ERROR|PASSED|XPASS)\s+(\S+)(?:\s+-\s+(.*))?$/;
const SECTION_HEADER = /^_{3,} (.+?) _{3,}$/;
const COUNT_WORDS: Record<string, keyof TestCounts> = {
  passed: 'passed',
  xpassed: 'passed',
  failed: 'failed',
  error: 'errored',
  errors: 'errored',
  skipped: 'skipped',
  xfailed: 'skipped',
};

export function parseConsole(output: string, root: string): PytestResults {
  const lines = stripAnsi(output).split(/\r?\n/);
  const sections = failureSections(lines);
  const tests: TestCaseResult[] = [];
  let counts: TestCounts | undefined;
  for (const line of lines) {
    const entry = SUMMARY_LINE.exec(line.trim());
    if (entry) {
      const [, word, id, message] = entry;
      const file = id!.split('::')[0]!;
      const status: TestStatus = word === 'FAILED' ? 'failed' : word === 'ERROR' ? 'errored' : 'passed';
      const name = id!.includes('::') ? id!.slice(id!.lastIndexOf('::') + 2) : id!;
      const result: TestCaseResult = { id: id!, name, file, status, frames: [] };
      if (message) result.message = message.trim();
      const section = sections.get(sectionKey(id!));
      if (section && status !== 'passed') {
        describeFailure(result, message, section, root);
        // The summary line is cut to the terminal's width; the section's `E` line is whole.
        const errorLine = firstErrorLine(section);
        if (errorLine) result.message = errorLine;
      }
      tests.push(result);
      continue;
    }
    const summary = /^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s/.exec(line.trim());
    if (summary) {
      counts = emptyCounts();
      for (const [, n, word] of summary[1]!.matchAll(/(\d+) ([a-z]+)/g)) {
        const key = COUNT_WORDS[word!];
        if (key) counts[key] += Number(n);
      }
    }
  }
  return counts ? { tests, counts } : { tests };
}

/** Bodies of the FAILURES / ERRORS sections, keyed as their `____ header ____` lines name the test. */
function failureSections(lines: string[]): Map<string, string> {
  const sections = new Map<string, string>();
  let key: string | undefined;
  let body: string[] = [];
  const close = () => {
    if (key !== undefined) sections.set(key, body.join('\n'));
    key = undefined;
    body = [];
  };
  for (const line of lines) {
    const header = SECTION_HEADER.exec(line);
    if (header) {
      close();
      key = header[1]!.replace(/^ERROR (?:at (?:setup|teardown) of|collecting) /, '');
    } else if (/^={3,}/.test(line)) {
      close();
    } else if (key !== undefined) {
      body.push(line);
    }
  }
  close();
  return sections;
}

/** `tests/x.py::TestA::test_b[1]` is headed `TestA.test_b[1]`; a module's collection error by its path. */
function sectionKey(id: string): string {
  const parts = id.split('::');
  return parts.length === 1 ? id : parts.slice(1).join('.');
}
