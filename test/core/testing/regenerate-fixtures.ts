/*
 * Re-creates test/fixtures/reports/<scenario>/ by running the real frameworks:
 *   npx tsx test/core/testing/regenerate-fixtures.ts
 * Each scenario's project is copied to a temporary folder first (no __pycache__ or caches in the
 * fixtures), and that folder's path is replaced by a placeholder in everything saved.
 */
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner } from '../../../src/core/sandbox';
import { nodeTestAdapter, pytestAdapter, type FrameworkAdapter } from '../../../src/core/testing';
import { REPORT_FILES, REPORTS_DIR, ROOT_PLACEHOLDER, type ScenarioInfo } from './scenarios';

interface Scenario {
  name: string;
  project: string;
  command: string;
  adapter: FrameworkAdapter;
  /** False: run the command as the user wrote it, for the console-output fallback. */
  prepare: boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'pytest-python-buggy',
    project: 'projects/python-buggy',
    command: 'python3 -m pytest',
    adapter: pytestAdapter,
    prepare: true,
  },
  {
    name: 'pytest-mixed',
    project: 'reports/pytest-mixed/project',
    command: 'python3 -m pytest',
    adapter: pytestAdapter,
    prepare: true,
  },
  {
    name: 'pytest-mixed-console',
    project: 'reports/pytest-mixed/project',
    command: 'python3 -m pytest -p no:cacheprovider',
    adapter: pytestAdapter,
    prepare: false,
  },
  {
    name: 'pytest-native-traceback',
    project: 'reports/pytest-mixed/project',
    command: 'python3 -m pytest --tb=native',
    adapter: pytestAdapter,
    prepare: true,
  },
  {
    name: 'pytest-collection-error',
    project: 'reports/pytest-collection-error/project',
    command: 'python3 -m pytest',
    adapter: pytestAdapter,
    prepare: true,
  },
  {
    name: 'pytest-collection-error-console',
    project: 'reports/pytest-collection-error/project',
    command: 'python3 -m pytest -p no:cacheprovider',
    adapter: pytestAdapter,
    prepare: false,
  },
  {
    name: 'node-js-buggy',
    project: 'projects/js-buggy',
    command: 'node --test',
    adapter: nodeTestAdapter,
    prepare: true,
  },
  {
    name: 'node-nested',
    project: 'reports/node-nested/project',
    command: 'node --test',
    adapter: nodeTestAdapter,
    prepare: true,
  },
  {
    name: 'node-nested-tap',
    project: 'reports/node-nested/project',
    command: 'node --test',
    adapter: nodeTestAdapter,
    prepare: false,
  },
  // The user's own reporter without a destination leaves no room for ours: prepare() keeps the command.
  {
    name: 'node-nested-spec',
    project: 'reports/node-nested/project',
    command: 'node --test --test-reporter=spec',
    adapter: nodeTestAdapter,
    prepare: true,
  },
  {
    name: 'node-load-error',
    project: 'reports/node-load-error/project',
    command: 'npm test',
    adapter: nodeTestAdapter,
    prepare: true,
  },
  {
    name: 'node-load-error-tap',
    project: 'reports/node-load-error/project',
    command: 'node --test',
    adapter: nodeTestAdapter,
    prepare: false,
  },
];

async function regenerate(scenario: Scenario): Promise<void> {
  const work = await realpath(await mkdtemp(path.join(os.tmpdir(), 'self-repair-fixture-')));
  try {
    const root = path.join(work, 'project');
    await cp(path.resolve(REPORTS_DIR, '..', scenario.project), root, { recursive: true });
    const reportDir = path.join(work, 'report');
    await mkdir(reportDir);
    const prepared = scenario.prepare
      ? scenario.adapter.prepare(scenario.command, reportDir)
      : { command: scenario.command };
    const result = await new ProcessRunner().run({
      command: prepared.command,
      cwd: root,
      ...(prepared.env ? { env: prepared.env } : {}),
      timeoutMs: 60_000,
    });
    const hide = (text: string) => text.split(root).join(ROOT_PLACEHOLDER);
    const out = path.join(REPORTS_DIR, scenario.name);
    await mkdir(out, { recursive: true });
    // Only the saved run is replaced: a scenario folder may also hold the project it ran.
    for (const file of ['output.txt', ...REPORT_FILES]) await rm(path.join(out, file), { force: true });
    const info: ScenarioInfo = {
      project: scenario.project,
      command: scenario.command,
      prepared: scenario.prepare,
      exitCode: result.exitCode,
    };
    await writeFile(path.join(out, 'scenario.json'), `${JSON.stringify(info, null, 2)}\n`);
    await writeFile(path.join(out, 'output.txt'), hide(result.output));
    if ('reportPath' in prepared && prepared.reportPath) {
      const report = await readFile(prepared.reportPath, 'utf8').catch(() => undefined);
      const name = prepared.reportPath.endsWith('.xml') ? 'report.xml' : 'report.jsonl';
      if (report !== undefined) await writeFile(path.join(out, name), hide(report));
    }
    console.log(`${scenario.name}: exit ${result.exitCode}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const scenario of scenarios) {
    if (!only.length || only.includes(scenario.name)) await regenerate(scenario);
  }
}

void main();
