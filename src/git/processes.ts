/**
 * git processes, started one by one or several at once through one shell.
 *
 * Node's `spawn` forks the whole process and waits until the child has exec'd: on these VMs
 * that blocks the thread for ~8 ms per git command (3 ms for fork alone at 44 MB, more as the
 * heap grows). A replay begins with seven commands, so ~55 ms of its start went into spawn
 * calls while sel's modules waited to load. startGroup starts up to three commands with one
 * fork: a `/bin/sh` whose subshells run them in parallel, each with its own pipes, so only the
 * shell's fork and exec block this thread and the others happen in the shell. A replay's seven
 * commands now take three forks (~25 ms less of this thread, measured with --cpu-prof).
 *
 * Nothing of the caller's text is in the shell's script: the script is built from numbers
 * (descriptors, indices) and every argument, the directory included, reaches git as a
 * positional parameter ("${N}"), never parsed by the shell. Each command's exit status (and
 * its pid, to stop it) comes back on a status pipe; a command that could not be run as git
 * (status 127: not on PATH) fails as a missing git does when spawned alone.
 *
 * What differs from a command spawned alone: a shell's background commands ignore SIGINT, so
 * on ^C a git of a group is stopped (SIGTERM) by its watcher once sel has gone, not by the
 * terminal; and a git ended by a signal reports 128 + the signal's number, not null. Where
 * there is no /bin/sh, every command is spawned alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/** A git process: its pipes, its end, and how to stop it or let it not hold this process open. */
