/**
 * The first repair without an API key. Against an endpoint off this machine (here the scripted
 * model server behind a forwarder on this machine's network address, requiring a key), clicking
 * the lens asks for the key at once; cancelling ends quietly with nothing sent; typing the key
 * starts the same repair with it. A server on 127.0.0.1 needs no key and is never asked for one.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { useSession } from './support/session';
import { waitUntil, type Workbench } from './support/workbench';

const KEY = 'sk-e2e-typed-by-hand';
const KEY_PROMPT = '.quick-input-widget';
const NO_KEY_ENV = { SELF_REPAIR_API_KEY: '', OPENAI_API_KEY: '' };
/** A whole repair (baseline, a model turn, verification) on a machine that may be very busy. */
const REPAIR_WAIT_MS = 240_000;
const PASSING = ['test_median_odd', 'test_median_even', 'test_median_single'];

/** This machine's first IPv4 address that is not loopback: an endpoint that counts as remote. */
function networkAddress(): string | undefined {
  const all = Object.values(os.networkInterfaces()).flatMap((addresses) => addresses ?? []);
  return all.find((a) => a.family === 'IPv4' && !a.internal)?.address;
}

/** Passes TCP connections on `host` through to 127.0.0.1:`port`; close() ends them all. */
async function forwarder(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('close', () => sockets.delete(end));
      end.on('error', () => (end === socket ? upstream : socket).destroy());
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the first repair with no API key, against an endpoint off this machine (python-buggy)', function () {
  this.timeout(600_000);
  const host = networkAddress();
  let model: ScriptedModelServer;
  let relay: Awaited<ReturnType<typeof forwarder>> | undefined;

  before(async function () {
    // Without a network address every endpoint on this machine is loopback, which needs no key.
    if (!host) this.skip();
    model = await ScriptedModelServer.start({ apiKey: KEY, replies: [reply('python-mean-search-replace')] });
    relay = await forwarder(host, Number(new URL(model.url).port));
  });
  after(async () => {
    await relay?.close();
    await model?.close();
  });

  const session = useSession({
    project: 'python-buggy',
    env: NO_KEY_ENV,
    userSettings: () => ({
      'selfRepair.baseUrl': `http://${host}:${relay!.port}/v1`,
      'selfRepair.model': 'scripted-coder',
    }),
  });

  it('shows the lens over the failing test', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('tests/test_core.py', { failed: ['test_mean'], passed: PASSING });
    await workbench.codeLensesIn('tests/test_core.py', /Self-repair/);
  });

  it('clicking the lens asks for the key at once; cancelling says so in one line and sends nothing', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Self-repair/)).click();
    const prompt = workbench.page.locator(KEY_PROMPT).filter({ hasText: 'Self-repair: API Key' });
    await prompt.waitFor();
    assert.match(await prompt.innerText(), /the repair starts once it is set/);
    await workbench.screenshot('key-prompt');
    await workbench.page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'hidden' });
    await workbench.waitForNotification(/^Self-repair: no API key set, so nothing ran/);
    assert.equal(model.requests.length, 0);
    assert.doesNotMatch(await workbench.statusBarText(), /turn 1/);
  });

  it('typing the key starts the same repair, which sends that key and ends fixed', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Self-repair/)).click();
    await workbench.page.locator(KEY_PROMPT).filter({ hasText: 'Self-repair: API Key' }).waitFor();
    await workbench.answerInput(KEY);
    await waitUntil(async () => model.requests.length > 0, 'the repair to ask the model', REPAIR_WAIT_MS);
    assert.equal(model.requests[0]!.headers.authorization, `Bearer ${KEY}`);
    assert.match(JSON.stringify(model.requests[0]!.body?.messages), /test_mean/);
    // The candidate is shown for review only once its tests pass: the repair went through with the typed key.
    await waitForReview(workbench);
    assert.equal(model.requests.length, 1);
  });
});

describe('a model server on this machine never asks for a key (python-buggy)', function () {
  this.timeout(600_000);
  let model: ScriptedModelServer;

  before(async () => {
    model = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')] });
  });
  after(async () => {
    await model?.close();
  });

  const session = useSession({
    project: 'python-buggy',
    env: NO_KEY_ENV,
    userSettings: () => ({ 'selfRepair.baseUrl': model.url, 'selfRepair.model': 'scripted-coder' }),
  });

  it('clicking the lens repairs at once, no key asked for at any moment', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('tests/test_core.py', { failed: ['test_mean'], passed: PASSING });
    await workbench.codeLensesIn('tests/test_core.py', /Self-repair/);
    // Remembers whether a key prompt ever showed, however briefly, from here to the end.
    await workbench.page.evaluate(`(() => {
      window.__keyAsked = false;
      new MutationObserver(() => {
        if ([...document.querySelectorAll('${KEY_PROMPT}')].some((w) => w.textContent.includes('API Key')))
          window.__keyAsked = true;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    await (await workbench.waitForCodeLens(/Self-repair/)).click();
    await waitForReview(workbench);
    assert.equal(await workbench.page.evaluate('window.__keyAsked'), false);
    assert.equal(model.requests.length, 1);
    assert.equal(model.requests[0]!.headers.authorization, 'Bearer not-needed');
  });
});

/** Waits until the verified candidate is under review in the editor (the default, inline review). */
async function waitForReview(workbench: Workbench): Promise<void> {
  const reviewing = /reviewing candidate 1\/1 \(4\/4 tests pass\)/;
  await waitUntil(
    async () => reviewing.test(await workbench.statusBarText()),
    'the candidate under review',
    REPAIR_WAIT_MS,
  );
  await workbench.waitForCodeLens(/Accept/);
}
