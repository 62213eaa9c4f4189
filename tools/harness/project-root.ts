import { resolve } from 'node:path';

/** The project's root folder, and `shared/` beside it, wherever a test, bench or soak runs from. */
export const PROJECT_ROOT = resolve(__dirname, '../..');
export const SHARED_DIR = resolve(PROJECT_ROOT, '..', 'shared');
