/**
 * README.md's "Using it" block is the usage most people read, and it is not generated: each
 * command's flags there must be the flags `sel <command> --help` lists, and the `--format`
 * choices it shows the ones the command takes. It once left out --max-line-bytes, --max-depth
 * and --reorder-window of explain, impact and timeline, and --max-line-bytes and --max-depth
 * of import (found by review of the docs against `sel help <command>`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The README's usage lines, each command with the text that belongs to it (continuation lines joined). */
function readmeUsage(readme: string): Map<string, string> {
  const section = readme.split('\n## Using it\n')[1]!;
  const start = section.indexOf('```sh\n') + 6;
  const block = section.slice(start, section.indexOf('\n```', start));
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split('\n')) {
    const text = line.replace(/\s+#.*$/, '');
    if (/^\s/.test(text) && current !== undefined) {
      out.set(current, `${out.get(current)!} ${text.trim()}`);
      continue;
    }
    // A line may pipe one command into another (`sel import … | sel verify -`).
    for (const part of text.split(' | ')) {
      const m = /^npx sel ((?:[a-z]+ ?)+)(.*)$/.exec(part.trim());
      if (m === null) continue;
      const words = m[1]!.trim().split(' ').filter((w) => /^[a-z]+$/.test(w));
      // "policy check DIR": the command is its first word, and a second one when it names a subcommand.
      current = words.slice(0, words[0] === 'policy' ? 2 : 1).join(' ');
      out.set(current, `${out.get(current) ?? ''} ${m[2]!}`);
    }
  }
  return out;
}

const flagsIn = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();

/** Every command the program has, nested ones by "parent child", with its visible options. */
function commands(program: Command): Map<string, Command> {
  const out = new Map<string, Command>();
  for (const cmd of program.commands) {
    if (cmd.commands.length > 0) for (const sub of cmd.commands) out.set(`${cmd.name()} ${sub.name()}`, sub);
    else out.set(cmd.name(), cmd);
  }
  return out;
}

const visibleOptions = (cmd: Command) => cmd.options.filter((o) => !o.hidden && o.long !== undefined && o.long !== '--help');

describe("README's usage lines", () => {
  const usage = readmeUsage(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('shows every command', async () => {
    expect([...usage.keys()].sort()).toEqual([...commands(await buildProgram()).keys()].sort());
  });

  it("lists each command's flags, no more and no fewer than its --help", async () => {
    const mismatches: string[] = [];
    for (const [name, cmd] of commands(await buildProgram())) {
      const shown = flagsIn(usage.get(name) ?? '');
      const real = visibleOptions(cmd).map((o) => o.long!).sort();
      if (JSON.stringify(shown) !== JSON.stringify(real)) mismatches.push(`${name}: README ${shown.join(' ')} | --help ${real.join(' ')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('shows the --format choices each command takes', async () => {
    const mismatches: string[] = [];
    for (const [name, cmd] of commands(await buildProgram())) {
      const shown = /--format ([a-z|]+)/.exec(usage.get(name) ?? '')?.[1]?.split('|');
      const real = visibleOptions(cmd).find((o) => o.long === '--format')?.argChoices;
      if (shown !== undefined && JSON.stringify(shown) !== JSON.stringify(real)) mismatches.push(`${name}: README ${shown.join('|')} | --help ${real?.join('|')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('names the commands that take --jobs', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const named = /`--jobs N` \(([^)]*)\)/.exec(readme)?.[1]?.match(/[a-z]+(?=`)/g) ?? [];
    const real = [...commands(await buildProgram())].filter(([, c]) => c.options.some((o) => o.long === '--jobs')).map(([n]) => n);
    expect([...named].sort()).toEqual(real.sort());
  });

  it('would have caught the flags explain once did not show', () => {
    const was = readmeUsage('\n## Using it\n\n```sh\nnpx sel explain LOG... --repo DIR --seq N [--jobs N]  # one event\nnpx sel import X [--records NAME] | npx sel verify -\n```\n');
    expect(flagsIn(was.get('explain')!)).toEqual(['--jobs', '--repo', '--seq']);
    expect(flagsIn(was.get('import')!)).toEqual(['--records']);
    expect(was.has('verify')).toBe(true);
  });
});
