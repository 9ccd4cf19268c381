/**
 * A real VS Code (code-server, installed by `npm run setup:e2e`) serving one workspace, with the
 * packaged extension installed into a fresh, throw-away profile.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CODE_SERVER_ENTRY, NODE24, REPO_ROOT } from './paths';

export interface CodeServerOptions {
  /** The .vsix to install (normally VSIX_PATH). */
  vsix: string;
  /** The folder to open. It is used in place: pass a copy. */
  workspace: string;
  /** Merged over the suite's defaults into `User/settings.json`. */
  userSettings?: Record<string, unknown>;
  /**
   * true (default): Workspace Trust is switched off for the session, so the folder is trusted.
   * false: the folder opens in Restricted Mode (`vscode.workspace.isTrusted === false`), without
   * the startup dialog.
   */
  trusted?: boolean;
  /** Extra environment for code-server and so for the extension host and what it spawns. */
  env?: Record<string, string>;
  /**
   * Folders of further extensions to install next to `vsix` (plain JavaScript, nothing to build,
   * e.g. test/e2e/fixtures/foreign-controller): each is packed with vsce first.
   */
  extensions?: string[];
}

export interface CodeServer {
  /** The workbench with the workspace open. */
  url: string;
  port: number;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Copies code-server's logs (extension host, output channels, ...) into dir. */
  saveLogs(dir: string): Promise<void>;
  /** Kills code-server's whole process group and removes the profile. Safe to call twice. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

const STARTUP_TIMEOUT_MS = 120_000;

/** Settings that keep first-run noise (welcome page, tips, chat, update checks) off the screen. */
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  // Untrusted sessions open straight into Restricted Mode instead of asking.
  'security.workspace.trust.startupPrompt': 'never',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  for (const [file, hint] of [
    [CODE_SERVER_ENTRY, 'run `npm run setup:e2e`'],
    [NODE24, 'run `npm run setup:e2e`'],
    [options.vsix, 'run `npm run package`'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
  }
  const trusted = options.trusted ?? true;
  // Not under the `self-repair-` prefix: test/support counts processes there as sandbox leftovers.
  const root = await mkdtemp(path.join(os.tmpdir(), 'e2e-code-server-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const configFile = path.join(root, 'config.yaml');
  // Own XDG folders: code-server keeps a session socket there and would hand the folder to any
  // other running instance instead of serving it; they also keep ~/.config and ~/.local clean.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  await mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await writeFile(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.userSettings }, null, 2),
  );
  await writeFile(configFile, 'auth: none\ncert: false\n');

  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  let installing = options.vsix;
  try {
    const vsixes = [options.vsix];
    for (const folder of options.extensions ?? []) {
      installing = folder;
      vsixes.push(await packExtension(folder, root));
    }
    installing = vsixes.join(', ');
    await execFileAsync(
      NODE24,
      [CODE_SERVER_ENTRY, ...common, ...vsixes.flatMap((vsix) => ['--install-extension', vsix])],
      { env, cwd: root, timeout: STARTUP_TIMEOUT_MS },
    );
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`installing ${installing} into code-server failed: ${(stderr || stdout).trim()}`, {
      cause: error,
    });
  }

  const port = await freePort();
  const args = [
    CODE_SERVER_ENTRY,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    options.workspace,
  ];
  // A group of its own, so stop() ends the extension host and every process it started too.
  const child = spawn(NODE24, args, { env, cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process ends without stop() (a crash, Ctrl+C), take code-server and the profile along.
  const killOnExit = (): void => {
    killGroup(child, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    killGroup(child, 'SIGTERM');
    const gone = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
    // The extension host may outlive its parent for a moment; end the whole group regardless.
    killGroup(child, 'SIGKILL');
    if (!gone) await exited;
    await rm(root, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(port, exited, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    port,
    workspace: options.workspace,
    userDataDir,
    extensionsDir,
    output: () => output,
    saveLogs: async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'code-server.txt'), output);
      const logs = path.join(userDataDir, 'logs');
      if (existsSync(logs)) await cp(logs, path.join(dir, 'logs'), { recursive: true });
    },
    stop,
  };
}

/** The version line code-server prints, e.g. "4.139.1 … with Code 1.139.1". */
export async function codeServerVersion(): Promise<string> {
  const { stdout } = await execFileAsync(NODE24, [CODE_SERVER_ENTRY, '--version']);
  return stdout.trim();
}

/** Packs an extension folder into `<dir>/<folder name>.vsix` with the project's vsce; returns that path. */
async function packExtension(folder: string, dir: string): Promise<string> {
  const out = path.join(dir, `${path.basename(folder)}.vsix`);
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const flags = ['--no-dependencies', '--allow-missing-repository', '--skip-license'];
  await execFileAsync(vsce, ['package', ...flags, '--out', out], { cwd: folder, timeout: STARTUP_TIMEOUT_MS });
  return out;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilServing(port: number, exited: Promise<void>, output: () => string): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`code-server exited before serving:\n${output().trim()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(250);
  }
  throw new Error(
    `code-server did not answer on port ${port} within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output().trim()}`,
  );
}
