/**
 * readPolicyDir (src/ingest/policy-dir.ts): the *.json files of a policy directory, or of the
 * policy/ directory of a repository root, as bytes; what is not a regular file of a bounded
 * size is refused, saying why. (From mutation testing.)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { readPolicyDir } from '../../src/ingest/policy-dir.js';
import { MAX_POLICY_FILE_BYTES } from '../../src/policy/bundle.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-policy-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readPolicyDir', () => {
  it('reads the *.json files of the directory, or of policy/ under a repository root, and nothing else', async () => {
    const root = join(tmp, 'repo');
    mkdirSync(join(root, 'policy'), { recursive: true });
    writeFileSync(join(root, 'README.md'), '#');
    writeFileSync(join(root, 'policy', 'b.json'), '{"b":1}');
    writeFileSync(join(root, 'policy', 'a.json'), '{"a":1}');
    writeFileSync(join(root, 'policy', 'a.json.orig'), '{}');
    writeFileSync(join(root, 'policy', 'notes.txt'), '');
    for (const arg of [root, join(root, 'policy')]) {
      const d = await readPolicyDir(arg);
      expect(d.dir).toBe(join(root, 'policy'));
      expect([...d.files.keys()]).toEqual(['a.json', 'b.json']);
      expect(Buffer.from(d.files.get('a.json')!).toString()).toBe('{"a":1}');
      expect(d.refused).toEqual([]);
    }
  });

  it('reads policy/ of a repository root that holds other *.json files too (a renovate.json, a package.json), as Git history has the bundle', async () => {
    const root = join(tmp, 'repo-with-json');
    mkdirSync(join(root, 'policy'), { recursive: true });
    writeFileSync(join(root, 'renovate.json'), '{"extends":["config:base"]}');
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'policy', 'a.json'), '{"a":1}');
    const d = await readPolicyDir(root);
    expect(d.dir).toBe(join(root, 'policy'));
    expect([...d.files.keys()]).toEqual(['a.json']);
  });

  it('refuses a repository root whose policy/ is a symbolic link: Git history holds no bundle there', async () => {
    const root = join(tmp, 'repo-linked');
    mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
    writeFileSync(join(tmp, 'elsewhere', 'a.json'), '{"a":1}');
    mkdirSync(root, { recursive: true });
    symlinkSync(join(tmp, 'elsewhere'), join(root, 'policy'));
    await expect(readPolicyDir(root)).rejects.toThrow(OperatorError);
    await expect(readPolicyDir(root)).rejects.toThrow('is a symbolic link');
  });

  it('refuses a repository root whose policy/ is a submodule (a .git entry in it): Git history holds a commit id there, no bundle', async () => {
    const root = join(tmp, 'repo-submodule');
    mkdirSync(join(root, 'policy'), { recursive: true });
    writeFileSync(join(root, 'policy', 'a.json'), '{"a":1}');
    expect([...(await readPolicyDir(root)).files.keys()]).toEqual(['a.json']);
    writeFileSync(join(root, 'policy', '.git'), 'gitdir: ../.git/modules/policy\n');
    await expect(readPolicyDir(root)).rejects.toThrow(OperatorError);
    await expect(readPolicyDir(root)).rejects.toThrow('is a Git submodule');
  });

  it('refuses a link, a directory and a file over the size limit among them, saying why, and reads the rest', async () => {
    const dir = join(tmp, 'odd');
    mkdirSync(join(dir, 'sub.json'), { recursive: true });
    writeFileSync(join(dir, 'ok.json'), '{}');
    writeFileSync(join(tmp, 'outside.json'), '{}');
    symlinkSync(join(tmp, 'outside.json'), join(dir, 'link.json'));
    writeFileSync(join(dir, 'big.json'), Buffer.alloc(MAX_POLICY_FILE_BYTES + 1, 0x20));
    writeFileSync(join(dir, 'edge.json'), Buffer.alloc(MAX_POLICY_FILE_BYTES, 0x20));
    const d = await readPolicyDir(dir);
    expect([...d.files.keys()]).toEqual(['edge.json', 'ok.json']);
    expect(d.refused).toEqual([
      { file: 'big.json', reason: `it is ${MAX_POLICY_FILE_BYTES + 1} bytes, more than ${MAX_POLICY_FILE_BYTES}` },
      { file: 'link.json', reason: 'it is a symbolic link' },
      { file: 'sub.json', reason: 'it is not a regular file' },
    ]);
  });

  it('reads only names that end in .json, in the order of their UTF-16 code units (not of their bytes), and a directory beside a file named policy (from mutation testing)', async () => {
    const dir = join(tmp, 'order');
    mkdirSync(dir);
    // Node.js lists a directory in the order of the names' bytes; sel's order is of their UTF-16
    // code units, as the bundle's and the findings' are: U+FF01 is before U+1F600 in bytes, after it there.
    const names = ['\uff01.json', '\u{1f600}.json', 'b.json', 'a.json'];
    for (const n of names) symlinkSync(join(tmp, 'nowhere'), join(dir, n));
    writeFileSync(join(dir, 'ok.json'), '{}');
    writeFileSync(join(dir, 'notes.xjson'), '{}');
    writeFileSync(join(dir, 'json'), '{}');
    // A regular file named policy is no repository's policy/ directory: the directory is the bundle.
    writeFileSync(join(dir, 'policy'), '{}');
    const d = await readPolicyDir(dir);
    expect(d.dir).toBe(dir);
    expect([...d.files.keys()]).toEqual(['ok.json']);
    // DIR itself may be a symbolic link to the directory (only the entries in it may not be).
    symlinkSync(dir, join(tmp, 'order-link'));
    expect([...(await readPolicyDir(join(tmp, 'order-link'))).files.keys()]).toEqual(['ok.json']);
    expect(d.refused.map((r) => r.file)).toEqual(['a.json', 'b.json', '\u{1f600}.json', '\uff01.json']);
  });

  it('is the operator\'s error for a file, or a directory with no policy files', async () => {
    writeFileSync(join(tmp, 'file.json'), '{}');
    await expect(readPolicyDir(join(tmp, 'file.json'))).rejects.toThrow(`${join(tmp, 'file.json')} is not a directory`);
    mkdirSync(join(tmp, 'empty'));
    await expect(readPolicyDir(join(tmp, 'empty'))).rejects.toThrow(OperatorError);
    await expect(readPolicyDir(join(tmp, 'empty'))).rejects.toThrow('holds no policy files');
  });
});
