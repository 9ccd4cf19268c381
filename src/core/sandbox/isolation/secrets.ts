import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where the user keeps credentials and editor state, relative to the home folder. Test code runs with
 * the user's rights, so a sandbox hides these: a folder is covered by an empty one, a file by /dev/null.
 */
export const SECRET_PATHS: readonly string[] = [
  '.ssh',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.netrc',
  '.npmrc',
  '.pypirc',
  // crates.io and other registry tokens (cargo reads them only to publish).
  '.cargo/credentials.toml',
  '.cargo/credentials',
  '.docker',
  '.kube',
  '.gnupg',
  '.git-credentials',
  '.config/git/credentials',
  '.config/gh',
  // VS Code's user data: settings, secret storage, extension state.
  '.config/Code',
  '.vscode-server',
  '.config/code-server',
  '.local/share/code-server',
  // The same on macOS.
  'Library/Application Support/Code',
  'Library/Keychains',
];

export interface SecretEntry {
  path: string;
  kind: 'dir' | 'file';
}

/** The secret paths under `home` that exist now, with their kind; missing ones need no cover. */
export function existingSecrets(home: string): SecretEntry[] {
  const found: SecretEntry[] = [];
  for (const rel of SECRET_PATHS) {
    const full = path.join(home, rel);
    let info;
    try {
      info = statSync(full, { throwIfNoEntry: false });
    } catch {
      continue; // Unreadable to us: then also to the test code, which runs as us.
    }
    if (info) found.push({ path: full, kind: info.isDirectory() ? 'dir' : 'file' });
  }
  return found;
}
