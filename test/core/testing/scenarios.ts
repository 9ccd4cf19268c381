import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { RawTestRun } from '../../../src/core/testing';

/*
 * Saved runs of real pytest / node --test (made by regenerate-fixtures.ts). The project root of the run
 * is stored as ROOT_PLACEHOLDER, so a test can put any root in its place.
 */

export const REPORTS_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'reports');
export const ROOT_PLACEHOLDER = '__ROOT__';
/** A root that exists on no machine: parsing must not depend on the files being there. */
export const FAKE_ROOT = '/home/dev/shop';

export interface ScenarioInfo {
  /** Which project ran: a folder below test/fixtures/. */
  project: string;
  command: string;
  /** True when our reporter flags were added (so a report file exists). */
  prepared: boolean;
  exitCode: number | null;
}

export const REPORT_FILES = ['report.xml', 'report.jsonl'] as const;

export function loadScenario(name: string, root = FAKE_ROOT): RawTestRun & { info: ScenarioInfo } {
  const dir = path.join(REPORTS_DIR, name);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8').split(ROOT_PLACEHOLDER).join(root);
  const info = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as ScenarioInfo;
  const reportFile = REPORT_FILES.find((file) => existsSync(path.join(dir, file)));
  return {
    info,
    projectRoot: root,
    command: info.command,
    exitCode: info.exitCode,
    timedOut: false,
    output: read('output.txt'),
    durationMs: 1000,
    ...(reportFile ? { report: read(reportFile) } : {}),
  };
}
