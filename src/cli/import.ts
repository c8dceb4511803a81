/**
 * `sel import EXPORT` (extension, docs/contract.md): another system's export of events, one JSON
 * document (an array, or an object with the array under `--records NAME`), written to standard
 * output as the JSONL log `sel verify` reads, one canonical line per event (src/ingest/import.ts):
 *
 *   sel import export.json --records Records | sel verify -
 *
 * Exit status: 0 every event imported; 1 some were not (each is a line of the output that says
 * why, which `sel verify` reports as LINE_INVALID_JSON); 2 the document could not be read to
 * its end (not UTF-8, not JSON, no such array; the output ends with a line saying so), or a bad
 * argument, with one sentence on standard error.
 */
import { createReadStream, fstatSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Command, Option } from 'commander';
import { describeIoError, OperatorError } from '../errors.js';
import { importRecords } from '../ingest/import.js';
import { DEFAULT_VERIFY_OPTIONS, MAX_DEPTH_LIMIT, MAX_LINE_BYTES_LIMIT } from '../verify/options.js';
import { positiveInt } from './options.js';
import { endWhenReaderGoes, writeOut } from './output.js';
import { isStandardOutput } from '../ingest/output-file.js';

/** The export, opened: a file named, or standard input for `-`. */
function openExport(file: string): Readable {
  try {
    const st = file === '-' ? fstatSync(0, { bigint: true }) : statSync(file, { bigint: true });
    if (st.isDirectory()) throw new OperatorError(`cannot read export ${file === '-' ? 'on standard input (-)' : file}: it is a directory`);
    // `sel import export.json >> export.json` appended the log to the export, the evidence it
    // was read from: a small export was changed and the import passed, a large one read back
    // the lines written after its end and failed only once every event was written (found by
    // review). (With `>`, the shell has emptied the export before sel starts: said as what it
    // is, not as an empty document.)
    if (st.isFile() && isStandardOutput(st)) throw new OperatorError(`cannot import ${file === '-' ? 'standard input' : file}: standard output is the export itself, which the log would be written into as it is read; write the log to another file`);
  } catch (e) {
    if (e instanceof OperatorError) throw e;
    throw new OperatorError(`cannot read export ${file}: ${describeIoError(e)}`);
  }
  return file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
}

export function importCommand(): Command {
  return new Command('import')
    .description('write an export of events as one JSON document (an array) as the JSONL log sel verify reads')
    .argument('<export>', 'a JSON file, or - for standard input')
    .addOption(new Option('--records <name>', 'the member of the top-level object that holds the array (CloudTrail: Records)'))
    .addOption(
      new Option('--max-line-bytes <n>', 'longest event, as JSON text; a longer one is not imported')
        .argParser(positiveInt('--max-line-bytes', MAX_LINE_BYTES_LIMIT))
        .default(DEFAULT_VERIFY_OPTIONS.maxLineBytes),
    )
    .addOption(new Option('--max-depth <n>', 'deepest nesting accepted in an event').argParser(positiveInt('--max-depth', MAX_DEPTH_LIMIT)).default(DEFAULT_VERIFY_OPTIONS.maxDepth))
    .action(async (file: string, flags: { records?: string; maxLineBytes: number; maxDepth: number }) => {
      const input = openExport(file);
      // The output is the product: a reader that stops early (`| head`) has what it wanted, and
      // the rest of the export is not read for no one (as sel timeline).
      endWhenReaderGoes();
      const r = await importRecords(input, writeOut, { records: flags.records ?? null, maxChars: flags.maxLineBytes, maxDepth: flags.maxDepth });
      if (r.failure !== null) throw new OperatorError(`cannot import ${file === '-' ? 'standard input' : file} to its end: ${r.failure} (after ${r.events === 1 ? '1 event' : `${r.events} events`})`);
      if (r.refused > 0) {
        process.stderr.write(`sel import: ${r.refused} of ${r.events} events could not be imported as they are; each is a line that says why, which sel verify reports\n`);
        process.exitCode = 1;
      }
    });
}
