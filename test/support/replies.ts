import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A scripted model reply from `test/fixtures/replies/<scenario>/reply.md`. */
export function reply(scenario: string): string {
  return readFileSync(path.resolve(__dirname, '..', 'fixtures', 'replies', scenario, 'reply.md'), 'utf8');
}
