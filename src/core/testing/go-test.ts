import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { goOutputText, goResults, readGoRun } from './go-test-events';
import { plainCommand } from './select';
import { shellQuote } from './shell';
import { type FrameworkAdapter, type PreparedCommand, reportOf, type TestCaseResult } from './types';

const REPORT_FILE = 'go-test.jsonl';
/** `go test`, `/usr/local/go/bin/go test`, `cd x && go test ./...`: go's program word, then `test`. */
const GO_TEST = /(^|[\s;&|(])((?:\S*\/)?go)(\s+test)(?=$|[\s;&|)])/;
const MODULE_DIRECTIVE = /^\s*module\s+"?([^\s"]+)"?/m;

export const goTestAdapter: FrameworkAdapter = {
  id: 'go-test',
  label: 'go test',

  detect: (root) => Promise.resolve(existsSync(path.join(root, 'go.mod'))),
  configuredIn: (dir) => Promise.resolve(existsSync(path.join(dir, 'go.mod'))),

  defaultCommand: () => Promise.resolve('go test ./...'),

  matchesCommand: (command) => GO_TEST.test(command),

  prepare(command, reportDir): PreparedCommand {
    const match = GO_TEST.exec(command);
    if (!match) return { command };
    // The sandbox may give the tests a read-only HOME, and go must write its build cache; one per run
    // also keeps a cached "ok" from standing in for a real run.
    const env = { GOCACHE: path.join(reportDir, 'gocache') };
    const end = match.index + match[0].length;
    const json = /(^|\s)-json(?=\s|$)/.test(command) ? '' : ' -json';
    const withJson = `${command.slice(0, end)}${json}${command.slice(end)}`;
    const plain = plainCommand(command);
    if (!plain) return { command: withJson, env };
    // One plain go command: its events go to a file (no output cap), after the module's folder, which
    // maps package paths to project folders.
    const reportPath = path.join(reportDir, REPORT_FILE);
    const modules = `${match[2]!} list -m -f 'module {{.Path}} {{.Dir}}' 2>/dev/null`;
    return { command: `{ ${modules}; ${withJson.trim()}; } > ${shellQuote(reportPath)}`, env, reportPath };
  },

  parse(input) {
    const run = readGoRun(`${input.report ?? ''}\n${input.output}`);
    if (run.modules.size === 0) {
      // A command we could not prepare fully: the project's own go.mod, where the copy is readable here.
      const module = MODULE_DIRECTIVE.exec(readText(path.join(input.projectRoot, 'go.mod')))?.[1];
      if (module) run.modules.set(module, input.projectRoot);
    }
    const tests = goResults(run, input.projectRoot);
    const report = reportOf('go-test', tests, input, goOutputText(`${input.report ?? ''}\n${input.output}`));
    const failedBuilds = tests.filter((t) => run.buildFailures.has(t.id));
    if (failedBuilds.length && failedBuilds.length === tests.length) {
      report.runError = `${failedBuilds[0]!.message ?? 'build failed'} (${failedBuilds[0]!.id})`;
    }
    return report;
  },

  selectTests: goSelecting,

  isTestFile: (relPath) => relPath.endsWith('_test.go'),

  // go test names a test after its package's import path: `example.com/m/stats::TestMean/empty`.
  testId: (root, file, fullName) => `${goPackageOf(root, file)}::${fullName}`,
};

/** The import path of the package in `file`'s folder: the nearest go.mod's module and the folders below it. */
function goPackageOf(root: string, file: string): string {
  const dir = path.dirname(path.resolve(root, file));
  for (let moduleDir = dir; ; moduleDir = path.dirname(moduleDir)) {
    const module = MODULE_DIRECTIVE.exec(readText(path.join(moduleDir, 'go.mod')))?.[1];
    const below = path.relative(moduleDir, dir).split(path.sep).join('/');
    if (module) return below ? `${module}/${below}` : module;
    // No module: go names a folder's package by its relative path.
    if (path.dirname(moduleDir) === moduleDir) return `./${path.relative(root, dir).split(path.sep).join('/')}`;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * `go test` narrowed with `-run '^(TestA|TestB)$'`: top-level names, so a failing subtest runs with its
 * table. Go has no file scope of its own, and a command with its own `-run` is left alone.
 */
export function goSelecting(
  command: string,
  tests: readonly TestCaseResult[],
  scope: 'tests' | 'files',
): string | undefined {
  const plain = plainCommand(command);
  const match = plain ? GO_TEST.exec(plain) : undefined;
  if (!plain || !match || scope === 'files' || /(^|\s)-(test\.)?run[=\s]/.test(plain)) return undefined;
  const names = [...new Set(tests.map((t) => t.name.split('/')[0]!))].filter((name) => /^\w+$/.test(name));
  if (!names.length) return undefined;
  const end = match.index + match[0].length;
  return `${plain.slice(0, end)} -run ${shellQuote(`^(${names.join('|')})$`)}${plain.slice(end)}`;
}
