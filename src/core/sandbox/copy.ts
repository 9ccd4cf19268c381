import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  classify,
  isInside,
  lexists,
  resolveInside,
  walkProjectFiles,
  type ListProjectFilesOptions,
  type WalkRules,
} from './tree';
import type { Sandbox } from './types';
import { copyPrefix } from './leftovers';

interface CopyRules extends WalkRules {
  destRoot: string;
  /** copyFile mode: try a reflink, or insist on one. */
  copyMode: number;
}

/** A sandbox that is a real copy of the project (file by file, or reflinked where the filesystem can). */
export class CopiedSandbox implements Sandbox {
  private disposing?: Promise<void>;

  constructor(
    readonly root: string,
    readonly kind: 'copy' | 'reflink',
    /** Kept so that clones skip the same paths. */
    readonly exclude: readonly string[],
    readonly fallback?: string,
  ) {}

  async readFile(relPath: string): Promise<string> {
    return fs.readFile(resolveInside(this.root, relPath), 'utf8');
  }

  async writeFile(relPath: string, content: string): Promise<void> {
    const target = resolveInside(this.root, relPath);
    // Dependency folders are links to the user's real ones; writing through a link would change their files.
    const existing = await deepestExisting(target);
    const real = await fs.realpath(existing);
    if (!isInside(this.root, real)) {
      throw new Error(`cannot write ${relPath}: it leads outside the sandbox (through a symlink)`);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, 'utf8');
  }

  listFiles(options?: ListProjectFilesOptions): Promise<string[]> {
    return walkProjectFiles(this.root, options);
  }

  dispose(): Promise<void> {
    // fs.rm removes symlinks themselves and never follows them into the user's dependency folders.
    this.disposing ??= fs.rm(this.root, { recursive: true, force: true });
    return this.disposing;
  }
}

export interface CopyOptions {
  kind: 'copy' | 'reflink';
  exclude: readonly string[];
  tmpDir: string;
  /** Why a cheaper view was not used, for the host's log. */
  fallback?: string;
}

/** Copies `source` into a fresh self-repair- folder under tmpDir; the source is only read. */
export async function copyInto(source: string, options: CopyOptions): Promise<CopiedSandbox> {
  await fs.mkdir(options.tmpDir, { recursive: true });
  const dest = await fs.realpath(await fs.mkdtemp(path.join(options.tmpDir, copyPrefix())));
  const sandbox = new CopiedSandbox(dest, options.kind, options.exclude, options.fallback);
  const copyMode = options.kind === 'reflink' ? constants.COPYFILE_FICLONE_FORCE : constants.COPYFILE_FICLONE;
  try {
    await copyTree(source, dest, { root: source, destRoot: dest, exclude: new Set(options.exclude), copyMode });
  } catch (error) {
    await sandbox.dispose();
    throw error;
  }
  return sandbox;
}

async function copyTree(srcDir: string, destDir: string, rules: CopyRules): Promise<void> {
  const entries = await fs.readdir(srcDir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const src = path.join(srcDir, entry.name);
      const dest = path.join(destDir, entry.name);
      // The temp folder may lie inside the project (a custom tmpDir); never copy the copy into itself.
      if (src === rules.destRoot) return;
      const kind = await classify(entry, src, rules);
      if (kind === 'skip') return;
      if (kind === 'dependency') {
        // Absolute target, so that clones of this copy still point at the user's real folder.
        const target = entry.isSymbolicLink() ? path.resolve(srcDir, await fs.readlink(src)) : src;
        await fs.symlink(target, dest, 'dir');
      } else if (entry.isSymbolicLink()) {
        await fs.symlink(await copiedLinkTarget(src, rules), dest);
      } else if (entry.isDirectory()) {
        await fs.mkdir(dest);
        await copyTree(src, dest, rules);
      } else if (entry.isFile()) {
        await fs.copyFile(src, dest, rules.copyMode);
      }
      // Sockets, FIFOs and devices are not project content.
    }),
  );
}

/**
 * Links inside the project keep pointing inside the copy (absolute ones are re-rooted); links that leave
 * the project keep pointing at the same outside place, which a relative target would no longer reach.
 */
async function copiedLinkTarget(src: string, { root, destRoot }: CopyRules): Promise<string> {
  const target = await fs.readlink(src);
  const resolved = path.resolve(path.dirname(src), target);
  if (isInside(root, resolved)) {
    return path.isAbsolute(target) ? path.join(destRoot, path.relative(root, resolved)) : target;
  }
  return resolved;
}

async function deepestExisting(target: string): Promise<string> {
  let current = target;
  while (!(await lexists(current))) current = path.dirname(current);
  return current;
}
