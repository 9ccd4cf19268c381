/** Keeping one request's prompt within its token budget: the parts worth most are kept first. */

/**
 * Characters per token the estimate assumes. The endpoint may serve any model, each with its own
 * tokenizer, and bundling one vendor's tokenizer would be heavy and still wrong for the others. BPE
 * tokenizers (GPT, Llama, Qwen, Mistral) average about 4 characters a token on English prose but fewer
 * on code (indentation, punctuation, short names), so 3.5 errs on the side of counting too many: a
 * prompt estimated within its budget is within it for most models.
 */
export const CHARS_PER_TOKEN = 3.5;

/** Tokens a chat message costs beyond its text: its role and the chat template's separators. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** A core part is never cut below this many characters, so that even a tiny budget shows some of it. */
const MIN_TRIMMED_CHARS = 300;

/** Rounds of cutting the core parts; each one takes back what the markers and the rounding added. */
const TRIM_ROUNDS = 12;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** A piece of the user message that can be left out (or, for the core, cut) to keep the prompt within budget. */
export interface PromptPart {
  /** Named in the log when left out or cut, e.g. `function foo (more.py)`. */
  name: string;
  text: string;
  /** For a core part: never left out, cut instead (with a visible marker) to at most about `maxChars`. */
  trim?: (maxChars: number) => string;
  /** Parts of one kind that together may take at most this share of the budget (e.g. further failures). */
  pool?: { kind: string; share: number };
}

/** What the budget did to one request's prompt. */
export interface PromptFit {
  /** System prompt and user message together, estimated (characters / 3.5). */
  estimatedTokens: number;
  budget: number;
  /** Parts cut short, each with a `… N lines left out …` marker. */
  trimmed: string[];
  /** Parts left out whole, in order of value. */
  omitted: string[];
}

/** The text each kept part has in the prompt (cut for a trimmed core part); undefined for a part left out. */
export type KeptText = (part: PromptPart) => string | undefined;

/**
 * Fits the user message within `budget` tokens, system prompt included. The core parts (those with
 * `trim`) are always kept, cut to fair shares when they do not fit together; then every other part,
 * in the order given (most valuable first), is kept whole if it still fits and left out otherwise.
 * `render` lays the kept parts out in reading order.
 */
export function fitPrompt(
  system: string,
  parts: readonly PromptPart[],
  render: (kept: KeptText) => string,
  budget: number,
): { user: string; fit: PromptFit } {
  const kept = new Map<PromptPart, string>();
  const measure = (): number =>
    estimateTokens(system) + estimateTokens(render((p) => kept.get(p))) + 2 * MESSAGE_OVERHEAD_TOKENS;
  const core = parts.filter((p) => p.trim);
  for (const part of core) kept.set(part, part.text);
  const trimmed = measure() > budget ? trimCore(core, kept, measure, budget) : [];
  const omitted: string[] = [];
  const pooled = new Map<string, number>();
  for (const part of parts) {
    if (part.trim) continue;
    const pool = part.pool ? (pooled.get(part.pool.kind) ?? 0) + estimateTokens(part.text) : 0;
    const poolFull = part.pool !== undefined && pool > part.pool.share * budget;
    kept.set(part, part.text);
    if (poolFull || measure() > budget) {
      kept.delete(part);
      omitted.push(part.name);
    } else if (part.pool) pooled.set(part.pool.kind, pool);
  }
  const user = render((p) => kept.get(p));
  return { user, fit: { estimatedTokens: measure(), budget, trimmed, omitted } };
}

/** Cuts the core parts to equal shares of what is left (parts smaller than a share stay whole); returns the names cut. */
function trimCore(
  core: readonly PromptPart[],
  kept: Map<PromptPart, string>,
  measure: () => number,
  budget: number,
): string[] {
  const sizes = core.map((p) => p.text.length);
  let room = sizes.reduce((a, b) => a + b, 0);
  for (let round = 0; round < TRIM_ROUNDS && measure() > budget; round++) {
    room -= Math.ceil((measure() - budget) * CHARS_PER_TOKEN);
    const share = Math.max(MIN_TRIMMED_CHARS, fairShare(sizes, room));
    core.forEach((part, i) => kept.set(part, sizes[i]! > share ? part.trim!(share) : part.text));
  }
  return core.filter((part) => kept.get(part) !== part.text).map((p) => p.name);
}

/** The largest cap `c` with the sizes, each capped at `c`, summing to at most `room`. */
export function fairShare(sizes: readonly number[], room: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let left = Math.max(0, room);
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return share;
    left -= sorted[i]!;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * `text` in at most about `maxChars` characters and `maxLines` lines: whole lines from its head
 * (`headShare` of the room) and from its tail, with `… N lines left out …` between them. A first line
 * too long on its own is cut.
 */
export function cutLines(text: string, maxChars: number, headShare = 0.5, maxLines = Number.POSITIVE_INFINITY): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (text.length <= maxChars && lines.length <= maxLines) return text;
  const room = Math.max(0, maxChars - 30);
  const headLines = Math.max(1, Math.floor(maxLines * headShare));
  const head: string[] = [];
  let used = 0;
  while (head.length < Math.min(lines.length, headLines) && used + lines[head.length]!.length + 1 <= room * headShare) {
    used += lines[head.length]!.length + 1;
    head.push(lines[head.length]!);
  }
  if (head.length === 0) {
    const cut = Math.max(1, Math.floor(room * headShare));
    head.push(`${lines[0]!.slice(0, cut)}…`);
    used += cut + 1;
  }
  const tail: string[] = [];
  for (let i = lines.length - 1; i >= head.length; i--) {
    if (used + lines[i]!.length + 1 > room || head.length + tail.length + 1 > maxLines) break;
    used += lines[i]!.length + 1;
    tail.unshift(lines[i]!);
  }
  const left = lines.length - head.length - tail.length;
  if (left === 0) return [...head, ...tail].join('\n');
  return [...head, `… ${left} ${left === 1 ? 'line' : 'lines'} left out …`, ...tail].join('\n');
}
