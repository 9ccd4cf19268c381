import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hasAnyFile } from './files';
import { reportFrom } from './js-report';
import { parseNodeConsole } from './node-test-console';
import { readRecords, resultsFromRecords } from './node-test-records';
import { readPackageJson } from './package-json';
import { nodeTestSelecting } from './select';
import type { FrameworkAdapter, PreparedCommand } from './types';

const REPORT_FILE = 'node-test.jsonl';
/** `node --test`, `node --experimental-x --test test/`, `npx node --test`: node with the --test flag. */
const NODE_TEST = /(?:^|[\s;&|/'"(])node(?:\.exe)?\s(?:[^;&|]*\s)?--test(?=$|[\s;&|)'"])/;
const NPM_PLACEHOLDER = /no test specified/;
const JS_EXTENSION = /\.[cm]?[jt]sx?$/;
const TEST_NAME = /^(?:.*[.\-_])?(?:test|spec)\.[cm]?[jt]sx?$|^test-.*\.[cm]?[jt]sx?$/;

/** The reporter file: beside this module in the source tree, beside the bundle in dist/ (see esbuild.mjs). */
const REPORTER_FILE = 'node-test-reporter.mjs';
let reporterDataUrl: string | undefined;

/**
 * Our reporter (node-test-reporter.mjs) as a data: URL: the test process loads it without reading a file
 * of ours (an OS sandbox may hide them) and nothing is written next to the user's project. The engine
 * runs as a CommonJS bundle or, under tsx, from source; both have `__dirname`, and in both the reporter
 * lies in that same folder, so one look-up serves both.
 */
export function reporterUrl(): string {
  if (reporterDataUrl) return reporterDataUrl;
  if (typeof __dirname !== 'string') throw new Error(`cannot locate ${REPORTER_FILE}: the engine must run as CommonJS`);
  const file = path.join(__dirname, REPORTER_FILE);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the node --test reporter ${file} is missing; rebuild with \`npm run build\``);
  }
  reporterDataUrl = `data:text/javascript,${encodeURIComponent(source)}`;
  return reporterDataUrl;
}

export const nodeTestAdapter: FrameworkAdapter = {
  id: 'node-test',
  label: 'node --test',

  async detect(root) {
    const script = (await readPackageJson(root))?.scripts?.test;
    if (typeof script === 'string' && !NPM_PLACEHOLDER.test(script)) return NODE_TEST.test(script);
    for (const dir of ['.', 'test', 'tests', 'src']) {
      if (await hasAnyFile(path.join(root, dir), (name) => TEST_NAME.test(name))) return true;
    }
    return hasAnyFile(path.join(root, 'test'), (name) => JS_EXTENSION.test(name));
  },

  /** A package whose test script is `node --test`: node has no config file of its own. */
  async configuredIn(dir) {
    const script = (await readPackageJson(dir))?.scripts?.test;
    return typeof script === 'string' && NODE_TEST.test(script);
  },

  async defaultCommand(root) {
    const script = (await readPackageJson(root))?.scripts?.test;
    if (typeof script !== 'string' || !NODE_TEST.test(script)) return 'node --test';
    // The script itself when it is one plain command: npm adds nothing but noise and a dependency.
    return /^node\s[^;&|<>`$]*$/.test(script.trim()) ? script.trim() : 'npm test';
  },

  matchesCommand: (command) => NODE_TEST.test(command),

  prepare(command, reportDir): PreparedCommand {
    const ownReporter = /--test-reporter(?!-destination)/.test(command);
    const ownDestination = /--test-reporter-destination/.test(command);
    // Node wants as many destinations as reporters; a lone user reporter would make ours fail the run.
    if (ownReporter && !ownDestination) return { command };
    const reportPath = path.join(reportDir, REPORT_FILE);
    // In NODE_OPTIONS, so that `npm test` and scripts with test paths (where appended flags would be
    // read as file names) get them as well.
    const options = [`--test-reporter=${reporterUrl()}`, `--test-reporter-destination=${reportPath}`];
    if (!ownReporter) options.push('--test-reporter=spec', '--test-reporter-destination=stdout');
    return { command, env: { NODE_OPTIONS: options.map(nodeOptionQuote).join(' ') }, reportPath };
  },

  parse(input) {
    return reportFrom(
      'node-test',
      input,
      (report, root) => {
        const records = readRecords(report);
        return records.length ? resultsFromRecords(records, root, true) : undefined;
      },
      (output, root) => resultsFromRecords(parseNodeConsole(output), root, false),
    );
  },

  selectTests: nodeTestSelecting,

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    if (!JS_EXTENSION.test(posix)) return false;
    return TEST_NAME.test(path.posix.basename(posix)) || /(^|\/)(test|tests|__tests__)\//.test(posix);
  },
};

/** NODE_OPTIONS splits on spaces and understands double quotes. */
function nodeOptionQuote(option: string): string {
  return /[\s"\\]/.test(option) ? `"${option.replace(/[\\"]/g, '\\$&')}"` : option;
}
