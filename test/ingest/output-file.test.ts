/**
 * Where sel may write a file it produces (src/ingest/output-file.ts): a new or regular file,
 * never a device, a pipe, a directory or a log being verified. (From mutation testing: only
 * whole runs covered it, and not every refusal.)
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { outputTarget, temporaryBeside } from '../../src/ingest/output-file.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'sel-output-')));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const refused = async (p: Promise<unknown>, text: string): Promise<void> => {
  await expect(p).rejects.toThrow(OperatorError);
  await expect(p).rejects.toThrow(text);
};

describe('outputTarget', () => {
  it('writes a new file in a directory that exists, and a regular file through a link to it', async () => {
    expect(await outputTarget(join(tmp, 'new.json'), 'the shard result', [])).toBe(join(tmp, 'new.json'));
    writeFileSync(join(tmp, 'real.json'), '{}');
    symlinkSync(join(tmp, 'real.json'), join(tmp, 'link.json'));
    // The file the link names: the link stays a link.
    expect(await outputTarget(join(tmp, 'link.json'), 'the shard result', [])).toBe(join(tmp, 'real.json'));
  });

  it('refuses a directory that does not exist or is not one, a link to nothing, and a target that is not a regular file', async () => {
    await refused(outputTarget(join(tmp, 'missing', 'x.json'), 'the shard result', []), `the directory ${join(tmp, 'missing')} does not exist`);
    writeFileSync(join(tmp, 'plain'), '');
    // Under a file: the error the system gives, not taken for a name that does not exist yet.
    await refused(outputTarget(join(tmp, 'plain', 'x.json'), 'the shard result', []), `cannot write the shard result ${join(tmp, 'plain', 'x.json')}: a part of the path is not a directory`);
    symlinkSync(join(tmp, 'nothing.json'), join(tmp, 'dangling.json'));
    await refused(outputTarget(join(tmp, 'dangling.json'), 'the shard result', []), 'it is a symbolic link to a file that does not exist');
    mkdirSync(join(tmp, 'dir.json'));
    await refused(outputTarget(join(tmp, 'dir.json'), 'the shard result', []), 'is a directory, not a file sel may replace');
  });

  it('refuses one of the logs it verifies, under any name, and a new *.jsonl file in a log directory', async () => {
    const logs = join(tmp, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'a.jsonl'), '');
    symlinkSync(join(logs, 'a.jsonl'), join(tmp, 'a-link.jsonl'));
    await refused(outputTarget(join(tmp, 'a-link.jsonl'), 'the checkpoint', [join(logs, 'a.jsonl')]), `is the log ${join(logs, 'a.jsonl')}`);
    await refused(outputTarget(join(logs, 'result.jsonl'), 'the checkpoint', [], [logs]), 'which the next run would read as a log');
    expect(await outputTarget(join(logs, 'result.json'), 'the checkpoint', [], [logs])).toBe(join(logs, 'result.json'));
    expect(await outputTarget(join(tmp, 'result.jsonl'), 'the checkpoint', [], [logs])).toBe(join(tmp, 'result.jsonl'));
  });
});

describe('temporaryBeside', () => {
  it('removes a file or a link a killed run left, not what the link names', async () => {
    writeFileSync(join(tmp, 'target.json'), 'kept');
    writeFileSync(join(tmp, 'out.json.tmp'), 'left');
    expect(await temporaryBeside(join(tmp, 'out.json'), '.tmp')).toBe(join(tmp, 'out.json.tmp'));
    expect(existsSync(join(tmp, 'out.json.tmp'))).toBe(false);
    symlinkSync(join(tmp, 'target.json'), join(tmp, 'other.json.tmp'));
    await temporaryBeside(join(tmp, 'other.json'), '.tmp');
    expect(() => lstatSync(join(tmp, 'other.json.tmp'))).toThrow();
    expect(existsSync(join(tmp, 'target.json'))).toBe(true);
  });
});
