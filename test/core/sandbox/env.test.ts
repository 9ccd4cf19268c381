import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { checkPassedEnv, envNameProblem, ProcessRunner, sandboxEnv } from '../../../src/core/sandbox';

describe('sandboxEnv', () => {
  const base = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/someone',
    LANG: 'C.UTF-8',
    KEYBOARD_LAYOUT: 'us',
    SELF_REPAIR_API_KEY: 'sk-self',
    SELF_REPAIR_MODEL: 'gpt-x',
    OPENAI_API_KEY: 'sk-openai',
    OPENAI_BASE_URL: 'https://example.com/v1',
    AZURE_OPENAI_ENDPOINT: 'https://azure.example.com',
    ANTHROPIC_API_KEY: 'sk-ant',
    GITHUB_TOKEN: 'ghp_x',
    npm_config__authToken: 'npm-x',
    AWS_SECRET_ACCESS_KEY: 'aws-x',
    PGPASSWORD: 'pg-x',
    MY_APIKEY: 'k',
    UNSET: undefined,
  };

  it('passes only allow-listed variables: no model key, no secret with an innocent name', () => {
    const env = sandboxEnv({
      ...base,
      DATABASE_URL: 'postgres://u:pw@h/db',
      GH_PAT: 'ghp_secret',
      LC_ALL: 'C.UTF-8',
      VIRTUAL_ENV: '/p/.venv',
      GOPATH: '/go',
      NODE_OPTIONS: '--require /tmp/preload.js',
      SSH_AUTH_SOCK: '/run/user/1000/ssh',
    });
    assert.deepEqual(Object.keys(env).sort(), [
      'FORCE_COLOR',
      'GOPATH',
      'HOME',
      'LANG',
      'LC_ALL',
      'NO_COLOR',
      'PATH',
      'PYTHONDONTWRITEBYTECODE',
      'PYTHONUNBUFFERED',
      'VIRTUAL_ENV',
    ]);
    assert.equal(env.PATH, '/usr/bin:/bin');
  });

  it('passes the variables the user names, but never the model key', () => {
    const env = sandboxEnv({ ...base, DATABASE_URL: 'postgres://u:pw@h/db', GH_PAT: 'ghp_secret' }, undefined, [
      'DATABASE_URL',
      'SELF_REPAIR_API_KEY',
      'openai_api_key',
      'OPENAI_API_KEY',
      'NOT_SET',
    ]);
    assert.equal(env.DATABASE_URL, 'postgres://u:pw@h/db');
    assert.equal(env.GH_PAT, undefined);
    assert.equal(env.SELF_REPAIR_API_KEY, undefined);
    assert.equal(env.OPENAI_API_KEY, undefined);
    assert.equal('NOT_SET' in env, false);
  });

  it('keeps a NODE_OPTIONS the user passes before the adapter\u2019s own', () => {
    const env = sandboxEnv({ NODE_OPTIONS: '--max-old-space-size=512' }, { NODE_OPTIONS: '--test-reporter=x' }, [
      'NODE_OPTIONS',
    ]);
    assert.equal(env.NODE_OPTIONS, '--max-old-space-size=512 --test-reporter=x');
    assert.equal(sandboxEnv({ NODE_OPTIONS: '--require evil' }).NODE_OPTIONS, undefined);
  });

  it('checks the names a user passes: bad names and the model key in one line each', () => {
    const checked = checkPassedEnv(['DATABASE_URL', 'DATABASE_URL', 'A=b', 7, 'SELF_REPAIR_API_KEY']);
    assert.deepEqual(checked.names, ['DATABASE_URL']);
    assert.equal(checked.warnings.length, 3);
    assert.match(checked.warnings[0]!, /not a variable name: "A=b".*set its value in your environment/);
    assert.match(checked.warnings[1]!, /not a variable name: 7/);
    assert.match(
      checked.warnings[2]!,
      /SELF_REPAIR_API_KEY is not passed to the tests: the model's key never reaches them/,
    );
    assert.equal(envNameProblem('GH_PAT'), undefined);
  });

  it('asks for plain, unbuffered output', () => {
    const env = sandboxEnv({ FORCE_COLOR: '3', NO_COLOR: '' });
    assert.equal(env.NO_COLOR, '1');
    assert.equal(env.FORCE_COLOR, '0');
    assert.equal(env.PYTHONDONTWRITEBYTECODE, '1');
    assert.equal(env.PYTHONUNBUFFERED, '1');
  });

  it('applies the extra variables last', () => {
    const env = sandboxEnv(base, { PYTHONUNBUFFERED: '0', CI: 'true' });
    assert.equal(env.PYTHONUNBUFFERED, '0');
    assert.equal(env.CI, 'true');
  });
});

describe('environment of a command run by ProcessRunner', () => {
  const names = ['SELF_REPAIR_API_KEY', 'OPENAI_API_KEY', 'DATABASE_URL', 'GH_PAT'] as const;
  const saved = names.map((name) => process.env[name]);

  before(() => {
    process.env.SELF_REPAIR_API_KEY = 'sk-parent-self-repair-secret';
    process.env.OPENAI_API_KEY = 'sk-parent-openai-secret';
    process.env.DATABASE_URL = 'postgres://u:pw@h/db';
    process.env.GH_PAT = 'ghp_parent_secret';
  });
  after(() => {
    names.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
  });

  it('does not contain the model keys set in the parent', async () => {
    const result = await new ProcessRunner().run({ command: 'env', cwd: os.tmpdir(), timeoutMs: 30_000 });
    assert.equal(result.exitCode, 0);
    assert.doesNotMatch(result.output, /SELF_REPAIR_API_KEY|OPENAI_API_KEY|sk-parent/);
    assert.match(result.output, /^NO_COLOR=1$/m);
    assert.match(result.output, /^PATH=/m);
  });

  it('has neither DATABASE_URL nor GH_PAT, in the command or in its children, unless passed by name', async () => {
    const command = 'env; sh -c env';
    const plain = await new ProcessRunner().run({ command, cwd: os.tmpdir(), timeoutMs: 30_000 });
    assert.doesNotMatch(plain.output, /DATABASE_URL|GH_PAT|pw@h|ghp_parent/);
    const passed = await new ProcessRunner({ passEnv: ['DATABASE_URL', 'SELF_REPAIR_API_KEY'] }).run({
      command,
      cwd: os.tmpdir(),
      timeoutMs: 30_000,
    });
    assert.equal(passed.output.match(/^DATABASE_URL=postgres:\/\/u:pw@h\/db$/gm)?.length, 2, passed.output);
    assert.doesNotMatch(passed.output, /GH_PAT|SELF_REPAIR_API_KEY|sk-parent/);
  });
});
