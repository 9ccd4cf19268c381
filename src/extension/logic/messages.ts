/** What the extension says to people, in one place so tests and E2E checks read the same words. */
export const MESSAGES = {
  untrusted: 'Self-repair runs your tests, which executes code: trust this workspace first.',
  noFolder: 'Self-repair needs a folder with tests: open one first.',
  alreadyRunning: 'A Self-repair is already running.',
  implementComing:
    'Implement Function is coming with the repair strategies work. For now, write a failing test for the function and run Self-repair.',
  noCandidate: 'No Self-repair candidate is under review.',
  reviewMoved: 'That Self-repair candidate is no longer under review; use the buttons of the one shown now.',
  noTestHere: 'Place the cursor inside a test, or use the Self-repair action on a failed test in the Test Explorer.',
} as const;