export interface GitChild {
  /** Standard input (null: /dev/null). */
  readonly stdin: Writable | null;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Called once: the exit code (null: ended by a signal when spawned alone, or its status never
   * came; 128 + the signal's number in a group) after its output has all been read; or the
   * error that kept it from running (code ENOENT: no git).
   */
  onEnd(cb: (code: number | null, error: NodeJS.ErrnoException | null) => void): void;
  /** Stops it if it still runs. */
  kill(): void;
  /** Whether it keeps this process running (a prefetched command does not until taken). */
  hold(held: boolean): void;
}

/** Each end, once: 'error' and 'close' may both come. */
function once(cb: (code: number | null, error: NodeJS.ErrnoException | null) => void): (code: number | null, error: NodeJS.ErrnoException | null) => void {
  let called = false;
  return (code, error) => {
    if (called) return;
    called = true;
    cb(code, error);
  };
}

/** ref/unref of a handle (sockets and child processes have both; the stream types do not say). */
function setHeld(handles: readonly unknown[], held: boolean): void {
  for (const h of handles as ({ ref?: () => unknown; unref?: () => unknown } | null)[]) {
    if (h === null) continue;
    if (held) h.ref?.();
    else h.unref?.();
  }
}

/** One git command, spawned alone. Throws when spawn itself fails (no descriptors left). */
export function spawnGit(gitArgs: readonly string[], env: NodeJS.ProcessEnv): GitChild {
  const child = spawn('git', gitArgs, { env, stdio: 'pipe' });
  if (child.stdout == null) {
    // Not started for want of descriptors (EMFILE, ENFILE): no pipes, and an 'error' event on
    // the next tick that, unheard, would end this process.
    child.on('error', () => {});
    throw Object.assign(new Error('spawn git: no file descriptors left'), { code: 'EMFILE' });
  }
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    onEnd(cb) {
      const end = once(cb);
      child.on('error', (e: NodeJS.ErrnoException) => end(null, e));
      // 'close', not 'exit': every pipe has been drained by then.
      child.on('close', (code) => end(code, null));
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
    hold(held) {
      setHeld([child, child.stdout, child.stderr, child.stdin], held);
    },
  };
}

const SH = '/bin/sh';
let shellPresent: boolean | null = null;

/** One command of a group: git's arguments, and whether it reads a standard input of ours. */
export interface GroupCommand {
  readonly gitArgs: readonly string[];
  readonly stdin: boolean;
}

/**
 * The shell's descriptors: 3 the status pipe, then two per command, from 4 to 9: dash (Debian's
 * /bin/sh) reads only one digit in a redirection, so a shell runs at most three commands. A
 * command that reads our input reads and writes one socket (the pipes are socket pairs: we
 * end our side when we are done writing, and read git's answers until it ends its own).
 */
const FIRST_FD = 4;
const PER_SHELL = 3;

/**
 * Starts `commands` with as few forks as it can (see the module comment): their children, in
 * order; one by one where there is no /bin/sh, or where a shell would run a single command.
 * Throws as spawn does when a process cannot be started at all (no descriptors left).
 */
export function startGroup(commands: readonly GroupCommand[], env: NodeJS.ProcessEnv): GitChild[] {
  shellPresent ??= existsSync(SH);
  const out: GitChild[] = [];
  for (let i = 0; i < commands.length; i += PER_SHELL) {
    const chunk = commands.slice(i, i + PER_SHELL);
    out.push(...(shellPresent && chunk.length > 1 ? (startShell(chunk, env) ?? chunk.map((c) => spawnGit(c.gitArgs, env))) : chunk.map((c) => spawnGit(c.gitArgs, env))));
  }
  return out;
}

/** Up to PER_SHELL commands in one shell; null when the shell cannot be spawned. */
function startShell(commands: readonly GroupCommand[], env: NodeJS.ProcessEnv): GitChild[] | null {
  const positional: string[] = [];
  const fds = commands.map((_, k) => ({ io: FIRST_FD + 2 * k, err: FIRST_FD + 2 * k + 1 }));
  const all = fds.flatMap((f) => [f.io, f.err]);
  const stdio = ['ignore', 'ignore', 'ignore', 'pipe', ...all.map(() => 'pipe' as const)] as const;
  const lines: string[] = [];
  commands.forEach((c, k) => {
    const f = fds[k]!;
    const words = c.gitArgs.map((a) => {
      positional.push(a);
      return `"\${${positional.length}}"`;
    });
    // The subshell first closes every other command's pipes: holding one, it would keep that
    // command's output open until this one ended (a cat-file process lives all run).
    const others = all.filter((n) => n !== f.io && n !== f.err).map((n) => `${n}>&-`).join(' ');
    const input = c.stdin ? `<&${f.io}` : '</dev/null';
    // A watcher stops git once this process has gone, however it went: it reads the status
    // pipe, to which nothing is ever written, until it ends with this process. Stopped by pid
    // at exit, a git whose pid had not come yet went on (minutes, for a rev-list of a long
    // history), and a background command ignores ^C (found by review).
    const watcher = `(exec ${f.io}>&- ${f.err}>&-; read x <&3; kill $g) </dev/null & w=$!`;
    lines.push(`(${others === '' ? '' : `exec ${others}; `}git ${words.join(' ')} ${input} >&${f.io} 2>&${f.err} & g=$!; ${watcher}; echo "p ${k} $g" >&3; wait $g; s=$?; kill $w 2>/dev/null; echo "x ${k} $s" >&3) &`);
  });
  // The shell itself lets go of every pipe: each closes when its command's subshell ends.
  lines.push(`exec 3>&- ${all.map((n) => `${n}>&-`).join(' ')}`);
  let sh: ChildProcess;
  try {
    sh = spawn(SH, ['-c', lines.join('\n'), 'sh', ...positional], { env, stdio: [...stdio] });
  } catch {
    return null;
  }
  if (sh.pid === undefined) {
    // Not started (EMFILE: no pipes at all; EAGAIN, ENOENT...): its 'error' event comes on the
    // next tick and, unheard, would end this process. Each command is spawned alone instead.
    sh.on('error', () => {});
    for (const p of sh.stdio ?? []) p?.destroy();
    return null;
  }
  const pipes = [...sh.stdio];
  // Node resumes (reads and drops) the pipes of an exited child that nothing listens to yet; the
  // shell exits at once, and a command's output may be read later: the pipes are taken from it.
  sh.stdio.fill(null);
  const status = pipes[3] as Readable;
  const pids = new Map<number, number>();
  const codes = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  let statusEnded = false;
  let failure: NodeJS.ErrnoException | null = null;
  let text = '';
  status.setEncoding('latin1');
  status.on('data', (chunk: string) => {
    text += chunk;
    for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n')) {
      const m = /^([px]) (\d+) (\d+)$/.exec(text.slice(0, lf));
      text = text.slice(lf + 1);
      if (m === null) continue;
      const k = Number(m[2]);
      if (m[1] === 'p') pids.set(k, Number(m[3]));
      else {
        codes.set(k, Number(m[3]));
        holdShell();
        waiting.get(k)?.();
      }
    }
  });
  const statusDone = (): void => {
    statusEnded = true;
    for (const w of [...waiting.values()]) w();
  };
  status.on('end', statusDone);
  status.on('close', statusDone);
  status.on('error', statusDone);
  sh.on('error', (e: NodeJS.ErrnoException) => {
    failure = e;
    statusDone();
  });
  // The shell and the status pipe hold this process open while a command that is held runs.
  const held = commands.map(() => true);
  function holdShell(): void {
    setHeld([sh, status], held.some((h, k) => h && !codes.has(k)));
  }
  return fds.map((f, k) => {
    const stdin = commands[k]!.stdin ? (pipes[f.io] as Writable) : null;
    const stdout = pipes[f.io] as Readable;
    const stderr = pipes[f.err] as Readable;
    let ended = false;
    return {
      stdin,
      stdout,
      stderr,
      onEnd(cb) {
        const end = once(cb);
        let outEnded = 0;
        const check = (): void => {
          if (outEnded < 2) return;
          if (failure !== null) {
            ended = true;
            end(null, failure);
            return;
          }
          const code = codes.get(k);
          if (code === undefined && !statusEnded) return;
          ended = true;
          waiting.delete(k);
          if (code === 127) end(null, Object.assign(new Error('git: not found'), { code: 'ENOENT' }));
          else end(code ?? null, null);
        };
        waiting.set(k, check);
        // (Both pipes must be read for them to close, as with a child spawned alone.)
        for (const s of [stdout, stderr]) {
          if (s.closed) outEnded++;
          else {
            s.once('close', () => {
              outEnded++;
              check();
            });
          }
        }
        check();
      },
      kill() {
        const pid = pids.get(k);
        if (ended || codes.has(k) || pid === undefined) return;
        try {
          process.kill(pid);
        } catch {
          // Gone already.
        }
      },
      hold(h) {
        held[k] = h;
        setHeld([stdout, stderr, stdin], h);
        holdShell();
      },
    };
  });
}
