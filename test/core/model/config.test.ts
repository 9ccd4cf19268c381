import assert from 'node:assert/strict';
import { isLoopbackUrl, resolveModelConfig } from '../../../src/core/model/config';
import { ModelError } from '../../../src/core/model/types';

describe('resolveModelConfig', () => {
  it('prefers explicit values over SELF_REPAIR_* and OPENAI_API_KEY', () => {
    const env = {
      SELF_REPAIR_BASE_URL: 'https://env.example/v1',
      SELF_REPAIR_MODEL: 'env-model',
      SELF_REPAIR_API_KEY: 'env-key',
      OPENAI_API_KEY: 'openai-key',
    };
    assert.deepEqual(
      resolveModelConfig({
        baseUrl: 'https://explicit.example/v1',
        model: 'explicit-model',
        apiKey: 'explicit-key',
        env,
      }),
      { baseUrl: 'https://explicit.example/v1', model: 'explicit-model', apiKey: 'explicit-key' },
    );
  });

  it('falls back to SELF_REPAIR_* variables, with SELF_REPAIR_API_KEY before OPENAI_API_KEY', () => {
    const env = {
      SELF_REPAIR_BASE_URL: 'https://env.example/v1',
      SELF_REPAIR_MODEL: 'env-model',
      SELF_REPAIR_API_KEY: 'env-key',
      OPENAI_API_KEY: 'openai-key',
    };
    assert.deepEqual(resolveModelConfig({ env }), {
      baseUrl: 'https://env.example/v1',
      model: 'env-model',
      apiKey: 'env-key',
    });
  });

  it('uses OPENAI_API_KEY when no SELF_REPAIR_API_KEY is set, and defaults to OpenAI and gpt-4o-mini', () => {
    assert.deepEqual(resolveModelConfig({ env: { OPENAI_API_KEY: 'openai-key' } }), {
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: 'openai-key',
    });
  });

  it('never takes the base URL from OPENAI_BASE_URL', () => {
    const config = resolveModelConfig({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'k' } });
    assert.equal(config.baseUrl, 'https://api.openai.com/v1');
  });

  it('treats empty settings and variables as unset', () => {
    const config = resolveModelConfig({
      baseUrl: '',
      model: ' ',
      apiKey: '',
      env: { SELF_REPAIR_API_KEY: '', OPENAI_API_KEY: 'openai-key', SELF_REPAIR_MODEL: '' },
    });
    assert.deepEqual(config, { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: 'openai-key' });
  });

  it('refuses a remote endpoint without a key, with a message that says how to fix it', () => {
    assert.throws(
      () => resolveModelConfig({ env: {} }),
      (error: unknown) =>
        error instanceof ModelError &&
        error.kind === 'missing-key' &&
        error.message === 'no API key: set SELF_REPAIR_API_KEY (or OPENAI_API_KEY), or use "Set API Key"',
    );
    assert.throws(() => resolveModelConfig({ baseUrl: 'https://my-vllm.example.com/v1', env: {} }), /no API key/);
  });

  for (const baseUrl of [
    'http://localhost:11434/v1',
    'http://127.0.0.1:1234/v1',
    'http://127.1.2.3:8000/v1',
    'http://[::1]:8080/v1',
  ]) {
    it(`needs no key for the loopback endpoint ${baseUrl}`, () => {
      const config = resolveModelConfig({ baseUrl, env: {} });
      assert.equal(config.baseUrl, baseUrl);
      assert.equal(config.apiKey, 'not-needed');
    });
  }

  it('still sends a configured key to a loopback endpoint', () => {
    const config = resolveModelConfig({ baseUrl: 'http://localhost:1234/v1', env: { SELF_REPAIR_API_KEY: 'lm-key' } });
    assert.equal(config.apiKey, 'lm-key');
  });

  it('does not treat look-alike hosts as loopback', () => {
    assert.equal(isLoopbackUrl('http://localhost.evil.example/v1'), false);
    assert.equal(isLoopbackUrl('http://127.0.0.1.nip.io/v1'), false);
    assert.equal(isLoopbackUrl('http://10.0.0.5:11434/v1'), false);
  });

  it('drops trailing slashes from the base URL', () => {
    assert.equal(
      resolveModelConfig({ baseUrl: 'http://localhost:11434/v1/', env: {} }).baseUrl,
      'http://localhost:11434/v1',
    );
  });

  for (const baseUrl of ['localhost:11434', 'not a url', 'ftp://example.com/v1']) {
    it(`rejects the base URL "${baseUrl}" in one line`, () => {
      assert.throws(
        () => resolveModelConfig({ baseUrl, apiKey: 'k', env: {} }),
        (error: unknown) =>
          error instanceof ModelError &&
          error.message.startsWith(`invalid model base URL "${baseUrl}"`) &&
          !error.message.includes('\n'),
      );
    });
  }
});
