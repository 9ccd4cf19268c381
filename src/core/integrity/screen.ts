/**
 * The integrity screen: what a candidate may not change or add, checked on its whole-file changes
 * before any test runs. A candidate that breaks a rule is rejected with one line naming the rule.
 */
import path from 'node:path';
import { addedLines } from './added-lines';
import { brokenRule } from './hack-rules';
import { changedPackageFields, protectionOf, type ProtectedRule } from './protected';

export interface ScreenedChange {
  path: string;
  before: string;
  after: string;
  created?: boolean;
}

export interface ScreenOptions extends ProtectedRule {
  /** The user allowed this run to edit existing test files (never the runner's configuration). */
  allowTestEdits?: boolean;
}

export interface ScreenVerdict {
  /** Why the candidate may not be run, in one line; undefined when it passes the screen. */
  rejected?: string;
  /** Test files the candidate edits, allowed by the user. */
  testEdits: string[];
}

/** Files that Python or Node load before the tests whatever the project says. */
const STARTUP_FILE =
  /(?:^|\/)(?:sitecustomize\.py|usercustomize\.py|[^/]+\.pth|\.pythonrc\.py|\.npmrc|\.yarnrc(?:\.yml)?|\.pnpmfile\.c?js|\.env)$/;

/** Installed packages: whatever lies there loads with the test runner (and they are the user's own folders). */
const DEPENDENCY_FOLDER = /(?:^|\/)(?:node_modules|\.venv|venv|site-packages|dist-packages)\//;

export function screenChanges(changes: readonly ScreenedChange[], options: ScreenOptions): ScreenVerdict {
  const testEdits: string[] = [];
  for (const change of changes) {
    const file = change.path.split(path.sep).join('/');
    const refusal = refusePath(change, file, options);
    if (refusal === 'test edit') testEdits.push(file);
    else if (refusal) return { rejected: refusal, testEdits };
    else {
      const added = addedLines(change.before, change.after);
      const hit = brokenRule(added, added.map((l) => l.text).join('\n'));
      if (hit)
        return {
          rejected: `candidate ${hit.rule.name} in ${file}:${hit.line} (\`${clip(hit.text)}\`); the tests are the judge and stay out of reach`,
          testEdits,
        };
    }
  }
  return { testEdits };
}

/** Why a change to this path is refused, 'test edit' for an allowed test edit, undefined when it may go ahead. */
function refusePath(change: ScreenedChange, file: string, options: ScreenOptions): string | undefined {
  if (DEPENDENCY_FOLDER.test(file)) return `candidate writes ${file}, inside installed dependencies; refused`;
  if (STARTUP_FILE.test(file)) return `candidate adds ${file}, a file loaded before the tests start; refused`;
  if (path.posix.basename(file) === 'package.json') {
    const fields = changedPackageFields(change.before, change.after);
    return fields.length
      ? `candidate changes ${fields.join(', ')} in ${file}; how the tests start is locked (dependencies may change)`
      : undefined;
  }
  const kind = protectionOf(file, options);
  if (kind === 'test file') {
    if (options.allowTestEdits && !change.created) return 'test edit';
    return change.created
      ? `candidate adds ${file}, named like a test file; tests are read-only`
      : `candidate edits test file ${file}; tests are read-only`;
  }
  if (kind === 'test configuration')
    return `candidate changes ${file}, test configuration; how the tests run is locked`;
  if (kind) return `candidate changes ${file}, a ${kind}; the tests' expectations are read-only`;
  return undefined;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
