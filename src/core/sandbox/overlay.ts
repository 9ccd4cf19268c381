import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { copyUpper, overlayLayers, removeLayers, scanUpper, type OverlayLayers } from './overlay-layers';
import { isInside, resolveInside, toPosix, walkProjectFiles, type ListProjectFilesOptions } from './tree';
import type { Sandbox } from './types';
import { shellWrap, type Launch, type Wrap, type WrapRequest } from './wrap';

const run = promisify(execFile);
const MAX_LINK_HOPS = 40;

/**
 * Runs inside a new user + mount namespace: mounts the overlay at the view's root, shows the view at the
 * project's own path too (so absolute paths, `..` and links into the project never reach the user's files),
 * then starts the command.
 */
const ENTER_SCRIPT = [
  'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3,userxattr" "$4" || exit 125',
  'mount --bind "$4" "$1" || exit 125',
  'cd "$5" || exit 125',
  'shift 5',
  'exec "$@"',
].join('\n');

/** The program line that runs `request` (as `inner` starts it) inside the overlay of `layers` over `lower`. */
export function overlayLaunch(
  layers: OverlayLayers,
  lower: string,
  request: WrapRequest,
  inner: Wrap,
  unshare: string,
): Launch {
  const launch = inner(request);
  return {
    file: unshare,
    args: [
      '--user',
      '--map-root-user',
      '--mount',
      '--',
      '/bin/sh',
      '-c',
      ENTER_SCRIPT,
      'self-repair-view',
      lower,
      layers.upper,
      layers.work,
      layers.root,
      request.cwd,
      ...asOwnUser(unshare),
      launch.file,
      ...launch.args,
    ],
  };
}

/**
 * Mounting needs root in the namespace; the command runs as the user's own uid again, in a nested user
 * namespace, which also locks the mounts so it cannot unmount them to get at what lies below. A user who
 * is root already gains nothing from either and is spared the extra program.
 */
function asOwnUser(unshare: string): string[] {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return [];
  return [unshare, '--user', `--map-user=${uid}`, `--map-group=${process.getgid?.() ?? uid}`, '--'];
}

/** Views whose commands must enter their namespace, by root; see launchFor. */
const liveViews = new Map<string, OverlaySandbox>();

/**
 * How to start a command: inside the overlay view its cwd belongs to (around `wrap`), else as `wrap`
 * says. An overlay's root is an empty folder outside its namespace, so every runner must go through this.
 */
export function launchFor(request: WrapRequest, wrap: Wrap = shellWrap): Launch {
  for (const [root, view] of liveViews) {
    if (request.cwd === root || isInside(root, request.cwd)) return view.enter(request, wrap);
  }
  return wrap(request);
}

/** The live overlay view whose root is `root`, if any. */
export function overlayAt(root: string): OverlaySandbox | undefined {
  return liveViews.get(path.resolve(root));
}

/** Where a view path leads: a layer holding it, nothing (absent or deleted), or a place outside the view. */
type Location = { rel: string; layer?: 'upper' | 'lower' } | { outside: string };

/**
 * The project seen through a kernel overlay: reads fall through to the project (the lower layer, never
 * written), writes land in a private upper folder. The host reads and writes the layers directly; the
 * merged view exists only for commands started through launchFor.
 *
 * Limits of the host's reading: whiteouts (files a command deleted) are honoured, opaque folders (a folder
 * deleted and made again inside the view) are not, and files a base run deleted reappear in its clones.
 */
export class OverlaySandbox implements Sandbox {
  readonly kind = 'overlay' as const;
  readonly root: string;
  private disposing?: Promise<void>;

  private constructor(
    private readonly layers: OverlayLayers,
    /** The project: the overlay's read-only lower layer. */
    readonly lower: string,
    private readonly unshare: string,
  ) {
    this.root = layers.root;
  }

  /** A new view over `lower`, starting from a copy of `from`'s changes when given. */
  static async create(lower: string, tmpDir: string, unshare: string, from?: OverlaySandbox): Promise<OverlaySandbox> {
    const layers = await overlayLayers(tmpDir);
    const view = new OverlaySandbox(layers, lower, unshare);
    try {
      if (from) await copyUpper(from.layers.upper, layers.upper);
    } catch (error) {
      await removeLayers(layers);
      throw error;
    }
    liveViews.set(view.root, view);
    return view;
  }

  enter(request: WrapRequest, inner: Wrap): Launch {
    return overlayLaunch(this.layers, this.lower, request, inner, this.unshare);
  }

  /** A new view over the same project that starts with this one's changes. */
  clone(): Promise<OverlaySandbox> {
    return OverlaySandbox.create(this.lower, path.dirname(this.layers.dir), this.unshare, this);
  }

  async readFile(relPath: string): Promise<string> {
    const where = await this.locate(relPath);
    if ('outside' in where) return fs.readFile(where.outside, 'utf8');
    if (!where.layer)
      throw Object.assign(new Error(`ENOENT: no such file in the sandbox: ${relPath}`), { code: 'ENOENT' });
    return fs.readFile(path.join(where.layer === 'upper' ? this.layers.upper : this.lower, where.rel), 'utf8');
  }

