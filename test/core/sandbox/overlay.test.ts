import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cloneSandbox,
  composeWraps,
  createSandbox,
  listProjectFiles,
  ProcessRunner,
  type Sandbox,
  type Wrap,
} from '../../../src/core/sandbox';
import { runTests, selectAdapter } from '../../../src/core/testing';
import { FIXTURE_PROJECTS, hashTree } from '../../support/projects';
import { snapshot, write } from './helpers';

const OVERLAY = { view: 'overlay' } as const;

describe('sandbox workspace (overlay view)', function () {
  let scratch: string;
  let project: string;
  let tmpDir: string;
  const runner = new ProcessRunner();
  const sandboxes: Sandbox[] = [];
  const track = (sandbox: Sandbox) => (sandboxes.push(sandbox), sandbox);
  const runIn = async (sandbox: Sandbox, command: string) => {
    const result = await runner.run({ command, cwd: sandbox.root, timeoutMs: 30_000 });
    assert.equal(result.exitCode, 0, `\`${command}\` failed: ${result.output}`);
    return result.stdout;
  };

  before(async function () {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-probe-'));
    const probe = await createSandbox(empty);
    await probe.dispose();
    await fs.rm(empty, { recursive: true });
    if (probe.kind !== 'overlay') {
      console.log(`      (skipped: no overlay on this machine: ${probe.fallback})`);
      this.skip();
    }
  });

  beforeEach(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-test-')));
    project = path.join(scratch, 'project');
    tmpDir = path.join(scratch, 'tmp');
    await write(project, {
      'calc.py': 'def add(a, b):\n    return a - b\n',
      'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
      'README.md': '# demo\n',
      'run.sh': 'echo ran\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/site.py': '',
    });
    await fs.chmod(path.join(project, 'run.sh'), 0o755);
    await fs.symlink('calc.py', path.join(project, 'latest.py'));
    await fs.symlink(path.join(scratch, 'outside'), path.join(project, 'outside'));
  });

  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.dispose()));
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('is created without copying: the view shows the project, and what a command writes lands in the upper folder', async () => {
    const before = await snapshot(project);
    const sandbox = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    assert.equal(sandbox.kind, 'overlay');
    assert.deepEqual(await fs.readdir(sandbox.root), [], 'nothing is copied to the host side of the view');
    assert.equal(await runIn(sandbox, 'cat calc.py'), 'def add(a, b):\n    return a - b\n');

    await runIn(
      sandbox,
      [
        'echo changed >> README.md',
        'echo new > made-by-test.txt',
        'echo hacked > node_modules/dep/index.js',
        'echo hacked > .venv/lib/site.py',
        // The user's own path, and a way round through `..`, show the view too.
        `echo hacked > ${project}/calc.py`,
        `echo hacked > "$(realpath node_modules)/../tests/test_calc.py"`,
      ].join(' && '),
    );

    assert.deepEqual(await snapshot(project), before);
    const upper = path.join(path.dirname(sandbox.root), 'upper');
    assert.equal(await fs.readFile(path.join(upper, 'README.md'), 'utf8'), '# demo\nchanged\n');
    assert.equal(await fs.readFile(path.join(upper, 'node_modules/dep/index.js'), 'utf8'), 'hacked\n');
    assert.equal(await sandbox.readFile('made-by-test.txt'), 'new\n');
    assert.equal(await sandbox.readFile('calc.py'), 'hacked\n');
    assert.equal(await sandbox.readFile('tests/test_calc.py'), 'hacked\n');
  });

  it('runs what the engine wrote: a candidate file is what the test sees, and keeps the mode of the file it replaces', async () => {
    const sandbox = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    await sandbox.writeFile('calc.py', 'def add(a, b):\n    return a + b\n');
    await sandbox.writeFile('pkg/deep/new_module.py', 'X = 1\n');
    await sandbox.writeFile('run.sh', 'echo candidate\n');
    await sandbox.writeFile('latest.py', 'through the link\n');
    assert.equal(
      await runIn(sandbox, 'cat calc.py pkg/deep/new_module.py && ./run.sh'),
      'through the link\nX = 1\ncandidate\n',
    );
    assert.equal(await fs.readFile(path.join(project, 'calc.py'), 'utf8'), 'def add(a, b):\n    return a - b\n');
    assert.equal(await fs.readlink(path.join(project, 'latest.py')), 'calc.py');
  });

  it('hides from the host what a command deleted, and lists the view as the command leaves it', async () => {
    const sandbox = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    await runIn(sandbox, 'rm calc.py && rm -r tests && mkdir src && echo 1 > src/added.py');
    await assert.rejects(sandbox.readFile('calc.py'), { code: 'ENOENT' });
    await assert.rejects(sandbox.readFile('tests/test_calc.py'), { code: 'ENOENT' });
    const expected = ['README.md', 'run.sh', 'src/added.py'];
    assert.deepEqual(await sandbox.listFiles(), expected);
    assert.deepEqual(await listProjectFiles(sandbox.root), expected);
    assert.ok(existsSync(path.join(project, 'calc.py')));
    // Writing a deleted file back makes it visible again.
    await sandbox.writeFile('calc.py', 'back\n');
    assert.equal(await runIn(sandbox, 'cat calc.py'), 'back\n');
  });

  it('refuses paths and links that leave the view, in one line', async () => {
    const sandbox = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    await assert.rejects(sandbox.writeFile('../evil.txt', 'x'), {
      message: 'path is outside the sandbox: ../evil.txt',
    });
    await assert.rejects(sandbox.readFile('/etc/hostname'), { message: 'path is outside the sandbox: /etc/hostname' });
    await assert.rejects(sandbox.writeFile('outside/evil.txt', 'x'), {
      message: 'cannot write outside/evil.txt: it leads outside the sandbox (through a symlink)',
    });
    assert.equal(existsSync(path.join(scratch, 'outside')), false);
  });

  it("gives K clones independent views over the same project, each starting from its source's changes", async () => {
    const base = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    await runIn(base, 'echo from-base > base.txt && mkdir -p __pycache__ && echo x > __pycache__/c.pyc');
    const clones = await Promise.all([1, 2, 3].map(async () => track(await cloneSandbox(base))));
    await Promise.all(clones.map((clone, i) => clone.writeFile('calc.py', `candidate ${i}\n`)));
    const seen = await Promise.all(clones.map((clone) => runIn(clone, 'cat calc.py base.txt; ls -a')));
    seen.forEach((out, i) => {
      assert.match(out, new RegExp(`^candidate ${i}\nfrom-base\n`));
      assert.doesNotMatch(out, /__pycache__/, 'caches are not carried into clones, as a copy leaves them out');
    });
    assert.equal(await base.readFile('calc.py'), 'def add(a, b):\n    return a - b\n');
    assert.ok(clones.every((clone) => clone.kind === 'overlay' && path.dirname(path.dirname(clone.root)) === tmpDir));

    await base.dispose();
    assert.equal(await runIn(clones[0]!, 'cat base.txt README.md'), 'from-base\n# demo\n');
  });

  it('leaves nothing behind in the temp folder once disposed (twice is fine)', async () => {
    const sandbox = await createSandbox(project, { ...OVERLAY, tmpDir });
    const clone = await cloneSandbox(sandbox);
    await runIn(sandbox, 'rm README.md && echo x > new.txt');
    await runIn(clone, 'true');
    await Promise.all([sandbox.dispose(), clone.dispose(), sandbox.dispose()]);
    assert.deepEqual(await fs.readdir(tmpDir), []);
  });

  it('falls back to a copy, and says why, when user namespaces are refused', async () => {
    // A stand-in for `unshare` that fails as AppArmor makes it fail on Ubuntu 24.04.
    const refusing = path.join(scratch, 'unshare');
    await fs.writeFile(
      refusing,
      '#!/bin/sh\necho "unshare: write failed /proc/self/uid_map: Operation not permitted" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const sandbox = track(await createSandbox(project, { tmpDir, unshare: refusing }));
    assert.equal(sandbox.kind, 'copy');
    assert.match(sandbox.fallback ?? '', /no overlay: .*uid_map: Operation not permitted/);
    assert.equal(await runIn(sandbox, 'cat calc.py'), 'def add(a, b):\n    return a - b\n');
    await assert.rejects(
      createSandbox(project, { ...OVERLAY, tmpDir, unshare: refusing }),
      /^Error: overlay sandbox unavailable: user namespaces or overlay mounts are refused here \(unshare: write failed/,
    );
  });

  it('takes a copy when paths are excluded or the temp folder lies inside the project, and rejects an unknown view', async () => {
    assert.equal(track(await createSandbox(project, { tmpDir, exclude: ['README.md'] })).kind, 'copy');
    assert.equal(track(await createSandbox(project, { tmpDir: path.join(project, '.tmp') })).kind, 'copy');
    await assert.rejects(createSandbox(project, { view: 'bogus' as 'copy' }), {
      message: 'unknown sandbox view "bogus" (option view): use auto, overlay, reflink, copy',
    });
  });

  it('runs an inner wrap inside the view, bubblewrap included', async function () {
    const sandbox = track(await createSandbox(project, { ...OVERLAY, tmpDir }));
    const withMarker: Wrap = ({ command }) => ({
      file: '/usr/bin/env',
      args: ['MARKER=inner', '/bin/sh', '-c', command],
    });
    const wrapped = new ProcessRunner({
      wrap: composeWraps(withMarker, ({ command }) => ({ file: '/bin/sh', args: ['-c', command] })),
    });
    const marked = await wrapped.run({
      command: 'echo "$MARKER" && cat README.md',
      cwd: sandbox.root,
      timeoutMs: 30_000,
    });
    assert.equal(marked.stdout, 'inner\n# demo\n');

    if (!existsSync('/usr/bin/bwrap')) return this.skip();
    const bwrap: Wrap = ({ command, cwd }) => ({
      file: 'bwrap',
      // A private /tmp first: the view itself lives under /tmp here.
      args: [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--tmpfs',
        '/tmp',
        '--bind',
        cwd,
        cwd,
        '--unshare-all',
        '--die-with-parent',
        '--chdir',
        cwd,
        '/bin/sh',
        '-c',
        command,
      ],
    });
    const boxed = new ProcessRunner({ wrap: bwrap });
    const result = await boxed.run({
      command: `echo boxed > in-view.txt && cat calc.py && (echo x > ${project}/escape.txt) 2>/dev/null || echo read-only`,
      cwd: sandbox.root,
      timeoutMs: 30_000,
    });
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.stdout, 'def add(a, b):\n    return a - b\nread-only\n');
    assert.equal(await sandbox.readFile('in-view.txt'), 'boxed\n');
    assert.equal(existsSync(path.join(project, 'escape.txt')), false);
  });
});

