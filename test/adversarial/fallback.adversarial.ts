import { strict as assert } from 'node:assert';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { probeBwrap } from '../../src/core/sandbox/isolation';
import { requireBwrap } from '../core/sandbox/isolation/backends';
import { ScriptedModelServer } from '../support/openai-server';
import { hashTree } from '../support/projects';
import { CLI, cliBuilt } from './harness';

/**
 * A machine that refuses user namespaces (as AppArmor does on Ubuntu 24.04), made for real: the CLI runs
 * inside a bubblewrap sandbox that forbids creating further ones, so its own probe of bubblewrap fails.
 */
describe('the CLI where bubblewrap cannot create namespaces', function () {
  this.timeout(120_000);
  let work: string;
  let server: ScriptedModelServer;

  before(async function () {
    await requireBwrap(this);
    if (!cliBuilt()) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });
  beforeEach(async () => {
    work = await mkdtemp('/var/tmp/self-repair-fallback-');
    await cp(path.resolve(__dirname, '..', 'fixtures', 'projects', 'js-buggy'), path.join(work, 'project'), {
      recursive: true,
    });
    server = await ScriptedModelServer.start({ replies: ['No fix.'], models: ['m'] });
  });
  afterEach(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  async function cliWithoutNamespaces(sandbox: string) {
    const bwrap = (await probeBwrap()) as { path: string };
    const refusing = [
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--bind',
      work,
      work,
      '--unshare-user',
      '--disable-userns',
      '--die-with-parent',
      '--',
    ];
    const cli = [
      'node',
      CLI,
      'repair',
      path.join(work, 'project'),
      '--base-url',
      server.url,
      '--model',
      'm',
      '--max-turns',
      '1',
      '--sandbox',
      sandbox,
      '--json',
    ];
    const { execa } = await import('execa');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', TMPDIR: work };
    const run = await execa(bwrap.path, [...refusing, ...cli], {
      env,
      extendEnv: false,
      reject: false,
      timeout: 100_000,
      encoding: 'utf8',
    });
    return { exitCode: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
  }

  it('auto: falls back to no sandbox, says why on stderr and "isolation": "none" in the JSON', async () => {
    const before = await hashTree(path.join(work, 'project'));
    const run = await cliWithoutNamespaces('auto');
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(
      run.stderr,
      /^isolation: none \(no OS sandbox: bubblewrap cannot create user namespaces here \(.+\); on Ubuntu 24\.04 AppArmor refuses them unless a profile allows bwrap\)$/m,
    );
    const out = JSON.parse(run.stdout);
    assert.equal(out.isolation, 'none');
    assert.deepEqual(out.before, { passed: 2, failed: 1 }, 'the tests still ran, without a sandbox');
    assert.deepEqual(await hashTree(path.join(work, 'project')), before);
  });

  it('strict: refuses to run, exit 2 with one line, nothing asked of the model', async () => {
    const run = await cliWithoutNamespaces('strict');
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(
      run.stderr,
      /^error: sandbox "strict" needs an OS sandbox, and none is available: bubblewrap cannot create user namespaces here/m,
    );
    assert.equal(JSON.parse(run.stdout).status, 'error');
    assert.equal(server.requests.length, 0);
  });

  it('rejects an unknown --sandbox value in one line', async () => {
    const { execa } = await import('execa');
    const run = await execa('node', [CLI, 'repair', work, '--sandbox', 'on'], { reject: false, encoding: 'utf8' });
    assert.equal(run.exitCode, 2);
    assert.match(
      String(run.stderr),
      /option '--sandbox <mode>' argument 'on' is invalid\. sandbox must be one of auto, strict, off; got "on"/,
    );
  });
});
