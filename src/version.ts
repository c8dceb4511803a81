import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './assets.js';

/** The package version (a test keeps it equal to package.json's). */
export const VERSION = '0.1.0';

/** What dist/sel/BUILD holds: `sha256:` and 64 hex digits. */
const BUILD_ID = /^sha256:[0-9a-f]{64}$/;

let build: string | null | undefined;

/**
 * The build of sel that runs: the digest `npm run build` writes to dist/sel/BUILD (SHA-256 of
 * the bundled binary, the command line it loads and its worker, src/cli/bundle.mjs), or null when there is none (tsc's
 * output alone). A shard result records it, and `sel merge` refuses results written by another
 * build than its own (src/shard/merge.ts): the merge applies records made by the shards' line
 * check and evaluator as its own, so they must be the same code. The version does not tell:
 * it stays the same between releases.
 */
export function buildId(): string | null {
  if (build !== undefined) return build;
  let text: string;
  try {
    text = readFileSync(join(packageRoot(), 'dist', 'sel', 'BUILD'), 'utf8').trim();
  } catch {
    return (build = null);
  }
  return (build = BUILD_ID.test(text) ? text : null);
}