describe('dependency folders through an overlay view', function () {
  let scratch: string;
  const runner = new ProcessRunner();
  beforeEach(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-deps-')));
  });
  afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

  const runTestsIn = async (project: string) => {
    const sandbox = await createSandbox(project, { view: 'overlay' }).catch((error: Error) => error);
    if (sandbox instanceof Error) return sandbox;
    try {
      const adapter = await selectAdapter(project);
      return await runTests({
        runner,
        root: sandbox.root,
        adapter,
        command: await adapter.defaultCommand(project),
        timeoutMs: 120_000,
      });
    } finally {
      await sandbox.dispose();
    }
  };

  it('node_modules resolves in the view, and what a test writes there stays in the view', async function () {
    const project = path.join(scratch, 'js');
    await write(project, {
      'package.json': '{ "name": "demo", "private": true }\n',
      'node_modules/dep/package.json': '{ "name": "dep", "main": "index.js" }\n',
      'node_modules/dep/index.js': 'module.exports = 41;\n',
      'test/dep.test.js': [
        "const test = require('node:test'); const assert = require('node:assert'); const fs = require('node:fs'); const path = require('node:path');",
        "test('dep resolves from the view', () => {",
        "  assert.equal(require('dep') + 1, 42);",
        "  const file = require.resolve('dep');",
        '  assert.ok(file.startsWith(process.cwd()), file);',
        "  fs.writeFileSync(file, 'module.exports = 0;');",
        "  fs.writeFileSync(path.join(fs.realpathSync(path.dirname(file)), '..', 'added.js'), '');",
        '});',
      ].join('\n'),
    });
    const before = await snapshot(project);
    const report = await runTestsIn(project);
    if (report instanceof Error) return this.skip();
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.status]),
      [['dep resolves from the view', 'passed']],
      report.output,
    );
    assert.deepEqual(await snapshot(project), before);
  });

  it('a project .venv runs with its prefix in the view, and Python writes nothing into the real one', async function () {
    const project = path.join(scratch, 'py');
    await write(project, {
      'tests/test_env.py':
        [
          'import os, sys, helper',
          'def test_prefix_in_view():',
          '    assert sys.prefix.startswith(os.getcwd()), sys.prefix',
          '    assert helper.VALUE == 42',
        ].join('\n') + '\n',
    });
    execFileSync('python3', ['-m', 'venv', '--system-site-packages', '--without-pip', path.join(project, '.venv')]);
    const site = execFileSync(
      path.join(project, '.venv/bin/python'),
      ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
      { encoding: 'utf8' },
    ).trim();
    await fs.writeFile(path.join(site, 'helper.py'), 'VALUE = 42\n');
    const before = await snapshot(project);
    const report = await runTestsIn(project);
    if (report instanceof Error) return this.skip();
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.status]),
      [['test_prefix_in_view', 'passed']],
      report.output,
    );
    assert.deepEqual(
      await snapshot(project),
      before,
      'no __pycache__ or anything else in the real project or its .venv',
    );
  });
});

