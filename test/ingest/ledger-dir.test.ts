/**
 * readLedgerDir: ledger/ read from a directory (`sel policy eval --ledger DIR`), keyed by the
 * repository-relative paths replay reads from Git, for the same builder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { readLedgerDir } from '../../src/ingest/ledger-dir.js';
import { MAX_ARTIFACT_BYTES } from '../../src/policy/ledger.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-ledger-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const anchor = (chain: string, seq: number) => `${JSON.stringify({ v: 'sel.anchor/1', chain, seq, hash: `sha256:${'a'.repeat(64)}`, ts: '2026-11-01T12:00:00.000Z' })}\n`;

function repo(name: string, files: Record<string, string>): string {
  const root = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('readLedgerDir', () => {
  it('reads the artifacts under ledger/, in directories of their own too, by their paths in the repository', async () => {
    // (From mutation testing: no test read a ledger from a directory.) An anchor is two
    // directories down (ledger/anchors/<chain>/<seq>.json).
    const root = repo('nested', { 'ledger/anchors/prod/5.json': anchor('prod', 5), 'ledger/anchors/dev/0.json': anchor('dev', 0), 'policy/x.json': '{}' });
    const { ledger } = await readLedgerDir(root);
    expect([...ledger.anchors.keys()].sort()).toEqual(['ledger/anchors/dev/0.json', 'ledger/anchors/prod/5.json']);
    expect([...ledger.files.keys()].sort()).toEqual(['ledger/anchors/dev/0.json', 'ledger/anchors/prod/5.json']);
    expect(ledger.problems).toEqual([]);
  });

  it('does not follow a symbolic link: an artifact is what the repository holds, as in Git', async () => {
    // (From mutation testing.)
    const root = repo('link', { 'ledger/anchors/prod/5.json': anchor('prod', 5), 'elsewhere/6.json': anchor('prod', 6) });
    symlinkSync(join(root, 'elsewhere', '6.json'), join(root, 'ledger', 'anchors', 'prod', '6.json'));
    const { ledger } = await readLedgerDir(root);
    expect([...ledger.anchors.keys()]).toEqual(['ledger/anchors/prod/5.json']);
    expect(ledger.problems).toEqual([{ path: 'ledger/anchors/prod/6.json', message: 'a symbolic link is not a ledger artifact; it is not used' }]);
  });

  it('says why each file it does not use is not used, as replay does for a tree in Git: too large, nested too deep, not valid', async () => {
    // It skipped the first two silently, so `sel policy eval --ledger` evaluated without an
    // exception and said nothing of it (found by mutation testing).
    const root = repo('problems', {
      'ledger/anchors/prod/5.json': anchor('prod', 5),
      'ledger/exceptions/EX-big.json': `${' '.repeat(MAX_ARTIFACT_BYTES)}{}`,
      'ledger/a/b/c/d/e/deep.json': '{}',
      'ledger/a/b/c/d/shallow.txt': 'read, and not an artifact',
      'ledger/anchors/prod/7.json': '{"v":',
    });
    const { ledger } = await readLedgerDir(root);
    expect([...ledger.anchors.keys()]).toEqual(['ledger/anchors/prod/5.json']);
    expect(ledger.problems).toEqual([
      { path: 'ledger/a/b/c/d/e', message: 'the directory is nested too deep to be part of the ledger' },
      { path: 'ledger/anchors/prod/7.json', message: expect.stringMatching(/^the artifact is not strict JSON/) },
      { path: 'ledger/exceptions/EX-big.json', message: `the artifact is ${MAX_ARTIFACT_BYTES + 2} bytes, more than ${MAX_ARTIFACT_BYTES}` },
    ]);
  });

  it('reads an artifact of exactly the size limit, one byte more is not read; a named pipe is a special file, not a link (from mutation testing)', async () => {
    const root = repo('edges', {
      'ledger/exceptions/EX-edge.json': `${' '.repeat(MAX_ARTIFACT_BYTES - 2)}{}`,
      'ledger/exceptions/EX-over.json': `${' '.repeat(MAX_ARTIFACT_BYTES - 1)}{}`,
    });
    execFileSync('mkfifo', [join(root, 'ledger', 'exceptions', 'EX-pipe.json')]);
    const { ledger } = await readLedgerDir(root);
    expect(ledger.problems.map((p) => [p.path, p.message])).toEqual([
      ['ledger/exceptions/EX-edge.json', expect.not.stringMatching(/bytes, more than/)],
      ['ledger/exceptions/EX-over.json', `the artifact is ${MAX_ARTIFACT_BYTES + 1} bytes, more than ${MAX_ARTIFACT_BYTES}`],
      ['ledger/exceptions/EX-pipe.json', 'a special file is not a ledger artifact; it is not used'],
    ]);
  });

  it('is the operator\'s error (exit 2) when there is no ledger/ to read, not an empty ledger', async () => {
    // (From mutation testing.) A mistyped --ledger would otherwise evaluate without reviews or exceptions, silently.
    const root = repo('none', { 'policy/x.json': '{}' });
    await expect(readLedgerDir(root)).rejects.toThrow(OperatorError);
    await expect(readLedgerDir(root)).rejects.toThrow(`cannot read ${join(root, 'ledger')}`);
  });

  it('says of a file whose name is not UTF-8 that its name is not, not that it does not exist', async () => {
    // Read as a string, the name held U+FFFD, named no file, and lstat said it did not exist.
    const root = repo('latin1', { 'ledger/anchors/prod/5.json': anchor('prod', 5) });
    writeFileSync(Buffer.concat([Buffer.from(join(root, 'ledger', 'anchors', 'prod', 'caf')), Buffer.from([0xe9]), Buffer.from('.json')]), anchor('prod', 6));
    const { ledger } = await readLedgerDir(root);
    expect([...ledger.anchors.keys()]).toEqual(['ledger/anchors/prod/5.json']);
    expect(ledger.problems).toEqual([{ path: 'ledger/anchors/prod/caf\uFFFD.json', message: 'its name is not UTF-8, so sel cannot open it by name: it is not used' }]);
  });
});
