/** The project's files as localization reads them: each file read and parsed at most once. */
import { languageForFile, listFunctions } from '../syntax';
import { listModuleBindings, type ModuleBinding } from '../syntax/imports';
import type { FunctionInfo, LanguageId } from '../syntax/types';

export class Sources {
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly functionLists = new Map<string, Promise<FunctionInfo[]>>();
  private readonly bindingLists = new Map<string, Promise<ModuleBinding[]>>();
  /** Source files (code that may change), for quick membership tests. */
  readonly sourceSet: ReadonlySet<string>;

  constructor(
    readonly sourceFiles: readonly string[],
    private readonly readFile: (relPath: string) => Promise<string | undefined>,
  ) {
    this.sourceSet = new Set(sourceFiles);
  }

  read(file: string): Promise<string | undefined> {
    let text = this.texts.get(file);
    if (!text) {
      text = this.readFile(file).catch(() => undefined);
      this.texts.set(file, text);
    }
    return text;
  }

  /** Every named function of the file (none when it cannot be read or parsed). */
  functions(file: string): Promise<FunctionInfo[]> {
    return this.cached(this.functionLists, file, (text, lang) => listFunctions(text, file, lang));
  }

  bindings(file: string): Promise<ModuleBinding[]> {
    return this.cached(this.bindingLists, file, (text, lang) => listModuleBindings(text, lang));
  }

  private cached<T>(
    cache: Map<string, Promise<T[]>>,
    file: string,
    compute: (text: string, lang: LanguageId) => Promise<T[]>,
  ): Promise<T[]> {
    let found = cache.get(file);
    if (!found) {
      found = (async () => {
        const lang = languageForFile(file);
        const text = lang ? await this.read(file) : undefined;
        return lang && text !== undefined ? compute(text, lang).catch(() => []) : [];
      })();
      cache.set(file, found);
    }
    return found;
  }
}

export function lineCount(text: string): number {
  return text.replace(/\r?\n$/, '').split('\n').length;
}

/** The last part of a dotted name: `Class.method` gives `method`. */
export function simpleName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
