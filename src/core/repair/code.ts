import { listProjectFiles, SKIPPED_NAMES } from '../sandbox';
import { DEFAULT_MAX_FILES, DEPENDENCY_NAMES, listProjectTree, type FileListing } from '../sandbox/tree';
import type { Sandbox } from '../sandbox/types';
import { languageForFile } from '../syntax';
import type { ProjectSetup } from './prepare';

export type ReadFile = (relPath: string) => Promise<string | undefined>;

/**
 * The project's code as the repair sees it: the files of the base copy, which of them may change,
 * and their original text (read once). A turn reads it through the changes it keeps.
 */
export class ProjectCode {
  private readonly originals = new Map<string, string | undefined>();

  private constructor(
    private readonly base: Sandbox,
    /** Project-relative POSIX paths of every file in the copy. */
    readonly projectFiles: string[],
    /** Code a candidate may change: files of a known language, tests excluded. */
    readonly sourceFiles: string[],
    readonly isTestFile: (relPath: string) => boolean,
    /** Set when the listing stopped at this many files: files past it are accepted only when a fix names them. */
    readonly truncatedAt?: number,
  ) {}

  static async load(project: ProjectSetup, maxFiles = maxFilesToList()): Promise<ProjectCode> {
    const isTestFile = (file: string): boolean => project.adapter.isTestFile(file);
    const { files, truncated } = await listingOf(project, maxFiles);
    const sourceFiles = files.filter((f) => languageForFile(f) && !isTestFile(f));
    return new ProjectCode(project.sandbox, files, sourceFiles, isTestFile, truncated ? maxFiles : undefined);
  }

  /**
   * The listed files, plus those of `written` (paths as a reply writes them) that the listing left
   * out but the copy holds: a large project's listing may stop short, and a correct fix of a file
   * past its end is still a fix of a file of the project.
   */
  async filesFor(written: ReadonlyArray<string | undefined>): Promise<string[]> {
    const extra: string[] = [];
    for (const file of new Set(written.flatMap((w) => (w ? relativePaths(w) : [])))) {
      if (file && !this.projectFiles.includes(file) && (await this.holds(file))) extra.push(file);
    }
    return extra.length ? [...this.projectFiles, ...extra] : this.projectFiles;
  }

  /** A file of the project itself, read through its sandbox: not in a dependency folder, cache, or outside. */
  private async holds(file: string): Promise<boolean> {
    const parts = file.split('/');
    if (parts.some((part) => part === '..' || DEPENDENCY_NAMES.has(part) || SKIPPED_NAMES.includes(part))) return false;
    return this.base.readFile(file).then(
      () => true,
      () => false,
    );
  }

  /** A file as the user wrote it; undefined when it does not exist. */
  async readOriginal(file: string): Promise<string | undefined> {
    if (!this.originals.has(file)) this.originals.set(file, await this.base.readFile(file).catch(() => undefined));
    return this.originals.get(file);
  }

  /** Reads files with `kept` (new text per path) applied over the originals. */
  readerWith(kept: ReadonlyMap<string, string>): ReadFile {
    return async (file) => kept.get(file) ?? this.readOriginal(file);
  }
}

/**
 * The base copy holds the project's files, so the project folder itself is listed when known: there,
 * in a git work tree, `.gitignore` is honoured. Otherwise the copy is listed.
 */
async function listingOf(project: ProjectSetup, maxFiles: number): Promise<FileListing> {
  if (project.projectRoot) return listProjectTree(project.projectRoot, { maxFiles });
  const files = await listProjectFiles(project.sandbox.root, { maxFiles: maxFiles + 1 });
  return { files: files.slice(0, maxFiles), truncated: files.length > maxFiles };
}

/** The cap on listed files; `SELF_REPAIR_MAX_FILES` lowers or raises it (tests use a tiny one). */
export function maxFilesToList(): number {
  const fromEnv = Number(process.env.SELF_REPAIR_MAX_FILES);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_FILES;
}

/** Said in the result when the listing was cut, so the cap is never silent. */
export function listingNote(maxFiles: number): string {
  return (
    `listed the first ${maxFiles.toLocaleString('en-US')} ${maxFiles === 1 ? 'file' : 'files'} of the project; ` +
    'a file beyond them is still accepted when a fix names it'
  );
}

/** What a path as a reply writes it (`./x`, `a/x`, quoted, Windows slashes) may mean, project-relative. */
function relativePaths(written: string): string[] {
  const clean = written
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '');
  if (!clean || clean.startsWith('/')) return [];
  return clean.startsWith('a/') || clean.startsWith('b/') ? [clean, clean.slice(2)] : [clean];
}
