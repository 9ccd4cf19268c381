import { listProjectFiles, SKIPPED_NAMES } from '../sandbox';
import { DEPENDENCY_NAMES } from '../sandbox/tree';
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
  ) {}

  static async load(project: ProjectSetup): Promise<ProjectCode> {
    const isTestFile = (file: string): boolean => project.adapter.isTestFile(file);
    const projectFiles = await listProjectFiles(project.sandbox.root);
    const sourceFiles = projectFiles.filter((f) => languageForFile(f) && !isTestFile(f));
    return new ProjectCode(project.sandbox, projectFiles, sourceFiles, isTestFile);
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
