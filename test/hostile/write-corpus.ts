/** `npm run corpus`: writes test/hostile/corpus/ from buildCorpus(). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/assets.js';
import { buildCorpus } from './corpus.js';

export function writeCorpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const corpus = buildCorpus();
  const expected: Record<string, { expected: readonly string[]; about: string }> = {};
  for (const name of Object.keys(corpus).sort()) {
    writeFileSync(join(dir, name), corpus[name]!.bytes);
    expected[name] = { expected: corpus[name]!.expected, about: corpus[name]!.about };
  }
  writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeCorpus(join(packageRoot(), 'test', 'hostile', 'corpus'));
}
