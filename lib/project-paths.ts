import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: Lambda entry files and the lock file are found from it. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function projectPath(relative: string): string {
  return join(projectRoot, relative);
}
