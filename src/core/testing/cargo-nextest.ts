/**
 * `cargo nextest run`: its JUnit report, asked for through a tool config file (nextest's way for tools
 * to add defaults beneath the project's own `.config/nextest.toml`), and read back into test results.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { readRustFailure } from './cargo-panic';
import { withCargoFlags } from './cargo-select';
import { shellQuote } from './shell';
import type { PreparedCommand, TestCaseResult, TestStatus } from './types';

const REPORT_FILE = 'nextest-junit.xml';
const TOOL_CONFIG_FILE = 'nextest-self-repair.toml';
export const NEXTEST_WORD = /(?:^|[\s;&|/'"(])cargo(?:\s+\+\S+)?\s+nextest\s/;

/**
 * Writes the tool config that sends the default profile's JUnit report into `reportDir` (profiles the
 * project defines inherit it), and adds it and `--no-fail-fast` to the command.
 */
export function prepareNextest(command: string, reportDir: string): PreparedCommand {
  const reportPath = path.join(reportDir, REPORT_FILE);
  const configPath = path.join(reportDir, TOOL_CONFIG_FILE);
  // A TOML basic string has JSON's escapes.
  writeFileSync(configPath, `[profile.default.junit]\npath = ${JSON.stringify(reportPath)}\n`);
  const flags = [`--tool-config-file`, shellQuote(`self-repair:${configPath}`)];
  if (!/(?:^|\s)--no-fail-fast(?=\s|$)/.test(command)) flags.push('--no-fail-fast');
  return { command: withCargoFlags(command, flags), reportPath };
}

interface JunitCase {
  name?: string;
  classname?: string;
  time?: string;
  failure?: JunitText[];
  error?: JunitText[];
  skipped?: JunitText[];
  'system-out'?: JunitText[];
  'system-err'?: JunitText[];
}

type JunitText = string | { '#text'?: string; message?: string };

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) =>
    ['testsuite', 'testcase', 'failure', 'error', 'skipped', 'system-out', 'system-err'].includes(name),
});

/** The tests of a nextest JUnit report; undefined when the text is not one. */
export function parseNextestJunit(xml: string, root: string): TestCaseResult[] | undefined {
  let document: { testsuites?: { testsuite?: Array<{ testcase?: JunitCase[] }> } };
  try {
    document = xmlParser.parse(xml) as typeof document;
  } catch {
    return undefined;
  }
  const suites = document.testsuites?.testsuite;
  if (!suites) return undefined;
  return suites.flatMap((suite) => (suite.testcase ?? []).map((c) => nextestCase(c, root)));
}

function nextestCase(junit: JunitCase, root: string): TestCaseResult {
  const name = junit.name ?? '?';
  const file = targetFile(junit.classname ?? '');
  const status: TestStatus = junit.failure ? 'failed' : junit.error ? 'errored' : junit.skipped ? 'skipped' : 'passed';
  const test: TestCaseResult = { id: `${file}::${name}`, name, file, status, frames: [] };
  if (junit.time) test.durationMs = Math.round(Number(junit.time) * 1000);
  const outcome = (junit.failure ?? junit.error)?.[0];
  if (!outcome) return test;
  // The panic is in the outcome's text (or, in some versions, only in the captured stderr).
  const text = [outcome, ...(junit['system-err'] ?? []), ...(junit['system-out'] ?? [])].map(textOf).join('\n');
  const failure = readRustFailure(text, root, name);
  Object.assign(test, { message: failure.message, details: failure.details, frames: failure.frames });
  if (failure.actual !== undefined) Object.assign(test, { actual: failure.actual, expected: failure.expected });
  return test;
}

function textOf(node: JunitText): string {
  return typeof node === 'string' ? node : (node['#text'] ?? node.message ?? '');
}

/** nextest's binary ids: `stats` (the library), `stats::api` (tests/api.rs), `stats::bin/stats` (src/main.rs). */
function targetFile(binaryId: string): string {
  const [crate, target] = binaryId.split('::');
  if (!target) return 'src/lib.rs';
  const [kind, name] = target.includes('/') ? target.split('/') : ['test', target];
  if (kind === 'bin') return name === crate ? 'src/main.rs' : `src/bin/${name}.rs`;
  if (kind === 'test') return `tests/${name}.rs`;
  return `${kind}s/${name}.rs`;
}
