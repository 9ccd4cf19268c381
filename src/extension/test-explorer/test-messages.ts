import * as vscode from 'vscode';
import type { StackFrame, TestCaseResult } from '../../core';
import { FAILURE_MESSAGE_CONTEXT } from '../logic/ids';
import { fileUri } from '../workspace';

type StackFrameConstructor = new (label: string, uri?: vscode.Uri, position?: vscode.Position) => unknown;

/**
 * A failed or errored test's message: a diff when the framework reported expected and actual
 * values, placed at the failing line of the test file, with the stack trace where VS Code shows one.
 */
export function failureMessages(
  folder: vscode.WorkspaceFolder,
  result: TestCaseResult,
  item: vscode.TestItem,
): vscode.TestMessage[] {
  const summary = result.message ?? result.details ?? result.status;
  const message =
    result.expected !== undefined && result.actual !== undefined
      ? vscode.TestMessage.diff(summary, result.expected, result.actual)
      : new vscode.TestMessage(result.details ?? summary);
  message.contextValue = FAILURE_MESSAGE_CONTEXT;
  const frame = result.frames.find((f) => f.inProject && f.file === result.file);
  if (frame) message.location = new vscode.Location(fileUri(folder, frame.file), framePosition(frame));
  else if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range.start);
  // TestMessageStackFrame arrived in VS Code 1.93 (engines allows 1.90): feature-detected, and on
  // older versions the trace stays in the message text. Frames of the project only: the runner's
  // and the standard library's say nothing about what to fix.
  const StackFrame = (vscode as unknown as { TestMessageStackFrame?: StackFrameConstructor }).TestMessageStackFrame;
  const frames = result.frames.filter((f) => f.inProject);
  if (StackFrame && frames.length) {
    (message as { stackTrace?: unknown[] }).stackTrace = frames.map((f) => stackFrame(StackFrame, folder, f));
  }
  return [message];
}

function stackFrame(Ctor: StackFrameConstructor, folder: vscode.WorkspaceFolder, frame: StackFrame): unknown {
  const label = frame.functionName
    ? `${frame.functionName} (${frame.file}:${frame.line})`
    : `${frame.file}:${frame.line}`;
  return new Ctor(label, fileUri(folder, frame.file), framePosition(frame));
}

function framePosition(frame: StackFrame): vscode.Position {
  return new vscode.Position(frame.line - 1, Math.max(0, (frame.column ?? 1) - 1));
}
