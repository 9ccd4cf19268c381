import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface HumanEvalFixTask {
  task_id: string;
  prompt: string;
  declaration: string;
  buggy_solution: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

/**
 * The HumanEvalFix Python tasks, from ../shared/datasets/humanevalfix next to the repository (or
 * next to a folder above it, where a worktree lies deeper), or undefined when the data set is absent.
 */
export function humanEvalFixTasks(): HumanEvalFixTask[] | undefined {
  let dir = path.resolve(__dirname, '..', '..', '..');
  for (let i = 0; i < 4; i++) {
    const file = path.join(dir, '..', 'shared', 'datasets', 'humanevalfix', 'python.jsonl');
    if (existsSync(file)) {
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as HumanEvalFixTask);
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
