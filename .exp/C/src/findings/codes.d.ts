/**
 * The finding-code registry (SPEC.md §6). A code, once released, keeps its meaning: add new
 * codes, never repurpose one. `docs/findings.md` is generated from this table
 * (`npm run docs`), and a test fails when the two drift apart.
 *
 * Codes marked "extension" are not named in SPEC.md §6 (which lists the codes a verifier
 * must have "at least"); each is documented here and in docs/findings.md.
 */
export type Severity = 'error' | 'warning' | 'note';
/** What a finding says about the evidence (the summary counts each). */
export type FindingClass = 
/** The bytes of the log are damaged, reordered or malformed. */
'integrity'
/** The evidence shows the recorded decision was wrong. */
 | 'diverged'
/** The evidence needed to decide is missing. */
 | 'unverifiable';
export interface CodeInfo {
    readonly severity: Severity;
    readonly class: FindingClass;
    readonly title: string;
    /** What causes it and what to do, for the person reading the report. */
    readonly help: string;
    /** An input that produces it. */
    readonly example: string;
    /** True for codes this project adds to SPEC.md §6. */
    readonly extension?: true;
}
export declare const CODES: {
    readonly LINE_INVALID_UTF8: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Line is not valid UTF-8";
        readonly help: "The line holds a byte sequence that is not well-formed UTF-8 (a stray continuation byte, an overlong form, an encoded surrogate, a truncated sequence). SPEC.md §2 requires UTF-8; the line is not parsed, because a decoder would have to guess. Find the writer that produced it; the event on this line is lost to verification.";
        readonly example: "A line whose string holds the byte 0xC0 0xAF (an overlong \"/\").";
    };
    readonly LINE_INVALID_JSON: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Line is not JSON";
        readonly help: "The line is not a JSON text (RFC 8259): a syntax error, a raw control character in a string, a bad escape, or trailing content. The finding gives the column and what was expected. The event on this line is lost to verification; the chain check does not report the gap it leaves a second time.";
        readonly example: "{\"v\":\"sel.audit/1\",\"chain\":\"prod\"";
    };
    readonly LINE_TORN: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Last line has no line feed (torn write)";
        readonly help: "Every line ends in LF (SPEC.md §2). A last line without one is what a writer leaves when it stops mid-write; its content is not evaluated, since it may be incomplete. If the log was still being written, verify again after rotation.";
        readonly example: "A file whose last bytes are `...\"v\":\"sel.audit/1\"}` with no final 0x0A.";
    };
    readonly LINE_TOO_LONG: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Line is longer than the configured maximum";
        readonly help: "The line exceeds --max-line-bytes (default 1 MiB) and is skipped without being parsed or held in memory, so a hostile log cannot exhaust memory. Raise the limit if such events are legitimate.";
        readonly example: "A 2 MiB line with the default limit.";
    };
    readonly LINE_EMPTY: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Empty line";
        readonly help: "An empty line is allowed only as the very last line of a file (SPEC.md §2). Anywhere else it means an event was blanked out or the writer is broken.";
        readonly example: "Two LF bytes in a row in the middle of a file.";
        readonly extension: true;
    };
    readonly LOG_EMPTY: {
        readonly severity: "warning";
        readonly class: "integrity";
        readonly title: "Log file holds no events";
        readonly help: "The file is empty (or holds only the one allowed trailing empty line). Nothing in it can be verified; check that the right file was given and that rotation did not leave an empty segment behind.";
        readonly example: "A zero-byte audit-0003.jsonl.";
        readonly extension: true;
    };
    readonly LOG_UNREADABLE: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Log file could not be read";
        readonly help: "A file found while expanding a directory could not be opened or read (permissions, a vanished file, an I/O error), or is not a regular file. Its events are not verified. A path named on the command line that cannot be read is an operator error instead (exit status 2).";
        readonly example: "logs/audit-0002.jsonl with mode 000.";
        readonly extension: true;
    };
    readonly LOG_CHANGED: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Log file changed while it was read";
        readonly help: "The file grew or shrank between opening and the end of reading. The verifier reads a file only up to the size it had when opened, so a concurrent writer cannot make it chase the end; a file that shrank was truncated under it. Verify a closed, rotated segment.";
        readonly example: "A writer appending to the file during verification.";
        readonly extension: true;
    };
    readonly EVENT_SCHEMA: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Event does not match the sel.audit/1 envelope schema";
        readonly help: "The line is canonical JSON but the event breaks schemas/audit-event.schema.json: a missing or mistyped member, a bad enum value, a malformed timestamp or digest. The finding names the JSON Pointer and the rule. When the members that place the event in its chain are intact, the chain check still uses them.";
        readonly example: "{\"actor\":{\"id\":\"a\",\"zone\":\"root\"},...} (zone is not one of the four trust zones).";
    };
    readonly EVENT_VERSION_UNKNOWN: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Unknown contract version";
        readonly help: "The event's `v` is not \"sel.audit/1\". SPEC.md §2 makes any other value a finding, never a guess: this verifier does not know the rules of that version, so the event is not evaluated. Use a verifier that implements that version.";
        readonly example: "{\"v\":\"sel.audit/2\",...}";
        readonly extension: true;
    };
    readonly EVENT_NONCANONICAL: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Line is not the canonical form of its event";
        readonly help: "A line must be byte-identical to JCS(event) (SPEC.md §2); otherwise two parsers may disagree about what was signed. `detail.reason` says what differs: whitespace, key-order, escape-form, number-form, crlf, byte-order-mark (the event is still verified from its canonical form), or duplicate-key, lone-surrogate, integer-precision-loss, number-out-of-range, too-deep (the event cannot be represented faithfully and is not used).";
        readonly example: "{\"chain\":\"prod\", \"v\":\"sel.audit/1\",...} (a space after the comma).";
    };
    readonly DIGEST_UNSUPPORTED: {
        readonly severity: "error";
        readonly class: "unverifiable";
        readonly title: "Digest algorithm not supported";
        readonly help: "A digest uses a prefix other than `sha256:`. SPEC.md §1 makes an unknown prefix an error, never skipped: the value it protects cannot be checked. Use a verifier that implements that algorithm.";
        readonly example: "\"hash\":\"sha512:...\"";
        readonly extension: true;
    };
    readonly HASH_MISMATCH: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Event hash does not match its content";
        readonly help: "SHA-256 over JCS(event without \"hash\") differs from the recorded `hash`: the event was changed after it was written. Shown: the recorded hash (actual) and the recomputed one (expected). The event's content cannot be trusted; its successor is still linked against the recorded hash, so one tampered event gives one finding.";
        readonly example: "An event whose decision.action was edited from \"block\" to \"allow\".";
    };
    readonly PREV_HASH_MISMATCH: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Event does not link to its predecessor";
        readonly help: "The event's `prev_hash` is not the `hash` of the event with seq - 1 in the same chain. Typical cause: an earlier event was rewritten and re-hashed (its own hash is consistent, so the break shows on its successor), or events were spliced in from elsewhere.";
        readonly example: "Event 41 re-hashed after editing; event 42 still names the old hash.";
    };
    readonly SEQ_GAP: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Events missing from the chain";
        readonly help: "One or more seq numbers never appear (within the reorder window) although later ones do: events were deleted, or a rotated file is missing. Lines that could not be read (reported on their own) fill gaps before any gap is reported, so a damaged line is not reported twice. A chain whose first event is not seq 0 is reported as a gap from 0.";
        readonly example: "seq 5 is followed by seq 7.";
    };
    readonly SEQ_DUPLICATE: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Event repeated";
        readonly help: "An event with the same chain, seq and hash as an earlier one appears again: a replayed or copied line.";
        readonly example: "The line for seq 12 appears twice.";
    };
    readonly SEQ_REORDER: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Events out of order";
        readonly help: "Events of a chain appear out of seq order in the log (the chain itself is intact once sorted). One finding per displaced run, at the displaced event. The log writer must append in seq order; a reordered log suggests manual editing or a broken writer.";
        readonly example: "seq 8 written before seq 7.";
    };
    readonly CHAIN_FORK: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Chain forks";
        readonly help: "Two different events claim the same position (the same seq, the same parent): two histories were written for one chain. One finding at the first event of the second branch; the rest of that branch is not reported again.";
        readonly example: "Two distinct events both with seq 5 and prev_hash = hash of seq 4.";
    };
    readonly GENESIS_INVALID: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "First event of the chain is malformed";
        readonly help: "The event with seq 0 must have prev_hash = \"sha256:\" followed by 64 zeros (SPEC.md §2).";
        readonly example: "seq 0 with a non-zero prev_hash.";
    };
    readonly TS_REGRESSION: {
        readonly severity: "warning";
        readonly class: "integrity";
        readonly title: "Timestamp goes backwards";
        readonly help: "The event's `ts` is earlier than its predecessor's in the same chain. Timestamps are informative and expected non-decreasing (SPEC.md §2); a regression points at a clock step on the writer, or at events stitched together from different sources.";
        readonly example: "seq 9 at 12:00:05.000Z after seq 8 at 12:00:06.000Z.";
    };
    readonly FINGERPRINT_MISMATCH: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Request fingerprint does not match the request";
        readonly help: "`request_fingerprint` is not SHA-256 of JCS(request). The event hash is consistent, so the event was written (or re-hashed) this way: the fingerprint that reviews and exceptions are keyed by does not describe the request that was evaluated.";
        readonly example: "A writer that fingerprinted the request before redacting it.";
    };
    readonly ANCHOR_MISMATCH: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Anchor does not match the log";
        readonly help: "A committed anchor (ledger/anchors/<chain>/<seq>.json, SPEC.md §5) names a hash that the event at that chain and seq does not have: the log was rewritten after it was anchored.";
        readonly example: "Anchor prod/100 says sha256:ab..., event 100 has sha256:cd....";
    };
    readonly LOG_TRUNCATED: {
        readonly severity: "error";
        readonly class: "integrity";
        readonly title: "Log ends before an anchored event";
        readonly help: "A committed anchor names a seq past the last event of its chain in the log: events that were anchored have been removed from the end.";
        readonly example: "Anchor prod/500 exists; the log ends at seq 420.";
    };
};
export type FindingCode = keyof typeof CODES;
export declare function codeInfo(code: FindingCode): CodeInfo;
export declare const ALL_CODES: FindingCode[];
export declare function severityRank(s: Severity): number;
