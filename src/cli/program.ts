/**
 * The `sel` command line: commander wiring only. Every command is a library call; this file
 * parses options, picks the renderer, and turns the outcome into an exit status:
 * 0 nothing at or above --fail-on, 1 findings at or above it, 2 verification not possible
 * (bad arguments, unreadable input), with one sentence on standard error and no stack trace.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { printable } from '../report/printable.js';
import { isOutOfDescriptors, OperatorError } from '../errors.js';
import { firstErrorLine, GitFailure } from '../git/git.js';
import { VERSION } from '../version.js';
import { colourFor, type Colour } from './colour.js';
import { isCommandName } from './early.js';

/** --color / --no-color, once parsed. */
let forceColour: boolean | undefined;
const colour = colourFor(() => forceColour);

/**
 * The commands, each with the module that defines it, loaded only when it is the command run
 * (all of them for help or an unknown name). A `sel verify` run does not load the policy
 * evaluator, Git, the public suffix list or the policy validators: `sel verify` on a 5-event
 * log measured 0.33-0.44 s -> 0.21-0.28 s on these machines (node alone: ~0.1 s), which is
 * most of a small log's run time in CI.
 */
const COMMANDS: readonly (readonly [names: readonly string[], load: (c: Colour) => Promise<Command[]>])[] = [
  [['verify'], async (c) => [(await import('./verify.js')).verifyCommand(c)]],
  [['policy'], async (c) => [(await import('./policy.js')).policyCommand(c)]],
  [['gate'], async (c) => [(await import('./gate.js')).gateCommand(c)]],
  [['explain', 'impact', 'timeline'], async (c) => (await import('./forensics.js')).forensicsCommands(c)],
  [['merge'], async (c) => [(await import('./shard.js')).mergeCommand(c)]],
  [['import'], async () => [(await import('./import.js')).importCommand()]],
];

/** The command `argv` names. */
function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find(isCommandName);
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('sel')
    .description('replay and audit verification for the Secure Execution Layer')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--color', 'force colour in text output'))
    .addOption(new Option('--no-color', 'no colour in text output'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Commander quotes the argument it refuses: escaped line by line as sel's own sentences are
    // (printable), so an argument filled from untrusted text cannot drive the terminal.
    .configureOutput({ writeErr: (s) => process.stderr.write((s.startsWith('error: ') ? `sel: ${s.slice(7)}` : s).split('\n').map(printable).join('\n')) });
  program.hook('preAction', (cmd) => {
    forceColour = cmd.opts<{ color?: boolean }>().color;
  });
  const name = commandName(argv);
  const named = COMMANDS.filter(([names]) => name !== undefined && names.includes(name));
  // `sel --version` needs no command (loading them all took ~0.3 s); help and errors list them.
  const versionOnly = argv.length === 3 && (argv[2] === '-V' || argv[2] === '--version');
  for (const [, load] of versionOnly ? [] : named.length > 0 ? named : COMMANDS) {
    for (const sub of await load(colour)) program.addCommand(configure(sub, program));
  }
  return program;
}

/**
 * An option a command cannot run without says so in its --help entry: commander lists it as it
 * lists the others, and the reader learnt it from the error (found by review of the docs).
 */
function optionDescription(this: Help, option: Option): string {
  const text = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${text} (required)` : text;
}

/** Every command, nested ones too, reports usage errors the same way (exit 2, one sentence). */
function configure(cmd: Command, root: Command): Command {
  cmd.exitOverride().configureOutput(root.configureOutput()).showHelpAfterError('(run with --help for usage)').configureHelp({ optionDescription });
  for (const sub of cmd.commands) configure(sub, root);
  return cmd;
}

/**
 * `sel help policy check` is `sel policy check --help`: commander's help command takes one
 * command name, and showed the help of `policy` for it, not of `check`.
 */
export function helpArgv(argv: readonly string[]): readonly string[] {
  return argv[2] === 'help' && argv.length > 4 ? [...argv.slice(0, 2), ...argv.slice(3), '--help'] : argv;
}

export async function main(args: readonly string[]): Promise<number> {
  const argv = helpArgv(args);
  try {
    // Inside: a command's modules that cannot load (an incomplete install) end in one sentence too.
    const program = await buildProgram(argv);
    await program.parseAsync(argv as string[], { from: 'node' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every usage error is the operator's: 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof OperatorError) {
      // Messages name files and refs the operator gave, or the logs hold: shown as evidence is.
      process.stderr.write(`sel: ${printable(e.message)}\n`);
      return 2;
    }
    if (e instanceof GitFailure) {
      // git itself failed mid-run (a corrupt object store, a git that exits early): the
      // verification cannot be completed, and that is not a bug of ours.
      const detail = firstErrorLine(e.stderr);
      // git asked to fetch an object it lacks (sel allows no transport: protocol.allow=never):
      // a partial clone, whose blobs come on demand. Said as such, not "check with git fsck"
      // (found by review).
      const partial = /transport '[^']*' not allowed/.test(detail)
        ? ': the repository lacks objects git would fetch on demand (a partial clone, made with --filter), and sel never fetches; clone it in full'
        : '; check the repository with git fsck';
      process.stderr.write(`sel: git failed while reading the repository (${detail.length > 0 ? detail : e.code === null ? 'it was ended by a signal' : `exit status ${e.code}`})${partial}\n`);
      return 2;
    }
    const detail = e instanceof Error ? e.message : String(e);
    const fault = environmentFault(e, detail);
    if (fault !== null) {
      process.stderr.write(`sel: ${fault}\n`);
      return 2;
    }
    process.stderr.write(`sel: internal error, verification not completed: ${detail}. Please report it; set SEL_DEBUG=1 for a stack trace.\n`);
    if (process.env['SEL_DEBUG'] && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    return 2;
  }
}

/**
 * The sentence for a failure of sel's surroundings, not of sel, which ended the run: null for
 * any other (an internal error). Each was once called an internal error, "Please report it".
 */
function environmentFault(e: unknown, detail: string): string | null {
  // Out of file descriptors where sel opens its own files (a worker thread, its bundle, a git
  // process): the operator's limit (under `ulimit -n 25` with --jobs 2; found by review).
  if (isOutOfDescriptors(e)) return 'ran out of file descriptors (too many open files), verification not completed: raise the limit (ulimit -n), or run with fewer --jobs';
  // The directory sel was started in was removed since (process.cwd() fails): paths are
  // resolved from it (found by review).
  if ((e as { syscall?: unknown }).syscall === 'uv_cwd') return 'the working directory no longer exists (it was removed after sel was started in it), verification not completed: run sel from a directory that exists';
  // A module the bundle loads from node_modules at run time (ajv's runtime helpers) is not
  // there: an install that is incomplete, or dist/sel copied out of its package. Node's
  // message goes on with its "Require stack" lines; the first is the sentence (review).
  if ((e as { code?: unknown }).code === 'MODULE_NOT_FOUND') return `its install is incomplete (${detail.split('\n', 1)[0]!.replace(/\.$/, '')}), verification not completed: run npm ci where sel is installed, and run dist/sel/sel.js from there`;
  return null;
}
