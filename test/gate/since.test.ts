/** `--since REF` on a real Git repository: the commit's time, from its second on. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSince } from '../../src/cli/gate.js';
import { GateCollector } from '../../src/gate/gate.js';
import { commit, git, initRepo } from '../helpers/git.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-since-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--since REF', () => {
  it('counts an event in the commit\'s own second, at its first millisecond too (git records whole seconds), and not one before it', async () => {
    const repo = initRepo(join(tmp, 'repo'));
    commit(repo, 'release');
    const date = git(repo, 'log', '-1', '--format=%cI');
    const second = new Date(Date.parse(date)).toISOString();
    const since = await resolveSince(repo, 'HEAD');
    expect(since).toMatchObject({ kind: 'ts', label: `HEAD (${date})` });
    const c = new GateCollector(since);
    const at = (ts: string) => ({ chain: 'c', seq: 0, ts });
    expect(c.inRange(at(second))).toBe(true);
    expect(c.inRange(at(new Date(Date.parse(date) - 1).toISOString()))).toBe(false);
  });
});
