import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { CANDIDATE_SCHEME } from '../logic/ids';

export { CANDIDATE_SCHEME };

/**
 * Read-only documents for the review: the original snapshot and the candidate of each file, and the
 * explanation. A URI is `self-repair-candidate:/<project path>?<session>/<candidate>/<side>`: both
 * sides of a diff share the file's own path (so the editor picks its language and the multi-file diff
 * shows no rename), the query tells them apart.
 */
export class CandidateContentProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, this));
  }

  add(file: string, key: ReviewKey, text: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: CANDIDATE_SCHEME,
      path: `/${file}`,
      query: `${key.session}/${key.candidate}/${key.side}`,
    });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This Self-repair candidate is no longer under review.\n';
  }

  /** Forgets every document of a session (its tabs are closed first). */
  forget(session: string): void {
    for (const key of [...this.texts.keys()]) {
      if (reviewKey(vscode.Uri.parse(key))?.session === session) this.texts.delete(key);
    }
  }
}

export interface ReviewKey {
  session: string;
  candidate: string;
  side: 'original' | 'candidate' | 'explanation';
}

/** Which review document a URI is, or undefined for any other URI. */
export function reviewKey(uri: vscode.Uri): ReviewKey | undefined {
  if (uri.scheme !== CANDIDATE_SCHEME) return undefined;
  const [session, candidate, side] = uri.query.split('/');
  if (!session || !candidate || (side !== 'original' && side !== 'candidate' && side !== 'explanation'))
    return undefined;
  return { session, candidate, side };
}
