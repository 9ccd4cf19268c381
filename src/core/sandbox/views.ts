import { overlayRefusal } from './overlay';
import { reflinkRefusal } from './reflink';
import type { SandboxKind } from './types';

export type SandboxViewChoice = SandboxKind | 'auto';

/** Forces a kind of sandbox for every run (e.g. to compare them); a named kind that is unavailable is an error. */
export const VIEW_ENV = 'SELF_REPAIR_SANDBOX_VIEW';
const CHOICES: readonly SandboxViewChoice[] = ['auto', 'overlay', 'reflink', 'copy'];

export interface ViewRequest {
  /** Default: $SELF_REPAIR_SANDBOX_VIEW, else 'auto' (overlay, else reflink, else copy). */
  view?: SandboxViewChoice;
  exclude: readonly string[];
  unshare: string;
}

export interface ViewDecision {
  kind: SandboxKind;
  /** Why the cheaper kinds were not used. */
  fallback?: string;
}

/** The cheapest view of `source` this machine allows, each kind tried once per place and then remembered. */
export async function chooseView(source: string, tmpDir: string, request: ViewRequest): Promise<ViewDecision> {
  const wanted = viewChoice(request.view);
  const reasons: string[] = [];
  if (wanted === 'auto' || wanted === 'overlay') {
    // An overlay shows the whole project; leaving paths out takes a copy.
    const refused = request.exclude.length
      ? 'some paths are excluded'
      : await overlayRefusal(source, tmpDir, request.unshare);
    if (!refused) return { kind: 'overlay' };
    if (wanted === 'overlay') throw new Error(`overlay sandbox unavailable: ${refused}`);
    reasons.push(`no overlay: ${refused}`);
  }
  if (wanted === 'auto' || wanted === 'reflink') {
    const refused = await reflinkRefusal(source, tmpDir);
    if (!refused) return { kind: 'reflink', ...(reasons.length ? { fallback: reasons.join('; ') } : {}) };
    if (wanted === 'reflink') throw new Error(`reflink sandbox unavailable: ${refused}`);
    reasons.push(`no reflinks: ${refused}`);
  }
  return { kind: 'copy', ...(reasons.length ? { fallback: reasons.join('; ') } : {}) };
}

function viewChoice(given: SandboxViewChoice | undefined): SandboxViewChoice {
  const wanted = given ?? (process.env[VIEW_ENV] || 'auto');
  if (!CHOICES.includes(wanted as SandboxViewChoice)) {
    throw new Error(
      `unknown sandbox view "${wanted}" (${given ? 'option view' : VIEW_ENV}): use ${CHOICES.join(', ')}`,
    );
  }
  return wanted as SandboxViewChoice;
}