  async writeFile(relPath: string, content: string): Promise<void> {
    const where = await this.locate(relPath);
    if ('outside' in where)
      throw new Error(`cannot write ${relPath}: it leads outside the sandbox (through a symlink)`);
    const target = path.join(this.layers.upper, where.rel);
    await this.clearWhiteouts(where.rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, 'utf8');
    // A copied-up file keeps its mode (an executable script stays executable).
    if (where.layer === 'lower')
      await fs.chmod(target, (await fs.stat(path.join(this.lower, where.rel))).mode & 0o7777);
  }

  async listFiles(options: ListProjectFilesOptions = {}): Promise<string[]> {
    const [below, above] = await Promise.all([walkProjectFiles(this.lower, options), scanUpper(this.layers.upper)]);
    const hiddenBy = (file: string): boolean => {
      for (let cut = file.length; cut > 0; cut = file.lastIndexOf('/', cut - 1)) {
        if (above.hiding.has(file.slice(0, cut))) return true;
      }
      return false;
    };
    const files = new Set(below.filter((file) => !hiddenBy(file)));
    for (const file of above.files) files.add(file);
    return [...files].sort().slice(0, options.maxFiles ?? Infinity);
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      liveViews.delete(this.root);
      await removeLayers(this.layers);
    })();
    return this.disposing;
  }

  /** Resolves a view path layer by layer, following links the way the merged view would. */
  private async locate(relPath: string): Promise<Location> {
    let pending = toPosix(path.relative(this.root, resolveInside(this.root, relPath))).split('/');
    let done: string[] = [];
    let lowerVisible = true;
    let layer: 'upper' | 'lower' | undefined;
    for (let hops = 0; pending.length > 0;) {
      const rel = [...done, pending[0]!].join('/');
      const upper = await lstatIfAny(path.join(this.layers.upper, rel));
      const lower = !upper && lowerVisible ? await lstatIfAny(path.join(this.lower, rel)) : undefined;
      const entry = upper && isWhiteout(upper) ? undefined : (upper ?? lower);
      layer = entry ? (upper ? 'upper' : 'lower') : undefined;
      if (upper && !upper.isDirectory()) lowerVisible = false;
      if (!entry) return { rel: [...done, ...pending].join('/') };
      if (entry.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) throw new Error(`too many symbolic links in the sandbox path: ${relPath}`);
        const linkPath = path.join(layer === 'upper' ? this.layers.upper : this.lower, rel);
        const target = this.inView(path.resolve(path.join(this.root, ...done), await fs.readlink(linkPath)));
        if (target !== this.root && !isInside(this.root, target))
          return { outside: path.join(target, ...pending.slice(1)) };
        pending = [...toPosix(path.relative(this.root, target)).split('/').filter(Boolean), ...pending.slice(1)];
        done = [];
        lowerVisible = true;
        continue;
      }
      done.push(pending.shift()!);
    }
    return { rel: done.join('/'), ...(layer ? { layer } : {}) };
  }

  /** Inside the namespace the project's own path shows the view, so absolute links into it stay in the view. */
  private inView(target: string): string {
    return target === this.lower || isInside(this.lower, target)
      ? path.join(this.root, path.relative(this.lower, target))
      : target;
  }

  /** A whiteout on the way to a written file would keep hiding it; the lower folder shows through again. */
  private async clearWhiteouts(rel: string): Promise<void> {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const at = path.join(this.layers.upper, ...parts.slice(0, i));
      const info = await lstatIfAny(at);
      if (!info) return;
      if (isWhiteout(info)) await fs.unlink(at);
    }
  }
}

/** A refused overlay says why; undefined when a probe mount over `lower` worked. Cached per place. */
const probes = new Map<string, Promise<string | undefined>>();

export function overlayRefusal(lower: string, tmpDir: string, unshare: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return Promise.resolve('overlay views need Linux');
  const odd = [lower, tmpDir].find((dir) => /[,:\\\n]/.test(dir));
  if (odd) return Promise.resolve(`overlay mount options cannot carry this path: ${odd}`);
  if (tmpDir === lower || isInside(lower, tmpDir)) return Promise.resolve('the temp folder lies inside the project');
  const key = [lower, tmpDir, unshare].join('\0');
  let probe = probes.get(key);
  if (!probe) probes.set(key, (probe = probeOverlay(lower, tmpDir, unshare)));
  return probe;
}

async function probeOverlay(lower: string, tmpDir: string, unshare: string): Promise<string | undefined> {
  const layers = await overlayLayers(tmpDir, 'self-repair-probe-');
  try {
    const request = { command: ': > .self-repair-probe', cwd: layers.root, env: {} };
    const launch = overlayLaunch(layers, lower, request, shellWrap, unshare);
    await run(launch.file, launch.args, { cwd: layers.root, timeout: 10_000 });
    const written = await lstatIfAny(path.join(layers.upper, '.self-repair-probe'));
    return written ? undefined : 'the probe overlay did not take a write';
  } catch (error) {
    const failure = error as { stderr?: string; message?: string };
    const line = (failure.stderr || failure.message || String(error)).trim().split('\n').pop();
    return `user namespaces or overlay mounts are refused here (${line})`;
  } finally {
    await removeLayers(layers);
  }
}

async function lstatIfAny(file: string): Promise<Stats | undefined> {
  return fs.lstat(file).catch(() => undefined);
}

/** Overlayfs marks a deleted entry with a 0:0 character device in the upper layer. */
export function isWhiteout(info: Stats): boolean {
  return info.isCharacterDevice() && info.rdev === 0;
}
