/**
 * The workflows and manifests the docs show are meant to be copied: each ```yaml block must
 * parse as YAML (the `yaml` package, YAML 1.2). docs/shards.md's CI matrix and docs/ci.md's
 * cache step once held a GitHub Actions expression (`${{ … }}`) unquoted inside a flow mapping
 * (`with: { … }`), where `{` cannot be part of a plain scalar (YAML 1.2, 7.3.3), and GitHub
 * refuses such a workflow (found by review).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = [...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)), 'README.md'];

/** Each ```yaml block of a file: its text and the line it starts on. */
function yamlBlocks(file: string): { at: string; text: string }[] {
  const out: { at: string; text: string }[] = [];
  let block: string[] | null = null;
  let start = 0;
  readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
    if (block === null && /^```ya?ml\s*$/.test(line)) {
      block = [];
      start = i + 2;
    } else if (block !== null && line.startsWith('```')) {
      out.push({ at: `${file}:${start}`, text: block.join('\n') });
      block = null;
    } else block?.push(line);
  });
  return out;
}

describe('YAML in the docs', () => {
  const blocks = DOCS.flatMap(yamlBlocks);

  it('has the workflows and manifests it shows', () => {
    // docs/ci.md's workflows and docs/shards.md's matrix and Kubernetes Job, at least.
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it('parses, every block', () => {
    const bad = blocks.flatMap(({ at, text }) => parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors : [])).map((e) => `${at}: ${e.message.split('\n')[0]}`));
    expect(bad).toEqual([]);
  });

  it('would have caught the unquoted expression in a flow mapping', () => {
    const was = 'steps:\n  - uses: actions/cache@v4\n    with: { path: x, key: sel-checkpoint-${{ github.run_id }} }\n';
    expect(parseAllDocuments(was).flatMap((d) => ('errors' in d ? d.errors : [])).length).toBeGreaterThan(0);
  });
});
