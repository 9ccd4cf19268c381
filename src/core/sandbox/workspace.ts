import * as os from 'node:os';
import * as path from 'node:path';
import { CopiedSandbox, copyInto } from './copy';
import { sweepLeftoverCopiesOnce } from './leftovers';
import { OverlaySandbox, overlayAt } from './overlay';
import { realDirectory, walkProjectFiles, type ListProjectFilesOptions } from './tree';
import type { Sandbox } from './types';
import { chooseView, type SandboxViewChoice } from './views';

export { SKIPPED_NAMES, type ListProjectFilesOptions } from './tree';

export interface CreateSandboxOptions {
  /** Extra names (any depth) or project-relative POSIX paths to leave out; this takes a copy. */
  exclude?: string[];
  /** Parent folder for the sandbox; defaults to the system temp folder. */
  tmpDir?: string;
  /** Default: $SELF_REPAIR_SANDBOX_VIEW, else 'auto': an overlay, else reflinks, else a copy. */
  view?: SandboxViewChoice;
  /** util-linux `unshare`, which enters the overlay's namespaces (default: found on PATH). */
  unshare?: string;
}

/**
 * A private, writable view of the project; the user's files are only read. An overlay costs the same
 * for any size of project; reflinks and copies walk it.
 */
export async function createSandbox(projectRoot: string, options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const source = await realDirectory(projectRoot);
  const exclude = options.exclude ?? [];
  const tmpDir = path.resolve(options.tmpDir ?? os.tmpdir());
  sweepLeftoverCopiesOnce(tmpDir);
  const unshare = options.unshare ?? 'unshare';
  const decision = await chooseView(source, tmpDir, {
    exclude,
    unshare,
    ...(options.view ? { view: options.view } : {}),
  });
  if (decision.kind === 'overlay') return OverlaySandbox.create(source, tmpDir, unshare);
  return copyInto(source, {
    kind: decision.kind,
    exclude,
    tmpDir,
    ...(decision.fallback ? { fallback: decision.fallback } : {}),
  });
}

/** A new, independent sandbox with `from`'s changes (e.g. one per candidate patch), made next to it. */
export async function cloneSandbox(from: Sandbox): Promise<Sandbox> {
  if (from instanceof OverlaySandbox) return from.clone();
  const copied = from instanceof CopiedSandbox ? from : undefined;
  return copyInto(await realDirectory(from.root), {
    kind: copied?.kind ?? 'copy',
    exclude: copied?.exclude ?? [],
    tmpDir: path.dirname(from.root),
  });
}

/**
 * Project-relative POSIX paths of regular files, sorted, leaving out caches and dependency folders. The
 * root of a live overlay is listed through its layers (it is an empty folder outside its namespace).
 */
export async function listProjectFiles(root: string, options: ListProjectFilesOptions = {}): Promise<string[]> {
  const view = overlayAt(root);
  if (view) return view.listFiles(options);
  return walkProjectFiles(await realDirectory(root), options);
}
