/**
 * Reading what node writes under `NODE_V8_COVERAGE`: one `coverage-*.json` per process, listing for each
 * script it loaded every function V8 compiled, with how often it ran. Kept: the project's own functions
 * that ran, at their source file and line; the test files each process loaded tell which tests ran there.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineIndex, lineStartsOf, offsetMapper, type CachedSourceMap, type OffsetMapper } from './v8-source-map';

interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: CoverageRange[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}
interface CoverageDump {
  result?: ScriptCoverage[];
  'source-map-cache'?: Record<string, CachedSourceMap>;
}

/** A function that ran, as `ExecutedFunction` names it. */
export interface ExecutedLocation {
  /** Project-relative POSIX path. */
  file: string;
  name: string;
  /** 1-based. */
  line: number;
}

/** What one process ran: the project's functions, and the test files it loaded. */
export interface ProcessCoverage {
  testFiles: Set<string>;
  functions: ExecutedLocation[];
}

/** The project as the dumps are read against it. */
export interface ProjectView {
  /** The root as given and as resolved (node reports modules at their real paths). */
  roots: readonly string[];
  isTestFile(relPath: string): boolean;
  /** A project file's text, or undefined when it cannot be read. */
  readText(relPath: string): Promise<string | undefined>;
}

const DUMP_FILE = /^coverage-.*\.json$/;
const TYPESCRIPT = /\.[cm]?tsx?$/;

/** Every process's coverage in `dir`; unreadable dumps (a process killed while writing) are left out. */
export async function readCoverageDir(dir: string, project: ProjectView): Promise<ProcessCoverage[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => DUMP_FILE.test(name)).sort();
  const processes: ProcessCoverage[] = [];
  for (const name of names) {
    const dump = await readFile(path.join(dir, name), 'utf8')
      .then((text) => JSON.parse(text) as CoverageDump)
      .catch(() => undefined);
    if (dump && Array.isArray(dump.result)) processes.push(await readDump(dump, project));
  }
  return processes;
}

async function readDump(dump: CoverageDump, project: ProjectView): Promise<ProcessCoverage> {
  const coverage: ProcessCoverage = { testFiles: new Set(), functions: [] };
  const maps = dump['source-map-cache'] ?? {};
  for (const script of dump.result ?? []) {
    const file = scriptPath(script.url);
    if (!file || !Array.isArray(script.functions)) continue;
    const cached = Object.hasOwn(maps, script.url) ? maps[script.url] : undefined;
    const mapper = cached ? offsetMapper(cached, file) : undefined;
    if (mapper) {
      readMappedScript(script, mapper, project, coverage);
      continue;
    }
    const rel = projectPath(file, project.roots);
    if (rel === undefined) continue;
    if (project.isTestFile(rel)) coverage.testFiles.add(rel);
    else coverage.functions.push(...(await readPlainScript(script, rel, project)));
  }
  return coverage;
}

/** A script whose source map leads elsewhere: each function is reported in the original file it came from. */
function readMappedScript(
  script: ScriptCoverage,
  mapper: OffsetMapper,
  project: ProjectView,
  coverage: ProcessCoverage,
): void {
  for (const source of [scriptPath(script.url), ...mapper.sources()]) {
    const rel = source === undefined ? undefined : projectPath(source, project.roots);
    if (rel !== undefined && project.isTestFile(rel)) coverage.testFiles.add(rel);
  }
  for (const fn of executed(script)) {
    const place = mapper.place(fn.ranges[0]!.startOffset);
    const rel = place ? projectPath(place.file, project.roots) : undefined;
    if (place && rel !== undefined && !project.isTestFile(rel))
      coverage.functions.push({ file: rel, name: fn.functionName, line: place.line });
  }
}

/**
 * A script run as it is on disk. V8's offsets count characters of what it compiled; they are lines of the
 * file only when the file is that text (same length), which a transpiling loader without a map breaks.
 * Without a top-level range to compare, plain JavaScript is trusted and TypeScript is not.
 */
async function readPlainScript(script: ScriptCoverage, rel: string, project: ProjectView): Promise<ExecutedLocation[]> {
  const functions = executed(script);
  if (!functions.length) return [];
  const raw = await project.readText(rel);
  if (raw === undefined) return [];
  const scriptLength = script.functions.find(isTopLevel)?.ranges[0]?.endOffset;
  if (scriptLength === undefined && TYPESCRIPT.test(rel)) return [];
  // CommonJS compiles a file with its byte-order mark, ES modules without.
  const text = [raw, raw.replace(/^\uFEFF/, '')].find((t) => scriptLength === undefined || t.length === scriptLength);
  if (text === undefined) return [];
  const starts = lineStartsOf(text);
  return functions.map((fn) => ({
    file: rel,
    name: fn.functionName,
    line: lineIndex(starts, fn.ranges[0]!.startOffset) + 1,
  }));
}

/** V8's own pieces of a class, e.g. `<instance_members_initializer>`: no function anyone wrote. */
const SYNTHETIC = /^<.*>$/;

/** The functions that ran, without the module's own top-level code. */
function executed(script: ScriptCoverage): FunctionCoverage[] {
  return script.functions.filter(
    (fn) => fn.ranges?.length && fn.ranges[0]!.count > 0 && !isTopLevel(fn) && !SYNTHETIC.test(fn.functionName),
  );
}

/** The pseudo-function V8 reports for a script's top-level code: no name, from offset 0 to the end. */
function isTopLevel(fn: FunctionCoverage): boolean {
  return fn.functionName === '' && fn.ranges?.[0]?.startOffset === 0;
}

/** A file on disk for `file://` URLs and absolute paths (vm scripts are named by path); node:, data: are none. */
function scriptPath(url: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(url) ? url : undefined;
}

/** The project-relative POSIX path of `file`, when it lies inside one of `roots` and outside node_modules. */
export function projectPath(file: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    const rel = path.relative(root, file);
    if (!rel || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    const posix = rel.split(path.sep).join('/');
    return posix.split('/').includes('node_modules') ? undefined : posix;
  }
  return undefined;
}
