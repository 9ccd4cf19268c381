import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from './types';

/** Paths that belong to installed packages, not to the user's code, even when they sit inside the project. */
const VENDORED_SEGMENT = /(^|\/)(node_modules|site-packages|dist-packages|\.venv|venv|\.tox)(\/|$)/;

/**
 * Project-relative POSIX path of `file` when it lies inside `root`, else undefined. Accepts absolute
 * paths, `file://` URLs and paths relative to the root.
 */
export function projectPath(root: string, file: string): string | undefined {
  let absolute = file;
  if (file.startsWith('file://')) {
    try {
      absolute = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  absolute = path.resolve(root, absolute);
  const relative = path.relative(path.resolve(root), absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** One frame as printed by a framework, mapped onto the project. */
export function toFrame(root: string, file: string, line: number, column?: number, functionName?: string): StackFrame {
  const internal = file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<');
  const relative = internal ? undefined : projectPath(root, file);
  const frame: StackFrame = {
    file: relative ?? file,
    line,
    inProject: relative !== undefined && !VENDORED_SEGMENT.test(relative),
  };
  if (column !== undefined) frame.column = column;
  if (functionName) frame.functionName = functionName;
  return frame;
}
