/**
 * Generated code back to its source: node keeps the source map of every script it loaded with one (under
 * `--enable-source-maps`, or when a loader such as tsx registers it) and writes it into the coverage dump
 * as `source-map-cache`. Node's own `SourceMap` reads it, so mapping costs no dependency.
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One entry of a dump's `source-map-cache`, keyed there by the generated script's URL. */
export interface CachedSourceMap {
  /** Lengths of the generated script's lines, without their line ends. */
  lineLengths?: number[];
  data?: unknown;
}

/** A place in an original source file: absolute path and 1-based line. */
export interface OriginalPlace {
  file: string;
  line: number;
}

export interface OffsetMapper {
  /** Where the code at a character offset of the generated script came from, when the map says exactly. */
  place(offset: number): OriginalPlace | undefined;
  /** Absolute paths of the original files the map names. */
  sources(): string[];
}

/** A mapper for one generated script, or undefined when its cached map is unusable. */
export function offsetMapper(cached: CachedSourceMap, generatedFile: string): OffsetMapper | undefined {
  const { lineLengths, data } = cached;
  if (!Array.isArray(lineLengths) || !isPayload(data)) return undefined;
  let map: SourceMap;
  try {
    map = new SourceMap(data, { lineLengths });
  } catch {
    return undefined;
  }
  const lineStarts = startsFromLengths(lineLengths);
  const resolve = (source: string): string | undefined => sourcePath(source, generatedFile);
  return {
    place(offset) {
      const line = lineIndex(lineStarts, offset);
      const column = offset - lineStarts[line]!;
      const entry = map.findEntry(line, column);
      // Only a mapping of this very position: generators map where each function starts, and the nearest one
      // before it belongs to other code (esbuild's export getters would land on the module's first line).
      if (!('originalSource' in entry) || entry.generatedLine !== line || entry.generatedColumn !== column)
        return undefined;
      const file = resolve(entry.originalSource);
      return file ? { file, line: entry.originalLine + 1 } : undefined;
    },
    sources: () => data.sources.map(resolve).filter((file): file is string => file !== undefined),
  };
}

function isPayload(data: unknown): data is SourceMapPayload {
  if (typeof data !== 'object' || data === null) return false;
  const { sources, mappings } = data as Partial<SourceMapPayload>;
  return Array.isArray(sources) && typeof mappings === 'string';
}

/** Node resolves a map's sources to file URLs; other tools leave them relative to the generated file. */
function sourcePath(source: string, generatedFile: string): string | undefined {
  if (source.startsWith('file:')) {
    try {
      return fileURLToPath(source);
    } catch {
      return undefined;
    }
  }
  // webpack://, data:, node: and the like name no file on disk.
  if (/^[a-z][a-z0-9+.-]+:/i.test(source)) return undefined;
  return path.resolve(path.dirname(generatedFile), source);
}

/** Offsets at which each line starts, for lines ended by a single `\n` (how node counts `lineLengths`). */
function startsFromLengths(lengths: readonly number[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const length of lengths) {
    starts.push(offset);
    offset += length + 1;
  }
  return starts.length ? starts : [0];
}

/** Offsets at which each line of `text` starts. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based index of the line holding `offset`, given each line's start offset (ascending). */
export function lineIndex(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
