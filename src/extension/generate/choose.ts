/** Which function "Implement Function" works on, decided without VS Code so that it can be unit tested. */
import { isStub, type FunctionShape, type Stub } from '../../core';

export type StubChoice =
  /** The stub under the cursor. */
  | { stub: Stub }
  /** The cursor is in a function that cannot be implemented, and the file has no stub to pick instead. */
  | { problem: string; offerRepair?: boolean }
  /** The stubs of the file, for a quick pick. */
  | { pick: Stub[] };

/**
 * The innermost function around the 1-based `line` when it is a stub; otherwise the file's stubs to
 * pick from; otherwise one line saying why there is nothing to implement.
 */
export function chooseStub(functions: readonly FunctionShape[], line: number | undefined, file: string): StubChoice {
  const around =
    line === undefined
      ? undefined
      : functions.filter((f) => f.range.startLine <= line && line <= f.range.endLine).at(-1);
  if (around && isStub(around)) return { stub: around };
  const stubs = functions.filter(isStub);
  if (stubs.length) return { pick: stubs };
  if (around?.stubBody === undefined && around)
    return { problem: implementMessages.notStub(around.name), offerRepair: true };
  if (around) return { problem: implementMessages.noDocs(around.name) };
  return { problem: implementMessages.noStubs(file) };
}

/** What Implement Function says, one line each. */
export const implementMessages = {
  noEditor: 'Open the file with the function to implement, then run Self-repair: Implement Function.',
  noLanguage: (file: string) =>
    `Self-repair implements functions in Python, JavaScript, TypeScript, Go and Rust files, not ${file}.`,
  noStubs: (file: string) =>
    `No stub in ${file}: a stub is a function with a signature, a docstring or comment, and a placeholder body (pass, ..., raise NotImplementedError, throw new Error(...), todo!(), panic("not implemented") or nothing).`,
  notStub: (name: string) =>
    `${name} already has a body, so it is not a stub: run Self-repair to fix it against its tests.`,
  noDocs: (name: string) => `${name} has no docstring or comment: say what it should do first.`,
  pickTitle: 'Self-repair: implement which function?',
} as const;
