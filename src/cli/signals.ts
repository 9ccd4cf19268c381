import { killAllRuns, removeOwnCopiesSync } from '../core';

/** 128 + the signal's number, as shells report a command ended by a signal. */
const EXIT_STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof EXIT_STATUS;

export interface SignalHandling {
  /** The conventional status for the first signal received, if any. */
  readonly exitStatus: number | undefined;
  dispose(): void;
}

/**
 * The first SIGINT, SIGTERM or SIGHUP cancels the repair, which then ends its runs and removes its copies
 * the ordinary way. A second one (an impatient Ctrl-C) does not wait for that: it kills every run and
 * removes every copy of this process synchronously, then exits.
 */
export function abortOnSignals(controller: AbortController): SignalHandling {
  let received: HandledSignal | undefined;
  const onSignal = (signal: HandledSignal): void => {
    if (received) {
      killAllRuns();
      removeOwnCopiesSync();
      process.exit(EXIT_STATUS[received]);
    }
    received = signal;
    controller.abort();
  };
  const signals = Object.keys(EXIT_STATUS) as HandledSignal[];
  for (const signal of signals) process.on(signal, onSignal);
  return {
    get exitStatus() {
      return received && EXIT_STATUS[received];
    },
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
