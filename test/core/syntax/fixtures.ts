import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/syntax');

/** Text of `test/fixtures/syntax/<scenario>/<file>`. */
export function fixture(scenario: string, file: string): string {
  return fs.readFileSync(path.join(FIXTURES, scenario, file), 'utf8');
}
