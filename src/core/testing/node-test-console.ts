import path from 'node:path';
import { stripAnsi } from './common';
import type { NodeError, NodeRecord } from './node-test';

/*
 * Reading node --test's console output, for runs that produced no report (a command whose own reporter
 * flags left no room for ours, or a node that could not load it). Node prints TAP when its output is
 * not a terminal and spec when asked; both give results in the same bottom-up order as the report.
 * Only failing tests carry a location here, so ids are built without files.
 */

export function parseNodeConsole(output: string): NodeRecord[] {
  const lines = stripAnsi(output).split(/\r?\n/);
  return lines.some((line) => /^TAP version \d+/.test(line)) ? parseTap(lines) : parseSpec(lines);
}

// ---------------------------------------------------------------------------------------------------------------
// TAP

const TAP_RESULT = /^(\s*)(not ok|ok) \d+ - (.*)$/;

function parseTap(lines: string[]): NodeRecord[] {
  const records: NodeRecord[] = [];
  let loose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const result = TAP_RESULT.exec(line);
    if (!result) {
      const comment = /^#(?: (.*))?$/.exec(line);
      if (
        comment &&
        !/^(Subtest:|(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) )/.test(comment[1] ?? '')
      ) {
        loose.push(comment[1] ?? '');
      }
      continue;
    }
    const nesting = Math.floor(result[1]!.length / 4);
    const directive = /^(.*?)(?<!\\) # (SKIP|TODO)\b.*$/i.exec(result[3]!);
    const name = (directive?.[1] ?? result[3]!).replace(/\\([\\#])/g, '$1');
    let yaml: Record<string, string> = {};
    if (lines[i + 1]?.trim() === '---') {
      const base = indentOf(lines[i + 1]!);
      let j = i + 2;
      while (j < lines.length && !(lines[j]!.trim() === '...' && indentOf(lines[j]!) === base)) j++;
      yaml = parseYamlBlock(lines.slice(i + 2, j), base);
      i = j;
    }
    const record: NodeRecord = { event: result[2] === 'ok' ? 'pass' : 'fail', name, nesting };
    if (directive?.[2]?.toUpperCase() === 'SKIP') record.skip = true;
    if (directive?.[2]?.toUpperCase() === 'TODO') record.todo = true;
    if (yaml.type) record.type = yaml.type;
    if (yaml.duration_ms && Number.isFinite(Number(yaml.duration_ms))) record.durationMs = Number(yaml.duration_ms);
    const location = /^(.*):(\d+):(\d+)$/.exec(yaml.location ?? '');
    if (location) {
      record.file = location[1]!;
      record.line = Number(location[2]);
      record.column = Number(location[3]);
    }
    if (record.event === 'fail' && yaml.error !== undefined) {
      const error: NodeError = { message: yaml.error };
      for (const key of ['failureType', 'name', 'code', 'operator', 'expected', 'actual'] as const) {
        if (yaml[key] !== undefined) error[key] = yaml[key];
      }
      // TAP lists the frames alone; put the error above them, as a V8 stack reads.
      if (yaml.stack) error.stack = `${error.name ? `${error.name}: ` : ''}${error.message}\n${yaml.stack}`;
      record.error = error;
    }
    records.push(...withFileLevel(record, loose));
    loose = [];
  }
  return records;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The small YAML subset node writes under a TAP result: scalars, quoted strings and `|-` blocks. */
function parseYamlBlock(lines: string[], base: number): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (indentOf(line) !== base) continue;
    const entry = /^(\w+):\s?(.*)$/.exec(line.slice(base));
    if (!entry) continue;
    const [, key, raw] = entry;
    const value = raw!.trim();
    if (value === '' || value === '|-' || value === '|' || value === '>-') {
      const block: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || indentOf(lines[i + 1]!) > base))
        block.push(lines[++i]!);
      const margin = Math.min(...block.filter((l) => l.trim()).map(indentOf));
      values[key!] = block
        .map((l) => l.slice(Number.isFinite(margin) ? margin : 0))
        .join('\n')
        .trimEnd();
    } else if (key === 'expected' || key === 'actual') {
      // Operands keep their quotes, so a string reads like util.inspect (and pytest) shows it.
      values[key] = value;
    } else if (/^'.*'$/.test(value)) {
      values[key!] = value.slice(1, -1).replace(/''/g, "'");
    } else if (/^".*"$/.test(value)) {
      values[key!] = unquoteDouble(value);
    } else {
      values[key!] = value;
    }
  }
  return values;
}

