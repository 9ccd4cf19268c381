import * as vscode from 'vscode';
import type { RepairEvent } from '../core';
import { Disposable } from './disposable';
import { formatRepairEvent, type LogLine } from './logic/log-format';

/** The one "Self-repair" log channel: every turn's prompt, explanation, patch and test results. */
export class Log extends Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('Self-repair', { log: true }));
  }

  write(lines: readonly LogLine[]): void {
    for (const { level, text } of lines) this.channel[level](text);
  }

  event(event: RepairEvent): void {
    this.write(formatRepairEvent(event));
  }

  info(text: string): void {
    this.channel.info(text);
  }

  warn(text: string): void {
    this.channel.warn(text);
  }

  error(text: string | Error): void {
    this.channel.error(text);
  }

  show(): void {
    this.channel.show(true);
  }
}
