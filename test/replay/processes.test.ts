// git commands started several at once through one shell (src/git/processes.ts): each gets its
// own output, error output, exit status and input, as when spawned alone, and nothing of theirs
// is read by the shell. Real git, a real repository in a temporary directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { safeEnv } from '../../src/git/git.js';
import { spawnGit, startGroup, type GitChild, type GroupCommand } from '../../src/git/processes.js';
import { commit, initRepo, write } from '../helpers/git.js';

const root = mkdtempSync(join(tmpdir(), 'sel-processes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = initRepo(join(root, 'repo'));
write(dir, { 'policy/a.json': '{}\n' });
const head = commit(dir, 'first');

interface Ended {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
  readonly error: string | null;
}

/** Reads a child to its end; `input`, when it takes one, is written and ended. */
function collect(child: GitChild, input?: string): Promise<Ended> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.onEnd((code, e) => resolve({ out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8'), code, error: e?.code ?? null }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

const cmd = (args: readonly string[], stdin = false): GroupCommand => ({ gitArgs: ['-C', dir, ...args], stdin });

// Arguments a shell would take apart, expand or run, if it ever parsed them.
const HOSTILE = ['a b', "it's", '"q"', '$HOME', '`id`', '$(id)', '; echo no', '*', '\\', 'line\nbreak', '-', '--x', '', 'é€😀'];

describe('git commands started together', () => {
  it('each give what the same command spawned alone gives: output, error output and status', async () => {
    const commands: GroupCommand[] = [
      cmd(['rev-parse', 'HEAD']),
      cmd(['rev-parse', '--verify', '--quiet', 'no-such-ref^{commit}']),
      cmd(['cat-file', '--batch-check'], true),
      cmd(['ls-tree', '-r', '--name-only', 'HEAD']),
      cmd(['no-such-command']),
      cmd(['cat-file', '--batch'], true),
      cmd(['rev-list', '--parents', 'HEAD']),
    ];
    const inputs = [undefined, undefined, `HEAD\n${head}:policy/a.json\nmissing\n`, undefined, undefined, `${head}:policy/a.json\n`, undefined];
    const together = await Promise.all(startGroup(commands, safeEnv()).map((c, i) => collect(c, inputs[i])));
    const alone = await Promise.all(commands.map((c, i) => collect(spawnGit(c.gitArgs, safeEnv()), inputs[i])));
    expect(together).toEqual(alone);
    expect(together[0]!.out).toBe(`${head}\n`);
    expect(together[1]!.code).toBe(1);
    expect(together[2]!.out).toMatch(/ commit \d+\n.* blob 3\nmissing missing\n$/);
    expect(together[4]!.code).not.toBe(0);
    expect(together[4]!.err).toMatch(/no-such-command/);
    expect(together[5]!.out).toMatch(/ blob 3\n\{\}\n\n$/);
  });

  it('reach git as written, never read by the shell', async () => {
    const marker = join(root, 'ran');
    const values = [...HOSTILE, `$(touch ${marker})`, `\`touch ${marker}\``];
    const children = startGroup(values.map((v) => ({ gitArgs: ['-c', `sel.test=${v}`, 'config', '--get', 'sel.test'], stdin: false })), safeEnv());
    const got = await Promise.all(children.map((c) => collect(c)));
    expect(got.map((g) => g.out)).toEqual(values.map((v) => `${v}\n`));
    expect(got.every((g) => g.code === 0)).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('fail as a missing git does when git is not on PATH', async () => {
    const env = { ...safeEnv(), PATH: join(root, 'nowhere') };
    const got = await Promise.all(startGroup([cmd(['rev-parse', 'HEAD']), cmd(['rev-parse', 'HEAD'])], env).map((c) => collect(c)));
    const alone = await collect(spawnGit(['rev-parse', 'HEAD'], env));
    expect(alone.error).toBe('ENOENT');
    expect(got.map((g) => g.error)).toEqual(['ENOENT', 'ENOENT']);
  });

  it('can be stopped, each alone, while the others go on', async () => {
    const [waiting, other] = startGroup([cmd(['cat-file', '--batch'], true), cmd(['cat-file', '--batch-check'], true)], safeEnv());
    const ended = collect(waiting!);
    // Its pid comes on the status pipe: stop it once it has started.
    for (let i = 0; i < 100; i++) {
      waiting!.kill();
      const done = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
      if (done) break;
    }
    const stopped = await ended;
    expect(stopped.code).not.toBe(0);
    expect(await collect(other!, 'HEAD\n')).toMatchObject({ code: 0, out: expect.stringMatching(/ commit /) });
  });

  it('do not keep this process running when not held, and do once held again', () => {
    // A node process starts two (one a cat-file that waits for input for ever) and lets go of
    // both: it exits at once, and stops the cat-file as it does. Holding the other again, it
    // exits once that one has answered. (The built module: npm test builds first.)
    const module = new URL('../../dist/src/git/processes.js', import.meta.url).href;
    const script = (hold: boolean) => `
      import { startGroup } from ${JSON.stringify(module)};
      const [a, b] = startGroup([{ gitArgs: ['-C', ${JSON.stringify(dir)}, 'cat-file', '--batch'], stdin: true }, { gitArgs: ['-C', ${JSON.stringify(dir)}, 'rev-parse', 'HEAD'], stdin: false }], { PATH: process.env.PATH });
      b.stdout.on('data', (d) => process.stdout.write(d));
      b.stderr.resume();
      b.onEnd(() => {});
      a.hold(false);
      b.hold(false);
      ${hold ? 'b.hold(true);' : ''}
      process.on('exit', () => a.kill());
    `;
    for (const hold of [false, true]) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(hold)], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(0);
      // Not held, it may exit before git has answered, or (rarely) after.
      if (hold) expect(r.stdout).toBe(`${head}\n`);
      else expect(['', `${head}\n`]).toContain(r.stdout);
    }
  });

  it('do not outlive this process, whether it exits before their pids have come or is ended by a signal', async () => {
    // Found by review: stopped at exit by a pid that had not come yet on the status pipe, a
    // prefetched git went on after sel had exited (a rev-list of a long history: minutes); and
    // a shell's background commands ignore ^C, which used to stop a git spawned alone. Each git
    // here would run for a minute (an alias that sleeps; git stops the sleep when it is stopped).
    const module = new URL('../../dist/src/git/processes.js', import.meta.url).href;
    // The processes whose arguments hold `text`: git's and its shells' hold `alias.nap=`.
    const running = (text: string): number[] =>
      readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(text);
        } catch {
          return false;
        }
      }).map(Number);
    for (const end of ['process.exit(2);', "process.kill(process.pid, 'SIGINT');", "process.kill(process.pid, 'SIGKILL');"]) {
      // In the arguments of git and of its sleep (which adds it to its 60 s).
      const marker = `0.${process.pid}${Date.now()}${end.length}`;
      const nap = { gitArgs: ['-c', `alias.nap=!exec sleep 60 ${marker}`, '-C', dir, 'nap'], stdin: false };
      const script = `
        import { startGroup } from ${JSON.stringify(module)};
        const children = startGroup([${JSON.stringify(nap)}, ${JSON.stringify(nap)}], { PATH: process.env.PATH });
        for (const c of children) c.hold(false);
        process.on('exit', () => { for (const c of children) c.kill(); });
        ${end}
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      let left = running(`alias.nap=!exec sleep 60 ${marker}`);
      for (let i = 0; i < 50 && left.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = running(`alias.nap=!exec sleep 60 ${marker}`);
      }
      // (A git stopped as it starts its alias may leave the sleep: git's own race, not counted.)
      for (const pid of running(marker)) process.kill(pid);
      expect(left, end).toEqual([]);
    }
  });

  it('fail as spawn does, without an unhandled error, when no descriptors are left for the shell', () => {
    // Found by review: a shell that could not be started for want of descriptors (EMFILE) has no
    // pipes: reading them threw a TypeError, and its 'error' event, unheard, ended the process
    // (exit status 1, a stack trace) where a git spawned alone had room. Each run below leaves
    // `spare` descriptors free under a limit of 64: whatever cannot start must fail as spawn
    // does (a throw, or an end with an error), and the process goes on.
    const module = new URL('../../dist/src/git/processes.js', import.meta.url).href;
    const script = `
      import { startGroup } from ${JSON.stringify(module)};
      import { closeSync, openSync } from 'node:fs';
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}
      for (let i = 0; i < Number(process.argv[1]); i++) closeSync(held.pop());
      let children = [];
      try {
        children = startGroup([0, 1].map(() => ({ gitArgs: ['-C', ${JSON.stringify(dir)}, 'rev-parse', 'HEAD'], stdin: false })), { PATH: process.env.PATH });
      } catch (e) {
        if (!(e instanceof Error) || e instanceof TypeError) throw e;
      }
      const ends = await Promise.all(children.map((c) => new Promise((resolve) => {
        c.onEnd((code, e) => resolve(e === null ? code : e.code));
        c.stdout.resume();
        c.stderr.resume();
      })));
      for (const fd of held) closeSync(fd);
      // A spawn's 'error' event comes on a later tick.
      setTimeout(() => process.stdout.write(JSON.stringify(ends)), 100);
    `;
    for (let spare = 0; spare <= 16; spare++) {
      const r = spawnSync('/bin/sh', ['-c', 'ulimit -n 64 && exec "$0" --input-type=module -e "$1" "$2"', process.execPath, script, String(spare)], { encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr, `spare ${spare}`).toBe('');
      expect(r.status, `spare ${spare}`).toBe(0);
      expect(r.stdout, `spare ${spare}`).toMatch(/^\[[^\]]*\]$/);
    }
  });
});
