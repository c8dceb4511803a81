/**
 * Where sel may write a file it produces (src/ingest/output-file.ts): a new or regular file,
 * never a device, a pipe, a directory or a log being verified. (From mutation testing: only
 * whole runs covered it, and not every refusal.)
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

  it('says what a target that is not a regular file is: a device, a socket (from mutation testing)', async () => {
    // A rename over /dev/null replaced the machine's null device with a file.
    await refused(outputTarget('/dev/null', 'the shard result', []), 'the shard result /dev/null is a device, not a file sel may replace: name a new or regular file');
    const socket = join(tmp, 'sock');
    const server = createServer();
    await new Promise<void>((done) => server.listen(socket, done));
    try {
      await refused(outputTarget(socket, 'checkpoint', []), `checkpoint ${socket} is a socket, not a file sel may replace`);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('refuses a link to a *.jsonl file of a log directory whose name is not UTF-8: the run skips it, but it is among the logs (from mutation testing)', async () => {
    // Not one of the files read, so not among `inputs`: the rename replaced it through the link.
    const logs = join(tmp, 'odd-logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'a.jsonl'), '');
    const odd = Buffer.concat([Buffer.from(`${logs}/`), Buffer.from([0xff]), Buffer.from('.jsonl')]);
    writeFileSync(odd, 'evidence');
    const link = join(tmp, 'odd-link.shard');
    symlinkSync(odd, link);
    await refused(outputTarget(link, 'the shard result', [join(logs, 'a.jsonl')], [logs]), `the shard result ${link} is the log ${join(logs, '\ufffd.jsonl')}: sel does not overwrite the logs it verifies`);
    // A link to a file beside the logs that is none of them is written through, as before.
    writeFileSync(join(logs, 'notes.txt'), '');
    symlinkSync(join(logs, 'notes.txt'), join(tmp, 'notes-link'));
    expect(await outputTarget(join(tmp, 'notes-link'), 'the shard result', [join(logs, 'a.jsonl')], [logs])).toBe(join(logs, 'notes.txt'));
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
