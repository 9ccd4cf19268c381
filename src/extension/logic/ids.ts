/** Names package.json's `when` clauses and menus share with the code (checked by test/extension/manifest.test.ts). */

export const CONTROLLER_ID = 'selfRepair';

/** `testMessage == selfRepair.failure` shows the Self-repair button on failure messages. */
export const FAILURE_MESSAGE_CONTEXT = 'selfRepair.failure';

/** Read-only documents of the candidate review. */
export const CANDIDATE_SCHEME = 'self-repair-candidate';

export const CONTEXT_KEYS = {
  running: 'selfRepair.running',
  reviewing: 'selfRepair.reviewing',
  hasNextCandidate: 'selfRepair.hasNextCandidate',
  /** The paths (fsPath) of the user's files a candidate is shown in inline, for `resourcePath in …`. */
  reviewedFiles: 'selfRepair.reviewedFiles',
} as const;
