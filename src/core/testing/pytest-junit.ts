import { XMLParser } from 'fast-xml-parser';
import { describeFailure, type PytestResults } from './pytest-failures';
import type { TestCaseResult, TestStatus } from './types';

/* pytest's JUnit XML report (the xunit1 family, which keeps each test's file and line). */

interface JunitNode {
  testsuite?: JunitNode[];
  testcase?: JunitCase[];
}

interface JunitOutcome {
  message?: string;
  type?: string;
  '#text'?: string;
}

interface JunitCase {
  classname?: string;
  name?: string;
  file?: string;
  line?: string;
  time?: string;
  failure?: JunitOutcome[];
  error?: JunitOutcome[];
  skipped?: JunitOutcome[];
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** Undefined when the text is not a JUnit report (then the console output is used instead). */
export function parseJunit(xml: string, root: string): PytestResults | undefined {
  let document: { testsuites?: JunitNode; testsuite?: JunitNode[] };
  try {
    document = xmlParser.parse(xml) as typeof document;
  } catch {
    return undefined;
  }
  const top = document.testsuites ?? (document.testsuite ? { testsuite: document.testsuite } : undefined);
  if (!top) return undefined;
  const cases: JunitCase[] = [];
  const walk = (node: JunitNode) => {
    cases.push(...(node.testcase ?? []));
    for (const suite of node.testsuite ?? []) walk(suite);
  };
  walk(top);

  const byId = new Map<string, TestCaseResult>();
  for (const testCase of cases) {
    const result = junitCase(testCase, root);
    const previous = byId.get(result.id);
    // pytest may report a test twice (failed call + failed teardown); the worse outcome stands.
    if (!previous || severity(result.status) > severity(previous.status)) byId.set(result.id, result);
  }
  return { tests: [...byId.values()] };
}

function junitCase(testCase: JunitCase, root: string): TestCaseResult {
  const name = testCase.name ?? '';
  const file = testCase.file?.split('\\').join('/');
  const classname = testCase.classname ?? '';
  const failure = testCase.failure?.[0];
  const error = testCase.error?.[0];
  const skipped = testCase.skipped?.[0];
  const status: TestStatus = failure ? 'failed' : error ? 'errored' : skipped ? 'skipped' : 'passed';

  const result: TestCaseResult = { id: nodeId(file, classname, name), name, status, frames: [] };
  if (file) result.file = file;
  if (testCase.line !== undefined && /^\d+$/.test(testCase.line)) result.line = Number(testCase.line) + 1;
  if (testCase.time !== undefined && Number.isFinite(Number(testCase.time))) {
    result.durationMs = Math.round(Number(testCase.time) * 1000);
  }
  if (skipped) {
    if (skipped.message) result.message = skipped.message;
    return result;
  }
  const outcome = failure ?? error;
  if (outcome) describeFailure(result, outcome.message, outcome['#text'] ?? '', root);
  return result;
}

/** pytest's node id: the junit `classname` repeats the module path, which the `file` already gives. */
function nodeId(file: string | undefined, classname: string, name: string): string {
  if (!file) return classname ? `${classname}::${name}` : name;
  const modulePath = file.replace(/\.py$/, '').split('/').join('.');
  // A collection error names the module itself (classname "", name "tests.test_x").
  if (!classname && name === modulePath) return file;
  const classes =
    classname === modulePath
      ? ''
      : classname.startsWith(`${modulePath}.`)
        ? classname.slice(modulePath.length + 1)
        : '';
  return [file, ...(classes ? classes.split('.') : []), name].join('::');
}

function severity(status: TestStatus): number {
  return ['passed', 'skipped', 'failed', 'errored'].indexOf(status);
}
