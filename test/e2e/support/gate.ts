/**
 * A gate a scripted model reply waits behind, so a flow sees a running repair's state (the status
 * bar's turn, say) for as long as it needs instead of racing it: `open()` lets the reply go.
 */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