describe('sample projects through an overlay view and through a copy', function () {
  const runner = new ProcessRunner();
  const outcome = async (name: string, view: 'overlay' | 'copy') => {
    const root = path.join(FIXTURE_PROJECTS, name);
    const sandbox = await createSandbox(root, { view });
    try {
      const adapter = await selectAdapter(root);
      const report = await runTests({
        runner,
        root: sandbox.root,
        adapter,
        command: await adapter.defaultCommand(root),
        timeoutMs: 60_000,
      });
      const tests = report.tests.map((t) => ({
        id: t.id,
        status: t.status,
        file: t.file,
        line: t.line,
        message: t.message,
      }));
      return { kind: sandbox.kind, counts: report.counts, runError: report.runError, tests };
    } finally {
      await sandbox.dispose();
    }
  };

  for (const name of ['python-buggy', 'js-buggy']) {
    it(`${name}: the same results, test by test`, async function () {
      const before = await hashTree(path.join(FIXTURE_PROJECTS, name));
      const overlay = await outcome(name, 'overlay').catch((error: Error) => error);
      if (overlay instanceof Error) {
        console.log(`      (skipped: ${overlay.message})`);
        return this.skip();
      }
      const copy = await outcome(name, 'copy');
      assert.equal(overlay.kind, 'overlay');
      assert.ok(
        copy.tests.length > 0 && copy.tests.some((t) => t.status === 'failed'),
        'the sample has a failing test',
      );
      assert.deepEqual({ ...overlay, kind: 'copy' }, copy);
      assert.deepEqual(await hashTree(path.join(FIXTURE_PROJECTS, name)), before);
    });
  }
});
