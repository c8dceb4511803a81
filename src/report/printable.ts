/**
 * Text from the evidence (an event's fields, a file name, a commit subject) shown to a person.
 * A log is hostile input: a value holding a newline forges report lines, an escape sequence
 * (ESC, or the one-byte CSI U+009B) moves the cursor, clears the screen or hides text, and
 * bidirectional controls make a terminal show text in another order than it is (Trojan
 * Source). Every such character is written as a `\uXXXX` escape in the human-readable outputs
 * (text, github, and the forensics commands), and a backslash that would read as the start of
 * one is doubled; the JSON outputs escape them as JSON does. These outputs are also read in
 * GitHub Actions job logs, whose runner takes a line for a workflow command when it starts with
 * `::` (after white space) or holds the legacy `##[` anywhere (actions/runner ActionCommand
 * TryParseV2, then TryParse): a recorded rule `##[add-mask]FAIL` hid the verdict in the rest of
 * the job's log, `##[stop-commands]…` the annotations after it, and a damaged line
 * `::error::…` shown as it reads made an annotation. So `##[` is written `##\u005b`, and `::` at
 * the start of a value `\u003a:`.
 */

/**
 * C0 controls, DEL and C1 controls; the line and paragraph separators; the interlinear
 * annotation marks; and every code point Unicode says to show as nothing
 * (Default_Ignorable_Code_Point): the bidirectional marks, embeddings, overrides and isolates,
 * U+FEFF (the byte order mark: a rotated file may start with one; a damaged line is shown as
 * it reads), the soft hyphen, the zero-width space, joiners, the invisible operators, the
 * Hangul fillers, variation selectors and the tag characters. Shown as they are, `ops\u200bbot`
 * read as `opsbot` and padded a table's columns wrong (a reviewer's note), and a rule
 * `cap.coder` with tag characters after it read as `cap.coder` (found by review); an analyst
 * must see that two ids differ. One beyond U+FFFF is written as its two UTF-16 code units, as
 * JSON writes it.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufff9-\ufffb\p{Default_Ignorable_Code_Point}]/gu;

const escape = (ch: string): string => {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
};

/**
 * Backslashes that would read as the start of such an escape: before `u` and four hex digits
 * (a value that holds the text `\u001b`, or JSON's own escape in JSON text), or before a
 * character that is escaped. A match starts only at the start of a run (the lookbehind): tried
 * at every backslash of a run, the greedy `\\+` backtracked over the rest of it, time quadratic
 * in the run's length (a value of 40 000 backslashes took `sel explain` 22 s).
 */
const AMBIGUOUS = new RegExp(`(?<!\\\\)\\\\+(?=u[0-9a-fA-F]{4}|${UNPRINTABLE.source})`, 'gu');

/**
 * `s` with every character that could act on a terminal written as a `\uXXXX` escape, and each
 * backslash that would read as the start of one doubled: an escape is always an odd run of
 * backslashes, the text's own backslashes an even one. A value holding the six characters
 * `\u202e` is not shown as one holding U+202E; a backslash anywhere else (a Windows path, a
 * regular expression, JSON's `\n`) is shown as it is. Where the text is JSON (a request, a line
 * as it reads, a value quoted in a message), its escapes are read after these: JSON's `\u001b`
 * shows as `\\u001b`.
 */
export function printable(s: string): string {
  return printableText(s, true);
}

/**
 * printable, for a value that never starts a line of the output (XML, whose line breaks are
 * character references): `::` is escaped nowhere in it, `##[` everywhere.
 */
export function printableInLine(s: string): string {
  return printableText(s, false);
}

function printableText(s: string, lineStart: boolean): string {
  UNPRINTABLE.lastIndex = 0;
  const unprintable = UNPRINTABLE.test(s);
  const backslash = s.includes('\\');
  const command = s.includes('##[') || (lineStart && s.includes('::'));
  if (!unprintable && !backslash && !command) return s;
  const doubled = backslash ? s.replace(AMBIGUOUS, (run) => run + run) : s;
  const escaped = unprintable ? doubled.replace(UNPRINTABLE, escape) : doubled;
  // After the escapes: white space that is left (U+00A0, U+3000) is what the runner trims.
  return command ? escaped.replace(lineStart ? WORKFLOW_COMMAND : GROUP_COMMAND, (m) => (m.endsWith('[') ? '##\\u005b' : `${m.slice(0, -1)}\\u003a`)) : escaped;
}

/** What GitHub Actions' runner reads as a workflow command: `::` at the start (after white space), `##[` anywhere. */
const WORKFLOW_COMMAND = /^\s*:(?=:)|##\[/gu;
/** Where no line starts: `##[` only (a `::` at the value's start was escaped when `##[` was there too; review). */
const GROUP_COMMAND = /##\[/gu;

/**
 * JSON text (`--format json`, `jsonl`, SARIF) as a GitHub Actions job log may show it (`cat
 * report.json`, `tee`): the runner reads `##[` anywhere in a line as a workflow command, and a
 * log's value may hold it. Written `##\u005b`, which is the same JSON value: values stay exact
 * (a `#` is only ever in a string, and never part of a JSON escape).
 */
export function jsonForLogs(text: string): string {
  return text.includes('##[') ? text.replaceAll('##[', '##\\u005b') : text;
}

/** `value` as the JSON documents sel prints (indented by 2, a line break after), through jsonForLogs. */
export function jsonDocument(value: unknown): string {
  return jsonForLogs(`${JSON.stringify(value, null, 2)}\n`);
}
