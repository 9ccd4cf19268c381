/**
 * A workspace folder may hold several projects (a monorepo): the engine runs in one of them and
 * reports paths and test ids relative to that project's root, while the Test Explorer, the code lenses
 * and the failure store key everything by paths relative to the workspace folder. These convert at
 * that boundary, by the project's place inside the folder (`packages/api`, or '' for the folder itself).
 */
import path from 'node:path';
import type { StackFrame, TestCaseResult, TestReport } from '../../core';
import { testIdFor } from './test-ids';

/** The project root's POSIX path inside the folder: '' when they are the same; undefined when it lies outside. */
export function placeInFolder(folderPath: string, projectRoot: string): string | undefined {
  const rel = path.relative(folderPath, projectRoot);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** A project-relative path as the folder sees it. */
export function toFolderPath(place: string, file: string): string {
  return place ? `${place}/${file}` : file;
}

/** A folder-relative path or test id as the project sees it; unchanged when it does not lie in the project. */
export function toProjectPath(place: string, file: string): string {
  return place && file.startsWith(`${place}/`) ? file.slice(place.length + 1) : file;
}

/**
 * The report with its test files, the ids that start with them (`test/a.test.js > adds`,
 * `tests/test_x.py::test_y`) and its in-project stack frames made relative to the folder. Ids that do
 * not name a file (go test's `package::TestX`) stay as they are.
 */
export function reportForFolder(report: TestReport, place: string): TestReport {
  if (!place) return report;
  return { ...report, tests: report.tests.map((test) => testForFolder(test, place)) };
}

function testForFolder(test: TestCaseResult, place: string): TestCaseResult {
  const id = test.file && test.id.startsWith(test.file) ? toFolderPath(place, test.id) : test.id;
  const frames = test.frames.map((frame): StackFrame =>
    frame.inProject ? { ...frame, file: toFolderPath(place, frame.file) } : frame,
  );
  return { ...test, id, file: test.file && toFolderPath(place, test.file), frames };
}

/** Where a folder-relative test id or file path names its file: `a/b.py::test_x` → `a/b.py`. */
export function fileOfTestId(id: string): string {
  const cut = [id.indexOf('::'), id.indexOf(' > ')].filter((i) => i > 0);
  return cut.length ? id.slice(0, Math.min(...cut)) : id;
}

/**
 * The id, as the folder sees it, that the framework's report gives the test tree-sitter finds under
 * `fullName` in the folder-relative file `rel` of the project: the same conversion reports get.
 */
export function folderTestId(
  framework: string,
  project: { root: string; place: string },
  rel: string,
  fullName: string,
): string {
  const file = toProjectPath(project.place, rel);
  const id = testIdFor(framework, project.root, file, fullName);
  return project.place && id.startsWith(file) ? toFolderPath(project.place, id) : id;
}
