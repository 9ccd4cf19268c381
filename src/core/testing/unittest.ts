import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasAnyFile, readTextIfExists } from './files';
import { PYTHON_PROJECT_FILES, pytestConfigured } from './pytest';
import { plainCommand } from './select';
import { shellQuote } from './shell';
import { countTests, type FrameworkAdapter, type PreparedCommand, type TestReport } from './types';
import { parseUnittestConsole, readUnittestReport } from './unittest-results';

const REPORT_FILE = 'unittest.json';
/** Our runner (python/self_repair_unittest.py): beside this module in the source tree, beside the bundle in dist/. */
const RUNNER_MODULE = 'self_repair_unittest';
/** `python -m unittest`, `.venv/bin/python3 -m unittest`, `uv run python -m unittest discover`. */
const UNITTEST = /(^|[\s;&|(])(\S*python[\d.]*(?:\.exe)?\s+-m\s+)unittest(?=$|[\s;&|)])/;
const TEST_FILE = /^test.*\.py$/;
const TEST_DIRS = ['.', 'tests', 'test'];

export const unittestAdapter: FrameworkAdapter = {
  id: 'unittest',
  label: 'unittest',

  /** unittest-style test files, and neither a pytest configuration nor pytest in the project's virtualenv. */
  async detect(root) {
    if ((await pytestConfigured(root)) || venvHasPytest(root)) return false;
    const texts = await Promise.all(testFiles(root).map((file) => readTextIfExists(file)));
    const written = texts.filter((text): text is string => text !== undefined);
    const usesPytest = written.some((text) => /^\s*(import pytest|from pytest\b)/m.test(text));
    return !usesPytest && written.some((text) => /^\s*(import unittest|from unittest\b)/m.test(text));
  },

  /** A Python project file (pyproject.toml, setup.py, ...) over unittest-style tests without pytest. */
  async configuredIn(dir) {
    const marked = PYTHON_PROJECT_FILES.some((name) => existsSync(path.join(dir, name)));
    return marked && unittestAdapter.detect(dir);
  },

  async defaultCommand(root) {
    const python = ['.venv', 'venv']
      .map((dir) => path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'))
      .find((candidate) => existsSync(path.join(root, candidate)));
    const base = `${python ?? (process.platform === 'win32' ? 'python' : 'python3')} -m unittest`;
    // Discovery from the root only enters packages: a tests folder without __init__.py is named.
    for (const dir of ['tests', 'test']) {
      const folder = path.join(root, dir);
      if (existsSync(path.join(folder, '__init__.py'))) continue;
      if (await hasAnyFile(folder, (name) => TEST_FILE.test(name))) return `${base} discover -s ${dir}`;
    }
    return base;
  },

  matchesCommand: (command) => UNITTEST.test(command),

  prepare(command, reportDir): PreparedCommand {
    const match = UNITTEST.exec(command);
    if (!match) return { command };
    const runnerDir = installRunner(reportDir);
    const rewritten = command.replace(UNITTEST, `$1$2${RUNNER_MODULE}`);
    const reportPath = path.join(reportDir, REPORT_FILE);
    const pythonPath = [runnerDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    return {
      command: rewritten,
      env: { PYTHONPATH: pythonPath, SELF_REPAIR_UNITTEST_REPORT: reportPath },
      reportPath,
    };
  },

  parse(input) {
    const fromReport = input.report ? readUnittestReport(input.report, input.projectRoot) : undefined;
    const parsed = fromReport ? { tests: fromReport } : parseUnittestConsole(input.output, input.projectRoot);
    const report: TestReport = {
      framework: 'unittest',
      tests: parsed.tests,
      counts: ('counts' in parsed && parsed.counts) || countTests(parsed.tests),
      exitCode: input.exitCode,
      timedOut: input.timedOut,
      output: input.output,
      durationMs: input.durationMs,
    };
    const importErrors = parsed.tests.filter((t) => t.status === 'errored' && t.id === t.file);
    if (importErrors.length && importErrors.length === parsed.tests.length) {
      report.runError = importErrors[0]!.message ?? `could not import ${importErrors[0]!.file}`;
    }
    return report;
  },

  /** `-k` takes fnmatch patterns on the dotted id; with a `*` in it, unittest matches it whole. */
  selectTests(command, tests, scope) {
    const plain = plainCommand(command);
    if (!plain || !UNITTEST.test(plain) || !tests.length) return undefined;
    const ids = tests.map((t) => (scope === 'tests' ? t.name : `${t.name.split('.').slice(0, -2).join('.')}.`));
    if (ids.some((id) => !/^[\w.]+$/.test(id) || id === '.')) return undefined;
    const patterns = [...new Set(ids)].map((id) => (scope === 'tests' ? `*${id}` : `${id}*`));
    return `${plain} ${patterns.map((p) => `-k ${shellQuote(p)}`).join(' ')}`;
  },

  // Our runner names tests as pytest does: `tests/test_x.py::TestX::test_y`.
  testId: (_root, file, fullName) => `${file}::${fullName}`,

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    const name = path.posix.basename(posix);
    return name.endsWith('.py') && (TEST_FILE.test(name) || /(^|\/)tests?\//.test(posix));
  },
};

function testFiles(root: string): string[] {
  return TEST_DIRS.flatMap((dir) => {
    try {
      return readdirSync(path.join(root, dir))
        .filter((name) => TEST_FILE.test(name))
        .map((name) => path.join(root, dir, name));
    } catch {
      return [];
    }
  });
}

function venvHasPytest(root: string): boolean {
  for (const venv of ['.venv', 'venv']) {
    if (existsSync(path.join(root, venv, 'Lib', 'site-packages', 'pytest'))) return true;
    try {
      const versions = readdirSync(path.join(root, venv, 'lib')).filter((name) => name.startsWith('python'));
      if (versions.some((v) => existsSync(path.join(root, venv, 'lib', v, 'site-packages', 'pytest')))) return true;
    } catch {
      // No such virtualenv.
    }
  }
  return false;
}

/**
 * Our runner, copied into the run's report folder: the one folder of ours an OS sandbox surely lets the
 * tests read, put first on their PYTHONPATH.
 */
function installRunner(reportDir: string): string {
  const file = `${RUNNER_MODULE}.py`;
  if (typeof __dirname !== 'string') throw new Error(`cannot locate ${file}: the engine must run as CommonJS`);
  const source = path.join(__dirname, 'python', file);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch {
    throw new Error(`the unittest runner ${source} is missing; rebuild with \`npm run build\``);
  }
  const dir = path.join(reportDir, 'python');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), text);
  return dir;
}
