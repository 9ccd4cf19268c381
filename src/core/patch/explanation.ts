/** The explanation in a model's reply: the prose under an explanation heading, else all of it. */

/** Marks where an edit block stood among the prose lines: an explanation section ends there. */
export const EDIT = Symbol('edit');

const EXPLANATION_TITLE = /\b(?:explanation|root cause|cause|analysis|diagnosis|what went wrong|why)\b/i;
const FIX_TITLE = /\b(?:fix|fixed|solution|patch|change|changes|code|diff|update|updated|corrected|test|tests)\b/i;
const PLAIN_HEADING =
  /^\s*(explanation|root cause|cause|analysis|diagnosis|fix|the fix|solution|patch|changes?|reason)\s*:\s*(.*)$/i;

function heading(line: string): { title: string; rest: string } | undefined {
  const md = /^\s*#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (md) return { title: md[1], rest: '' };
  const bold = /^\s*(?:\*\*|__)([^*_]{1,60}?)(?:\*\*|__)\s*:?\s*(.*)$/.exec(line);
  // `**The bug**: …` opening a paragraph is prose; a bold line alone or `**Fix:** …` is a heading
  if (bold && (bold[2] === '' || PLAIN_HEADING.test(`${bold[1].replace(/\s*:$/, '')}:`))) {
    return { title: bold[1].replace(/\s*:$/, ''), rest: bold[2] };
  }
  const plain = PLAIN_HEADING.exec(line);
  if (plain) return { title: plain[1], rest: plain[2] };
  return undefined;
}

/**
 * The explanation part when the reply has one (from an "Explanation"/"Root cause"/… heading up to the next
 * "Fix"/"Solution"/… heading or edit block), else all of its prose. Heading lines themselves are dropped.
 */
export function explanationFrom(prose: Array<string | typeof EDIT>): string {
  const sections: Array<{ title?: string; body: string[]; afterEdit?: boolean }> = [{ body: [] }];
  for (const line of prose) {
    if (line === EDIT) {
      sections.push({ body: [], afterEdit: true });
      continue;
    }
    const h = heading(line);
    if (h) sections.push({ title: h.title, body: h.rest ? [h.rest] : [] });
    else sections[sections.length - 1].body.push(line);
  }
  const chosen: typeof sections = [];
  let inside = false;
  for (const s of sections) {
    if (s.afterEdit) inside = false;
    if (s.title !== undefined) {
      if (EXPLANATION_TITLE.test(s.title)) inside = true;
      else if (FIX_TITLE.test(s.title)) inside = false;
    }
    if (inside) chosen.push(s);
  }
  return (chosen.length ? chosen : sections)
    .flatMap((s) => [...s.body, ''])
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
