import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { ProcessRunner, sandboxEnv } from '../../../src/core/sandbox';

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

  it('drops the model key and other secrets but keeps ordinary variables', () => {
    const env = sandboxEnv(base);
    assert.deepEqual(Object.keys(env).sort(), [
      'FORCE_COLOR',
      'HOME',
      'KEYBOARD_LAYOUT',
      'LANG',
      'NO_COLOR',
      'PATH',
      'PYTHONDONTWRITEBYTECODE',
      'PYTHONUNBUFFERED',
    ]);
    assert.equal(env.PATH, '/usr/bin:/bin');
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
  const names = ['SELF_REPAIR_API_KEY', 'OPENAI_API_KEY'] as const;
  const saved = names.map((name) => process.env[name]);

  before(() => {
    process.env.SELF_REPAIR_API_KEY = 'sk-parent-self-repair-secret';
    process.env.OPENAI_API_KEY = 'sk-parent-openai-secret';
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
});
