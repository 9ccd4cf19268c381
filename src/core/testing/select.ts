/** Narrowing a user's test command to some of its tests, for the frameworks whose commands allow it. */
import { shellQuote } from './shell';
import type { TestCaseResult } from './types';

/** A plain command line: one program, no shell operators, redirections or substitutions. */
const PLAIN_COMMAND = /^[^;&|<>`$()\n]*$/;
const NODE_TEST_COMMAND = /^(\S*node(?:\.exe)?)(\s.*\s--test(?:\s|$).*|\s--test(?:\s|$).*)$/;

/** The trimmed command when arguments can be added to it safely, else undefined. */
export function plainCommand(command: string): string | undefined {
  const trimmed = command.trim();
  return PLAIN_COMMAND.test(trimmed) ? trimmed : undefined;
}

/** pytest takes node ids (`tests/t.py::test_a[1-2]`) or files as arguments. */
export function pytestSelecting(
  command: string,
  tests: readonly TestCaseResult[],
  scope: 'tests' | 'files',
): string | undefined {
  const plain = plainCommand(command);
  if (!plain || !tests.length) return undefined;
  const args =
    scope === 'tests' ? tests.map((t) => t.id) : [...new Set(tests.map((t) => t.file ?? t.id.split('::')[0]!))];
  return `${plain} ${args.map(shellQuote).join(' ')}`;
}

/** `node --test` takes an exact name pattern, put before its own arguments; it has no file scope of its own. */
export function nodeTestSelecting(
  command: string,
  tests: readonly TestCaseResult[],
  scope: 'tests' | 'files',
): string | undefined {
  const plain = plainCommand(command);
  if (!plain || !tests.length || scope === 'files') return undefined;
  const match = NODE_TEST_COMMAND.exec(plain);
  if (!match) return undefined;
  const names = [...new Set(tests.map((t) => t.name))].map(escapeRegExp);
  const pattern = `^(?:${names.join('|')})$`;
  return `${match[1]} ${shellQuote(`--test-name-pattern=${pattern}`)}${match[2]}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
