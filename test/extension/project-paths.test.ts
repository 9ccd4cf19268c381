import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runTestsOnce } from '../../src/core/repair/prepare';
import { findTestDefinitions } from '../../src/core/syntax';
import { isFailing } from '../../src/core/testing';
import {
  fileOfTestId,
  folderTestId,
  placeInFolder,
  reportForFolder,
  toFolderPath,
  toProjectPath,
} from '../../src/extension/logic/project-paths';
import { FIXTURE_PROJECTS } from '../support/projects';

const FOLDER = path.join(FIXTURE_PROJECTS, 'monorepo-mixed');

describe('project paths: between a monorepo package and its workspace folder', function () {
  this.timeout(120_000);

  it('places a project inside its folder, and nowhere when outside it', () => {
    assert.equal(placeInFolder(FOLDER, path.join(FOLDER, 'packages', 'api')), 'packages/api');
    assert.equal(placeInFolder(FOLDER, FOLDER), '');
    assert.equal(placeInFolder(FOLDER, path.dirname(FOLDER)), undefined);
    assert.equal(toFolderPath('packages/api', 'src/cart.js'), 'packages/api/src/cart.js');
    assert.equal(toFolderPath('', 'src/cart.js'), 'src/cart.js');
    assert.equal(toProjectPath('py', 'py/tests/test_core.py::test_mean'), 'tests/test_core.py::test_mean');
    assert.equal(toProjectPath('py', 'pyx/tests/test_core.py'), 'pyx/tests/test_core.py');
    assert.equal(fileOfTestId('py/tests/test_core.py::test_mean'), 'py/tests/test_core.py');
    assert.equal(fileOfTestId('packages/api/test/cart.test.js > total'), 'packages/api/test/cart.test.js');
    assert.equal(fileOfTestId('packages/api/test/cart.test.js'), 'packages/api/test/cart.test.js');
  });

  for (const [place, file, fullName] of [
    ['packages/api', 'test/cart.test.js', 'total multiplies price by quantity'],
    ['py', 'tests/test_core.py', 'test_mean'],
  ] as const) {
    it(`a real run in ${place}: its failing test gets the id the folder's tree gives it`, async () => {
      const { report } = await runTestsOnce({ projectRoot: path.join(FOLDER, place), timeoutMs: 60_000 });
      const failing = report.tests.filter(isFailing);
      assert.deepEqual(
        failing.map((t) => t.file),
        [file],
        report.runError ?? report.output,
      );
      const rebased = reportForFolder(report, place).tests.filter(isFailing)[0]!;
      const folderFile = `${place}/${file}`;
      assert.equal(rebased.file, folderFile);
      const source = await readFile(path.join(FOLDER, folderFile), 'utf8');
      const language = file.endsWith('.py') ? 'python' : 'javascript';
      const definitions = await findTestDefinitions(source, folderFile, language);
      const definition = definitions.find((d) => d.fullName === fullName)!;
      const project = { root: path.join(FOLDER, place), place };
      assert.equal(rebased.id, folderTestId(report.framework, project, folderFile, definition.fullName));
      assert.equal(toProjectPath(place, rebased.id), failing[0]!.id, 'and back again for the engine');
      for (const frame of rebased.frames.filter((f) => f.inProject)) assert.ok(frame.file.startsWith(`${place}/`));
    });
  }
});
