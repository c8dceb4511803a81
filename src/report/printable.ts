/**
 * Text from the evidence (an event's fields, a file name, a commit subject) shown to a person.
 * A log is hostile input: a value holding a newline forges report lines, an escape sequence
 * (ESC, or the one-byte CSI U+009B) moves the cursor, clears the screen or hides text, and
 * bidirectional controls make a terminal show text in another order than it is (Trojan
 * Source). Every such character is written as a `\uXXXX` escape in the human-readable outputs
 * (text, github, and the forensics commands), and in a value shown unquoted, a backslash that
 * would read as the start of one is doubled (printableValue); the JSON outputs escape them as
 * JSON does.
 */

/**
 * C0 controls, DEL and C1 controls; the bidirectional marks, embeddings, overrides and
 * isolates; the line and paragraph separators; U+FEFF, the byte order mark, which shows
 * as nothing (a rotated file may start with one; a damaged line is shown as it reads); and
 * the other characters that show as nothing: the soft hyphen, the zero-width space, joiners
 * and word joiner, the invisible operators, the Mongolian vowel separator and the Hangul
 * fillers. Shown as they are, `ops\u200bbot` read as `opsbot` and padded a table's columns
 * wrong (a reviewer's note); an analyst must see that two ids differ.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]/g;

const escape = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Backslashes that would read as the start of such an escape: before `u` and four hex digits
 * (a value that holds the text `\u001b`), or before a character that is escaped.
 */
const AMBIGUOUS = new RegExp(`\\\\+(?=u[0-9a-fA-F]{4}|${UNPRINTABLE.source})`, 'g');

/**
 * `s` with every character that could act on a terminal written as a `\uXXXX` escape: for
 * sentences and JSON text, where a value is quoted as JSON, which already writes a backslash of
 * the value as two (a message, a line of the log as it reads).
 */
export function printable(s: string): string {
  UNPRINTABLE.lastIndex = 0;
  return UNPRINTABLE.test(s) ? s.replace(UNPRINTABLE, escape) : s;
}

/**
 * A value shown as it is, not quoted as JSON (a file or chain name, a rule id, an expected or
 * actual string): as printable, and a backslash that would read as the start of an escape is
 * doubled, so an escape is always an odd run of backslashes and the value's own text an even
 * one. A value holding the six characters `\u202e` is not shown as one holding U+202E; a
 * backslash anywhere else (a Windows path, a regular expression) is shown as it is.
 */
export function printableValue(s: string): string {
  return printable(s.includes('\\') ? s.replace(AMBIGUOUS, (run) => run + run) : s);
}