function unquoteDouble(value: string): string {
  try {
    return String(JSON.parse(value));
  } catch {
    return value.slice(1, -1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// spec

/** A `# reason` after the duration marks a skip (﹣) or a todo (✔ / ✖); names may contain ` # ` themselves. */
const SPEC_TIMED_RESULT = /^(\s*)([✔✖﹣]) (.*) \(([\d.]+)ms\)(?: # (.*))?$/;
const SPEC_RESULT = /^(\s*)([✔✖﹣]) (.*)$/;

function specResult(
  line: string,
): { indent: number; symbol: string; name: string; durationMs?: number; directive?: string } | undefined {
  const timed = SPEC_TIMED_RESULT.exec(line);
  if (timed) {
    const result = { indent: timed[1]!.length, symbol: timed[2]!, name: timed[3]!, durationMs: Number(timed[4]) };
    return timed[5] !== undefined ? { ...result, directive: timed[5] } : result;
  }
  const plain = SPEC_RESULT.exec(line);
  return plain ? { indent: plain[1]!.length, symbol: plain[2]!, name: plain[3]! } : undefined;
}

function parseSpec(lines: string[]): NodeRecord[] {
  const summaryStart = lines.findIndex((line) => line.trim() === '✖ failing tests:');
  const end = summaryStart >= 0 ? summaryStart : lines.length;
  const locations = failureLocations(lines.slice(end));
  const records: NodeRecord[] = [];
  let loose: string[] = [];
  for (let i = 0; i < end; i++) {
    const result = specResult(lines[i]!);
    if (!result) {
      if (lines[i]!.trim() && indentOf(lines[i]!) === 0 && !/^(▶|ℹ) /.test(lines[i]!)) loose.push(lines[i]!);
      continue;
    }
    const { indent, symbol, name, directive } = result;
    const details: string[] = [];
    while (i + 1 < end && (lines[i + 1]!.trim() === '' || indentOf(lines[i + 1]!) > indent)) details.push(lines[++i]!);
    const record: NodeRecord = { event: symbol === '✖' ? 'fail' : 'pass', name, nesting: indent / 2 };
    if (symbol === '﹣') record.skip = directive && directive !== 'SKIP' ? directive : true;
    else if (directive !== undefined) record.todo = directive === 'TODO' ? true : directive;
    if (result.durationMs !== undefined) record.durationMs = result.durationMs;
    const location = record.event === 'fail' ? locations.get(name)?.shift() : undefined;
    if (location) Object.assign(record, location);
    if (record.event === 'fail') {
      const error = specError(details);
      if (error) record.error = error;
    }
    records.push(...withFileLevel(record, loose));
    loose = [];
  }
  return records;
}

/** Node 20.20 ends spec output with each failing test's `test at file:line:col`, a location the body lacks. */
function failureLocations(lines: string[]): Map<string, Array<Pick<NodeRecord, 'file' | 'line' | 'column'>>> {
  const locations = new Map<string, Array<Pick<NodeRecord, 'file' | 'line' | 'column'>>>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const at = /^test at (.+):(\d+):(\d+)$/.exec(lines[i]!.trim());
    const result = at ? specResult(lines[i + 1]!) : undefined;
    if (!at || !result) continue;
    const list = locations.get(result.name) ?? [];
    list.push({ file: at[1]!, line: Number(at[2]), column: Number(at[3]) });
    locations.set(result.name, list);
  }
  return locations;
}

function specError(details: string[]): NodeError | undefined {
  const body = details.filter((line, index) => line.trim() || index > 0);
  const margin = Math.min(...body.filter((line) => line.trim()).map(indentOf));
  const text = body
    .map((line) => line.slice(Number.isFinite(margin) ? margin : 0))
    .join('\n')
    .trim();
  if (!text) return undefined;
  const quoted = /^'(.*)'$/.exec(text);
  if (quoted) {
    const message = quoted[1]!;
    return { message, failureType: /cancelled/.test(message) ? 'cancelledByParent' : 'testCodeFailure' };
  }
  const head = /^([A-Za-z_$][\w$]*)(?: \[(\w+)\])?: ([\s\S]*?)(?=\n\s*at |\n*$)/.exec(text);
  const error: NodeError = head
    ? { name: head[1]!, message: head[3]!.trim(), stack: text }
    : { message: text, stack: text };
  if (head?.[2]) error.code = head[2];
  for (const key of ['expected', 'actual', 'operator'] as const) {
    const value = new RegExp(`^\\s*${key}: (.*?),?$`, 'm').exec(text)?.[1];
    if (value !== undefined) error[key] = key === 'operator' ? value.replace(/^'|'$/g, '') : value;
  }
  return error;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * A file that fails as a whole is reported under its absolute path; what it printed to stderr (shown
 * just before, loose in the output) says why, and becomes a stderr record for it.
 */
function withFileLevel(record: NodeRecord, loose: string[]): NodeRecord[] {
  const name = record.name ?? '';
  if (record.nesting !== 0 || !path.isAbsolute(name) || !/\.[cm]?[jt]sx?$/.test(name)) return [record];
  record.file = name;
  return loose.length ? [{ event: 'stderr', file: name, text: loose.join('\n') }, record] : [record];
}
