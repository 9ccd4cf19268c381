/** What the extension says to people, in one place so tests and E2E checks read the same words. */
export const MESSAGES = {
  untrusted: 'Self-repair runs your tests, which executes code: trust this workspace first.',
  noFolder: 'Self-repair needs a folder with tests: open one first.',
  alreadyRunning: 'A Self-repair is already running.',
  noCandidate: 'No Self-repair candidate is under review.',
  noKey: 'Self-repair: no API key set, so nothing ran; set one with "Self-repair: Set API Key" when you are ready.',
  rejected: 'Self-repair: candidate rejected; your files are unchanged.',
  noTestHere: 'Place the cursor inside a test, or use the Self-repair action on a failed test in the Test Explorer.',
} as const;

/**
 * Why the Self-repair action on another extension's test item cannot start, one line each: which item,
 * and what is missing.
 */
export const ITEM_PROBLEMS = {
  noFile: (label: string) => `Self-repair cannot repair "${label}": the test item names no file.`,
  outsideFolders: (label: string) =>
    `Self-repair cannot repair "${label}": its file is outside the folders open in this window.`,
  unreadable: (label: string, file: string, why: string) =>
    `Self-repair cannot repair "${label}": ${file} cannot be read (${why}).`,
  noLanguage: (label: string, file: string) =>
    `Self-repair cannot repair "${label}": ${file} is in no language Self-repair reads (Python, JavaScript, TypeScript, Go, Rust).`,
  folderItem: (label: string, folder: string) =>
    `Self-repair repairs a test or a test file, not the folder ${folder}: use it on a failed test inside "${label}".`,
  noFramework: (label: string, folder: string, why: string) =>
    `Self-repair cannot repair "${label}": it recognizes no test framework in ${folder} (${why}).`,
  notTestFile: (label: string, file: string, framework: string) =>
    `Self-repair cannot repair "${label}": ${file} is not a test file for ${framework}, the framework Self-repair runs in this folder.`,
  notFound: (label: string, file: string) =>
    `Self-repair cannot find the test "${label}" in ${file}: place the cursor inside it and run Self-repair: Repair This Test.`,
} as const;
