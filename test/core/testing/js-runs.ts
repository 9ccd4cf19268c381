/** Running jest, vitest and mocha for real on a copy of a fixture project, as the engine runs them. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProcessRunner } from '../../../src/core/sandbox';
import { runTests, selectAdapter, type TestCaseResult, type TestReport } from '../../../src/core/testing';
import { copyProject, FIXTURE_PROJECTS } from '../../support/projects';

export interface FixtureRun {
  report: TestReport;
  /** The command the adapter chose for the project. */
  command: string;
}

/**
 * The report of one run of the project's own framework on a copy of `project`, with `files` (path →
 * text) written into the copy first and `command` instead of the detected one when given.
 */
export async function runFixture(
  project: string,
  options: { files?: Record<string, string>; command?: string } = {},
): Promise<FixtureRun> {
  if (!existsSync(path.join(FIXTURE_PROJECTS, project, 'node_modules'))) {
    throw new Error(`${project} has no node_modules: run \`npm run setup:frameworks\``);
  }
  const copy = await copyProject(project);
  try {
    for (const [file, text] of Object.entries(options.files ?? {})) {
      await mkdir(path.dirname(path.join(copy.root, file)), { recursive: true });
      await writeFile(path.join(copy.root, file), text);
    }
    const adapter = await selectAdapter(copy.root, options.command);
    const command = options.command ?? (await adapter.defaultCommand(copy.root));
    const report = await runTests({
      runner: new ProcessRunner(),
      root: copy.root,
      adapter,
      command,
      timeoutMs: 90_000,
    });
    return { report, command };
  } finally {
    await copy.remove();
  }
}

export function testById(report: TestReport, id: string): TestCaseResult {
  const found = report.tests.find((t) => t.id === id);
  assert.ok(found, `no test ${id} among ${report.tests.map((t) => t.id).join(', ')}\n${report.output}`);
  return found;
}

/** `[id, status]` of every test, sorted, for comparing whole reports. */
export function outcomes(report: TestReport): string[] {
  return report.tests.map((t) => `${t.id}: ${t.status}`).sort();
}
