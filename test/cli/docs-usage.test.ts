/**
 * README.md's "Using it" block is the usage most people read, and it is not generated: each
 * command's flags there must be the flags `sel <command> --help` lists, and the `--format`
 * choices it shows the ones the command takes. It once left out --max-line-bytes, --max-depth
 * and --reorder-window of explain, impact and timeline, and --max-line-bytes and --max-depth
 * of import (found by review of the docs against `sel help <command>`). The command lines the
 * other docs show (docs/ci.md's workflows, docs/shards.md's matrix and Kubernetes Job, ...) are
 * held to the flags each command takes too: nothing checked them before.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * Every command line the docs show, in a code block or an inline code span: the command it
 * runs and the text after it, up to a pipe, a comment or the end of the line or span.
 */
function docCommandLines(markdown: string): { command: string; text: string }[] {
  const pieces: string[] = [];
  const prose = markdown.replace(/^```[^\n]*\n([\s\S]*?)^```/gm, (_, block: string) => {
    pieces.push(...block.split('\n'));
    return '';
  });
  // Spans may wrap across lines in prose: join them as the reader does.
  for (const m of prose.replace(/\s+/g, ' ').matchAll(/`([^`]+)`/g)) pieces.push(m[1]!);
  const out: { command: string; text: string }[] = [];
  for (const piece of pieces) {
    // A pipe between commands has spaces around it; one inside `--format text|json` has none.
    for (const m of piece.matchAll(/\bsel (policy (?:check|hash|eval)|verify|gate|explain|impact|timeline|merge|import)\b(.*)/g)) {
      out.push({ command: m[1]!, text: m[2]!.split(/\s\|\s|\s#|\bsel (?=[a-z])/)[0]! });
    }
  }
  return out;
}

describe("the docs' command lines", () => {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

  it('name only flags the command takes', async () => {
    const all = commands(await buildProgram());
    const global = ['--color', '--no-color', '--help', '--version'];
    const wrong: string[] = [];
    let seen = 0;
    for (const file of files) {
      for (const { command, text } of docCommandLines(readFileSync(join(ROOT, file), 'utf8'))) {
        const cmd = all.get(command)!;
        const takes = new Set([...cmd.options.flatMap((o) => [o.long, o.short]), ...global]);
        for (const flag of text.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? []) {
          seen++;
          if (!takes.has(flag)) wrong.push(`${file}: sel ${command} ${flag}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // The docs show hundreds of flags: an extraction that finds none checks nothing.
    expect(seen).toBeGreaterThan(100);
  });

  it('shows the --format choices each command takes', async () => {
    const all = commands(await buildProgram());
    const wrong: string[] = [];
    for (const file of files) {
      for (const { command, text } of docCommandLines(readFileSync(join(ROOT, file), 'utf8'))) {
        const shown = /--format ([a-z]+(?:\|[a-z]+)*)/.exec(text)?.[1]?.split('|');
        const real = all.get(command)!.options.find((o) => o.long === '--format')?.argChoices ?? [];
        for (const f of shown ?? []) if (!real.includes(f)) wrong.push(`${file}: sel ${command} --format ${f}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('would have caught a flag the command does not take', () => {
    const lines = docCommandLines('Run `sel merge shard-*.jsonl --jobs 2`.\n\n```sh\nsel timeline logs/ --format text|jsonl --since 2026-11-01 | head\n```\n');
    expect(lines.map((l) => `${l.command}:${flagsIn(l.text).join(',')}`).sort()).toEqual(['merge:--jobs', 'timeline:--format,--since']);
  });
});
