import { existsSync } from 'node:fs';
import path from 'node:path';
import { hasAnyFile, readTextIfExists } from './files';
import { parseConsole } from './pytest-console';
import { parseJunit } from './pytest-junit';
import { pytestSelecting } from './select';
import { shellQuote } from './shell';
import { countTests, type FrameworkAdapter, type PreparedCommand, type TestReport } from './types';

const REPORT_FILE = 'pytest.xml';
/** `pytest`, `py.test`, `.venv/bin/pytest`, `python -m pytest`, `uv run pytest`, ... */
const PYTEST_WORD = /(?:^|[\s;&|/'"(])py\.?test(?=$|[\s;&|)'"])/;
/** Where the pytest invocation ends inside a longer shell line: our flags go before this. */
const SHELL_BREAK = /\s+(?:&&|\|\|?|;|\d?>)/g;
const TEST_FILE = /^(test_.*|.*_test)\.py$/;
/** Files that mark the root of a Python project, whichever runner it uses. */
export const PYTHON_PROJECT_FILES = ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini', 'setup.py'];

/** pytest.ini, conftest.py, or a pytest section in pyproject.toml, setup.cfg or tox.ini. */
export async function pytestConfigured(root: string): Promise<boolean> {
  if (['pytest.ini', 'conftest.py'].some((name) => existsSync(path.join(root, name)))) return true;
  const configs: Array<[string, string]> = [
    ['pyproject.toml', '[tool.pytest'],
    ['setup.cfg', '[tool:pytest]'],
    ['tox.ini', '[pytest]'],
  ];
  for (const [name, section] of configs) {
    if ((await readTextIfExists(path.join(root, name)))?.includes(section)) return true;
  }
  return false;
}

export const pytestAdapter: FrameworkAdapter = {
  id: 'pytest',
  label: 'pytest',

  async detect(root) {
    if (await pytestConfigured(root)) return true;
    for (const dir of ['.', 'tests', 'test']) {
      if (await hasAnyFile(path.join(root, dir), (name) => TEST_FILE.test(name))) return true;
    }
    return false;
  },

  /**
   * A Python project file (pytest runs such a project with or without a section of its own); not
   * conftest.py, which test folders inside a project hold too.
   */
  configuredIn: (dir) => Promise.resolve(PYTHON_PROJECT_FILES.some((name) => existsSync(path.join(dir, name)))),

  async defaultCommand(root) {
    // A project virtualenv has the project's dependencies; the system Python usually does not.
    const venvPython = ['.venv', 'venv']
      .map((dir) => path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'))
      .find((candidate) => existsSync(path.join(root, candidate)));
    return `${venvPython ?? (process.platform === 'win32' ? 'python' : 'python3')} -m pytest`;
  },

  matchesCommand: (command) => PYTEST_WORD.test(command),

  prepare(command, reportDir): PreparedCommand {
    const match = PYTEST_WORD.exec(command);
    if (!match) return { command };
    const reportPath = path.join(reportDir, REPORT_FILE);
    // xunit1 keeps the `file` and `line` attributes that xunit2 drops.
    const flags = [`--junitxml=${shellQuote(reportPath)}`, '-o', 'junit_family=xunit1'];
    if (!/-p\s*no:cacheprovider/.test(command)) flags.push('-p', 'no:cacheprovider');
    if (!/(^|\s)(-[qv]+|--quiet|--verbose)(?=\s|$)/.test(command)) flags.push('-q');
    SHELL_BREAK.lastIndex = match.index + match[0].length;
    const end = SHELL_BREAK.exec(command)?.index ?? command.trimEnd().length;
    return { command: `${command.slice(0, end)} ${flags.join(' ')}${command.slice(end)}`, reportPath };
  },

  parse(input) {
    const fromReport = input.report ? parseJunit(input.report, input.projectRoot) : undefined;
    const parsed = fromReport ?? parseConsole(input.output, input.projectRoot);
    const report: TestReport = {
      framework: 'pytest',
      tests: parsed.tests,
      counts: parsed.counts ?? countTests(parsed.tests),
      exitCode: input.exitCode,
      timedOut: input.timedOut,
      output: input.output,
      durationMs: input.durationMs,
    };
    const collectionErrors = parsed.tests.filter((t) => t.id === t.file && t.status === 'errored');
    if (collectionErrors.length && collectionErrors.length === parsed.tests.length) {
      const first = collectionErrors[0]!;
      report.runError = `collection error in ${first.file}: ${first.message ?? 'could not import the test module'}`;
    }
    return report;
  },

  selectTests: pytestSelecting,

  testId: (_root, file, fullName) => `${file}::${fullName}`,

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    const name = path.posix.basename(posix);
    if (!name.endsWith('.py')) return false;
    return TEST_FILE.test(name) || name === 'conftest.py' || /(^|\/)tests?\//.test(posix);
  },
};
