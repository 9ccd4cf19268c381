import { listProjectFiles } from '../sandbox';
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
