/**
 * Makes a change of the code lenses reach every visible editor. VS Code does not provide lenses the
 * moment a provider signals a change: each editor schedules the provide call after a debounce
 * (250 ms or more, as long as the provider usually takes), and cancels that scheduled call when the
 * editor loses focus. A change signalled just before the user clicks elsewhere (into the Test
 * Explorer, say) is then lost until the editor is focused, edited or re-opened. So after a change
 * this keeps signalling, a little later each time, until every visible editor of a file the lenses
 * cover has been provided for since that change. A signal sent while an editor is already
 * unfocused is never dropped, so the second one usually suffices.
 */

/** What LensRefresh needs from VS Code, given by the host (and by tests). */
export interface LensRefreshHost {
  /** Fires the provider's onDidChangeCodeLenses. */
  signal(): void;
  /** One key (the document's uri) per visible editor whose document the lenses cover; a split shows one twice. */
  visibleDocuments(): string[];
  setTimeout(callback: () => void, ms: number): { dispose(): void };
}

/** Waits between checks: long enough for VS Code's debounce to run out, so a signal never postpones the last one. */
export const RECHECK_DELAYS_MS = [1000, 2000, 3000, 5000, 8000, 13_000];

export class LensRefresh {
  private generation = 0;
  /** Provide calls finished per document since the current generation began. */
  private provided = new Map<string, number>();
  private timer: { dispose(): void } | undefined;
  private attempt = 0;

  constructor(private readonly host: LensRefreshHost) {}

  /** The lenses changed: signal now, and again until every visible editor has asked for them. */
  changed(): void {
    this.generation++;
    this.provided.clear();
    this.attempt = 0;
    this.host.signal();
    this.scheduleCheck();
  }

  /**
   * Marks the start of a provide call; call the returned function once its lenses are computed.
   * A call begun before the latest change does not count: its lenses may be stale.
   */
  providing(document: string): () => void {
    const started = this.generation;
    return () => {
      if (started === this.generation) this.provided.set(document, (this.provided.get(document) ?? 0) + 1);
    };
  }

  /** A moment when a lost refresh is likely to be noticed (editors shown, window focused): check now. */
  poke(): void {
    if (!this.timer) return;
    this.check();
  }

  /** Documents shown in more editors than have been provided for since the change. */
  missing(): string[] {
    const shown = new Map<string, number>();
    for (const document of this.host.visibleDocuments()) shown.set(document, (shown.get(document) ?? 0) + 1);
    return [...shown].filter(([document, editors]) => (this.provided.get(document) ?? 0) < editors).map(([d]) => d);
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private scheduleCheck(): void {
    this.timer?.dispose();
    const delay = RECHECK_DELAYS_MS[this.attempt];
    this.timer = delay === undefined ? undefined : this.host.setTimeout(() => this.check(), delay);
  }

  private check(): void {
    this.timer?.dispose();
    this.timer = undefined;
    if (this.missing().length === 0) return;
    this.attempt++;
    this.host.signal();
    this.scheduleCheck();
  }
}
