/**
 * One describe block = one code-server + one browser on a fresh copy of a sample project. A flow
 * writes `const session = useSession({ project: 'python-buggy' })` at the top of its describe and
 * reads `session().workbench` etc. in its tests. A failed test leaves a screenshot, the browser's
 * console and code-server's logs (extension host, output channels) under test-results/e2e/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { copyProject } from '../../support/projects';
import { startCodeServer, type CodeServer } from './codeServer';
import { RESULTS_DIR, VSIX_PATH } from './paths';
import { slug, Workbench } from './workbench';

export interface SessionOptions {
  /** A folder of test/fixtures/projects, copied so the flow may change it. */
  project: string;
  /** Default true. false opens the copy in Restricted Mode. */
  trusted?: boolean;
  /**
   * Merged into the user's settings.json. A function is called when the session starts, after the
   * describe's earlier `before` hooks: e.g. one that started a scripted model server and knows its url.
   */
  userSettings?: Record<string, unknown> | (() => Record<string, unknown>);
  env?: Record<string, string>;
  /** Folders of further extensions installed next to Self-repair (see CodeServerOptions.extensions). */
  extensions?: string[];
}

export interface Session {
  server: CodeServer;
  workbench: Workbench;
  /** The copy of the project that VS Code has open. */
  workspace: string;
}

export function useSession(options: SessionOptions): () => Session {
  let current: Session | undefined;
  let removeCopy: (() => Promise<void>) | undefined;

  before(async function () {
    const copy = await copyProject(options.project);
    removeCopy = copy.remove;
    const server = await startCodeServer({
      vsix: VSIX_PATH,
      workspace: copy.root,
      trusted: options.trusted,
      userSettings: typeof options.userSettings === 'function' ? options.userSettings() : options.userSettings,
      env: options.env,
      extensions: options.extensions,
    });
    try {
      current = { server, workbench: await Workbench.open(server.url), workspace: copy.root };
    } catch (error) {
      await server.saveLogs(path.join(RESULTS_DIR, `${slug(this.test?.parent?.fullTitle() ?? 'session')}-logs`));
      await server.stop();
      throw error;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !current) return;
    const name = `FAILED-${slug(this.currentTest.fullTitle())}`;
    await current.workbench.screenshot(name).catch(() => undefined);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(path.join(RESULTS_DIR, `${name}-browser.log`), current.workbench.browserLog.join('\n'));
    await current.server.saveLogs(path.join(RESULTS_DIR, `${name}-logs`));
  });

  after(async () => {
    try {
      await current?.workbench.close();
    } finally {
      await current?.server.stop();
      await removeCopy?.();
      current = undefined;
    }
  });

  return () => {
    if (!current)
      throw new Error('the E2E session has not started: call session() inside a test, not at describe level');
    return current;
  };
}
