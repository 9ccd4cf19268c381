import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { progressPrinter } from '../../src/cli/progress';
import type { RepairEvent } from '../../src/core/repair/types';
import { copyProject } from '../support/projects';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/**
 * A TCP server that takes connections and answers with `answer` (nothing at all when undefined), then
 * keeps them open without another byte: an endpoint that stalls.
 */
async function stallingServer(answer?: string): Promise<{ url: string; requests: () => number; close(): void }> {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // Read the request, so the client is not held up writing it; answer once it has arrived.
    socket.once('data', (data) => {
      if (String(data).startsWith('POST ')) requests++;
      if (answer) socket.write(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Headers and the first event of a streamed reply, then silence. */
const HEADERS_THEN_SILENCE =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n' +
  chunk(
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me' }, finish_reason: null }] })}\n\n`,
  );

function chunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

async function cli(args: string[]): Promise<{ exitCode?: number; stdout: string; stderr: string; ms: number }> {
  const { execa } = await import('execa');
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (/^(SELF_REPAIR_|OPENAI_)/.test(name)) env[name] = undefined;
  const started = Date.now();
  const result = await execa('node', [CLI, ...args], {
    reject: false,
    env,
    extendEnv: false,
    timeout: 120_000,
    encoding: 'utf8',
  });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    ms: Date.now() - started,
  };
}

describe('a stalled model endpoint (the CLI against a real TCP server that goes silent)', function () {
  this.timeout(120_000);
  let project: Awaited<ReturnType<typeof copyProject>>;

  before(async () => {
    if (!existsSync(CLI)) {
      const { execa } = await import('execa');
      await execa('node', ['esbuild.mjs'], { cwd: ROOT });
    }
    project = await copyProject('python-buggy');
  });
  after(() => project.remove());

  const cases = [
    { what: 'accepts the connection and never answers', answer: undefined, says: /no answer within 2 s/ },
    { what: 'sends headers and a first token, then stalls', answer: HEADERS_THEN_SILENCE, says: /stalled for 2 s/ },
  ];
  for (const { what, answer, says } of cases) {
    it(`${what}: exit 2, one line naming the stall, no retry, long before the old 240 s`, async () => {
      const server = await stallingServer(answer);
      try {
        const run = await cli(['repair', project.root, '--base-url', server.url, '--model-timeout', '2', '--json']);
        assert.equal(run.exitCode, 2, run.stderr);
        const errors = run.stderr.split('\n').filter((line) => line.startsWith('error'));
        assert.equal(errors.length, 1, run.stderr);
        assert.match(errors[0]!, /^error: cannot reach the model endpoint at http:\/\/127\.0\.0\.1:\d+\/v1 \(/);
        assert.match(errors[0]!, says);
        const out = JSON.parse(run.stdout) as { status: string; message: string };
        assert.equal(out.status, 'error');
        assert.match(out.message, says);
        assert.equal(server.requests(), 1, 'a stall is not retried');
        // Generous: the point is seconds (the test run, then a 2 s silence), not the minutes it used to take.
        assert.ok(run.ms < 60_000, `took ${run.ms} ms`);
      } finally {
        server.close();
      }
    });
  }
});

describe('the CLI says it is waiting for the model', () => {
  const waiting = (elapsedMs: number, candidate = 1): RepairEvent => ({
    type: 'request-waiting',
    turn: 1,
    candidate,
    elapsedMs,
  });

  it('in a log: a line every ten seconds, not every second', () => {
    let out = '';
    const print = progressPrinter((text) => (out += text), { model: 'm', live: false });
    for (let s = 1; s <= 25; s++) print(waiting(s * 1000 + 3));
    assert.deepEqual(out.split('\n').filter(Boolean), [
      '  candidate 1: waiting for the model (10 s)',
      '  candidate 1: waiting for the model (20 s)',
    ]);
  });

  it('on a terminal: one line rewritten in place, replaced by the next line', () => {
    let out = '';
    const print = progressPrinter((text) => (out += text), { model: 'm', live: true });
    print(waiting(1000));
    print(waiting(2000));
    print({ type: 'turn-started', turn: 2, maxTurns: 4 });
    assert.equal(
      out,
      '\r\x1b[2K  candidate 1: waiting for the model (1 s)' +
        '\r\x1b[2K  candidate 1: waiting for the model (2 s)' +
        '\r\x1b[2Kturn 2/4: asking m\n',
    );
  });
});
