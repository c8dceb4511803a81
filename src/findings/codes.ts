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
  | 'integrity'
  /** The evidence shows the recorded decision was wrong. */
  | 'diverged'
  /** The evidence needed to decide is missing. */
  | 'unverifiable'
  /** A policy bundle is invalid or questionable (`sel policy check`, replay). */
  | 'policy';

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

export const CODES = {
  LINE_INVALID_UTF8: {
    severity: 'error',
    class: 'integrity',
    title: 'Line is not valid UTF-8',
    help: 'The line holds a byte sequence that is not well-formed UTF-8 (a stray continuation byte, an overlong form, an encoded surrogate, a truncated sequence). SPEC.md §2 requires UTF-8; the line is not parsed, because a decoder would have to guess. Find the writer that produced it; the event on this line is lost to verification.',
    example: 'A line whose string holds the byte 0xC0 0xAF (an overlong "/").',
  },
  LINE_INVALID_JSON: {
    severity: 'error',
    class: 'integrity',
    title: 'Line is not JSON',
    help: 'The line is not a JSON text (RFC 8259): a syntax error, a raw control character in a string, a bad escape, or trailing content. The finding gives the column and what went wrong there (`detail.reason`: unexpected-character, unexpected-end, control-character-in-string, invalid-escape, invalid-number or trailing-content), not what the grammar expected. The event on this line is lost to verification; the chain check does not report the gap it leaves a second time. A file that is a Git LFS pointer (a checkout without git lfs pull) says so on its first line.',
    example: '{"v":"sel.audit/1","chain":"prod"',
  },
  LINE_TORN: {
    severity: 'error',
    class: 'integrity',
    title: 'Last line has no line feed (torn write)',
    help: 'Every line ends in LF (SPEC.md §2). A last line without one is what a writer leaves when it stops mid-write; its content is not evaluated, since it may be incomplete. If the log was still being written, verify again after rotation.',
    example: 'A file whose last bytes are `..."v":"sel.audit/1"}` with no final 0x0A.',
  },
  LINE_TOO_LONG: {
    severity: 'error',
    class: 'integrity',
    title: 'Line is longer than the configured maximum',
    help: 'The line exceeds --max-line-bytes (default 1 MiB) and is skipped without being parsed or held in memory, so a hostile log cannot exhaust memory. Raise the limit if such events are legitimate.',
    example: 'A 2 MiB line with the default limit.',
  },
  LINE_EMPTY: {
    severity: 'error',
    class: 'integrity',
    title: 'Empty line',
    help: 'An empty line is allowed only as the very last line of a file (SPEC.md §2). Anywhere else it means an event was blanked out or the writer is broken.',
    example: 'Two LF bytes in a row in the middle of a file.',
    extension: true,
  },
  LOG_EMPTY: {
    severity: 'warning',
    class: 'integrity',
    title: 'Log file holds no events',
    help: 'The file is empty (or holds only the one allowed trailing empty line). Nothing in it can be verified; check that the right file was given and that rotation did not leave an empty segment behind.',
    example: 'A zero-byte audit-0003.jsonl.',
    extension: true,
  },
  LOG_UNREADABLE: {
    severity: 'error',
    class: 'integrity',
    title: 'Log file could not be read',
    help: 'A file found while expanding a directory could not be opened or read (permissions, a vanished file, an I/O error), or is not a regular file. Its events are not verified. A path named on the command line that cannot be read is an operator error instead (exit status 2).',
    example: 'logs/audit-0002.jsonl with mode 000, when sel runs as a user other than root (root reads every file, mode 000 or not).',
    extension: true,
  },
  LOG_CHANGED: {
    severity: 'error',
    class: 'integrity',
    title: 'Log file changed while it was read',
    help: 'The file grew or shrank between opening and the end of reading. The verifier reads a file only up to the size it had when opened, so a concurrent writer cannot make it chase the end; a file that shrank was truncated under it. So is a file shorter, when opened, than where a checkpoint resumes it: truncated after the checkpoint was compared with it. Verify a closed, rotated segment.',
    example: 'A writer appending to the file during verification.',
    extension: true,
  },
  EVENT_SCHEMA: {
    severity: 'error',
    class: 'integrity',
    title: 'Event does not match the sel.audit/1 envelope schema',
    help: 'The line is canonical JSON but the event breaks schemas/audit-event.schema.json: a missing or mistyped member, a bad enum value, a malformed timestamp or digest. The finding names the JSON Pointer and the rule. When the members that place the event in its chain are intact, the chain check still uses them.',
    example: '{"actor":{"id":"a","zone":"root"},...} (zone is not one of the four trust zones).',
  },
  EVENT_VERSION_UNKNOWN: {
    severity: 'error',
    class: 'integrity',
    title: 'Unknown contract version',
    help: 'The event\'s `v` is not "sel.audit/1". SPEC.md §2 makes any other value a finding, never a guess: this verifier does not know the rules of that version, so the event is not evaluated. Use a verifier that implements that version.',
    example: '{"v":"sel.audit/2",...}',
    extension: true,
  },
  EVENT_NONCANONICAL: {
    severity: 'error',
    class: 'integrity',
    title: 'Line is not the canonical form of its event',
    help: 'A line must be byte-identical to JCS(event) (SPEC.md §2); otherwise two parsers may disagree about what was signed. `detail.reason` says what differs: whitespace, key-order, escape-form, number-form, crlf, byte-order-mark (the event is still verified from its canonical form), or duplicate-key, lone-surrogate, integer-precision-loss, number-out-of-range, too-deep (the event cannot be represented faithfully and is not used).',
    example: '{"chain":"prod", "v":"sel.audit/1",...} (a space after the comma).',
  },
  DIGEST_UNSUPPORTED: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Digest algorithm not supported',
    help: 'A digest uses a prefix other than `sha256:`. SPEC.md §1 makes an unknown prefix an error, never skipped: the value it protects cannot be checked. Use a verifier that implements that algorithm. For `hash`, detail.sha256 is the SHA-256 of the event without it: the next event may name either as its prev_hash (it links to the event\'s content), so the one fault is not a PREV_HASH_MISMATCH on the next event too; one that names neither is one.',
    example: '"hash":"sha512:..."',
    extension: true,
  },
  HASH_MISMATCH: {
    severity: 'error',
    class: 'integrity',
    title: 'Event hash does not match its content',
    help: 'SHA-256 over JCS(event without "hash") differs from the recorded `hash`: the event was changed after it was written. Shown: the recorded hash (actual) and the recomputed one (expected). The event\'s content cannot be trusted; its successor is still linked against the recorded hash, so one tampered event gives one finding.',
    example: 'An event whose decision.action was edited from "block" to "allow".',
  },
  PREV_HASH_MISMATCH: {
    severity: 'error',
    class: 'integrity',
    title: 'Event does not link to its predecessor',
    help: 'The event\'s `prev_hash` is not the `hash` of the event with seq - 1 in the same chain. Typical cause: an earlier event was rewritten and re-hashed (its own hash is consistent, so the break shows on its successor), or events were spliced in from elsewhere.',
    example: 'Event 41 re-hashed after editing; event 42 still names the old hash.',
  },
  SEQ_GAP: {
    severity: 'error',
    class: 'integrity',
    title: 'Events missing from the chain',
    help: 'One or more seq numbers never appear (within the reorder window) although later ones do: events were deleted, or a rotated file is missing. Lines that could not be read (reported on their own) fill gaps before any gap is reported, so a damaged line is not reported twice. A chain whose first event is not seq 0 is reported as a gap from 0.',
    example: 'seq 5 is followed by seq 7.',
  },
  SEQ_DUPLICATE: {
    severity: 'error',
    class: 'integrity',
    title: 'Event repeated',
    help: 'An event with the same chain, seq and hash as an earlier one appears again: a replayed or copied line. A copied run (a file read twice, a run of lines read again) is one finding, on its first event: the events after it that repeat the chain go with it (docs/contract.md, "Copies"). With `detail.compared` false, the seq is too far back to compare the event with the one it repeats (more than the last 256 accepted), so it, and the copy that follows it, may hold different events: look at the lines from `location` on.',
    example: 'The line for seq 12 appears twice.',
  },
  SEQ_REORDER: {
    severity: 'error',
    class: 'integrity',
    title: 'Events out of order',
    help: 'Events of a chain appear out of seq order in the log (the chain itself is intact once sorted). One finding per displaced run, at the displaced event. An event arriving after its seq was reported missing (SEQ_GAP, beyond the reorder window) or taken to be on an unreadable line (`detail.unreadable`) is a late arrival, one finding each; when it does not link to the chain\'s neighbours there (the hash of seq - 1, still remembered or itself arrived late, is not its prev_hash, or seq + 1, in the chain or arrived late before it, names another parent), it is another event written for its seq (or a neighbour was rewritten), and `detail.links` says which link fails; a second, different event arriving late for the same seq says so, and `detail.rival` names the first. The log writer must append in seq order; a reordered log suggests manual editing or a broken writer.',
    example: 'seq 8 written before seq 7.',
  },
  CHAIN_FORK: {
    severity: 'error',
    class: 'integrity',
    title: 'Chain forks',
    help: 'Two different events claim the same position (the same seq, the same parent): two histories were written for one chain. One finding at the first event of the second branch; the rest of that branch is not reported again.',
    example: 'Two distinct events both with seq 5 and prev_hash = hash of seq 4.',
  },
  GENESIS_INVALID: {
    severity: 'error',
    class: 'integrity',
    title: 'First event of the chain is malformed',
    help: 'The event with seq 0 must have prev_hash = "sha256:" followed by 64 zeros (SPEC.md §2).',
    example: 'seq 0 with a non-zero prev_hash.',
  },
  TS_REGRESSION: {
    severity: 'warning',
    class: 'integrity',
    title: 'Timestamp goes backwards',
    help: 'The event\'s `ts` is earlier than its predecessor\'s in the same chain. Timestamps are informative and expected non-decreasing (SPEC.md §2); a regression points at a clock step on the writer, or at events stitched together from different sources. The events of a fork branch are compared with the one before them on their branch (detail.branch is true), as they are replayed at their own times.',
    example: 'seq 9 at 12:00:05.000Z after seq 8 at 12:00:06.000Z.',
  },
  FINGERPRINT_MISMATCH: {
    severity: 'error',
    class: 'integrity',
    title: 'Request fingerprint does not match the request',
    help: '`request_fingerprint` is not SHA-256 of JCS(request). The event hash is consistent, so the event was written (or re-hashed) this way: the fingerprint that reviews and exceptions are keyed by does not describe the request that was evaluated.',
    example: 'A writer that fingerprinted the request before redacting it.',
  },
  CHECKPOINT_MISMATCH: {
    severity: 'error',
    class: 'integrity',
    title: 'Log does not match the checkpoint',
    help: 'An incremental run (--checkpoint) found that a file it verified before has changed in the part already verified: it is shorter than the checkpoint says, or the last verified line is not the same line (or is longer than --max-line-bytes now allows), and the file verified under its name is not read under another one (a log rotated by renaming resumes there), or it was in a directory of logs named again (or moved or copied since, and named under its new path) and is no longer there as the file verified (a segment deleted, emptied, or a symbolic link to another file now: its events are gone, which a full run reports as a SEQ_GAP; an empty one held no events and is not reported), or this run reads it nowhere while naming its path (another file there now: rewritten, or a symbolic link to another file), or this run reads it nowhere and it is no longer a regular file where it was (deleted, replaced by a directory or a device, or left behind by its directory moved: what a full run of the logs named reports missing; a file still where it was and not named is not looked for). The part after the checkpoint cannot be trusted to follow from what was verified; everything is verified again from the start, and the checkpoint is not advanced.',
    example: 'logs/audit.jsonl rewritten and re-hashed after last night\'s run.',
    extension: true,
  },
  ANCHOR_MISMATCH: {
    severity: 'error',
    class: 'integrity',
    title: 'Anchor does not match the log',
    help: 'A committed anchor (ledger/anchors/<chain>/<seq>.json, SPEC.md §5) names a hash that the event at that chain and seq does not have: the log was rewritten after it was anchored. When the anchored event itself is in the log on a fork branch (the chain went on with another event at its seq or before it, forged lines read first), the message says where, and detail.branch names its line. An anchored event that arrived after the chain went on past its seq (a late SEQ_REORDER) is in the log: no ANCHOR_MISMATCH.',
    example: 'Anchor prod/100 says sha256:ab..., event 100 has sha256:cd....',
  },
  LOG_TRUNCATED: {
    severity: 'error',
    class: 'integrity',
    title: 'Log ends before an anchored event',
    help: 'A committed anchor names a seq past the last event of its chain in the log: events that were anchored have been removed from the end. An anchor of a chain the logs hold no event of is one too (the whole chain is missing, or its files were not named).',
    example: 'Anchor prod/500 exists; the log ends at seq 420.',
  },
  POLICY_INVALID: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Policy bundle is invalid',
    help: 'A policy file is missing, not strict JSON (duplicate keys, lone surrogates, integers that lose precision), fails its JSON Schema (schemas/policy-*.schema.json), names an unknown contract or schema version, or reuses a rule id; for sel policy check also a *.json entry it does not read (a symbolic link, not a regular file, over 4 MiB: Git history gives such a version no hash, so an event cannot name it). An invalid bundle decides nothing: on replay, every event under it is reported, at the event, naming the commit of the bundle (detail.commit), the file and JSON Pointer of the first problem, and how many there are (detail.problems); sel policy check reports each problem at its file and line, with its JSON Pointer (detail.pointer).',
    example: 'policy/network-egress.json with "private_ip_mode": "allow".',
  },
  POLICY_UNKNOWN: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Event names a policy that is not in the repository',
    help: 'No bundle in the history reachable from --ref hashes to the event\'s policy_hash (SPEC.md §3), so its decision cannot be replayed. Either the policy was never committed (the agent ran under an unreviewed policy), the history was rewritten, or --ref does not reach the commit: check the ref, and that the clone is not shallow.',
    example: '"policy_hash":"sha256:00ff..." with no such bundle in any commit.',
  },
  DECISION_DIVERGENCE: {
    severity: 'error',
    class: 'diverged',
    title: 'Recorded decision differs from the replayed one',
    help: 'Re-evaluating the event under the bundle it names (and the ledger as it is at --ref, judged at the event\'s ts) gives another action, rule or severity than the one recorded (SPEC.md §4). Shown: the recorded decision (actual), the replayed one (expected) and the evaluation trace in detail.trace. Either the runtime decided wrongly, or the record was changed and re-hashed.',
    example: 'Recorded allow for a POST to a host no egress rule names; replay says block.',
  },
  REVIEW_MISSING: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Resumed without a review in the ledger',
    help: 'The request needed review (the replayed decision is review) but was recorded as allowed, and no approved review artifact ledger/reviews/<fingerprint>.json was in force at its ts (none exists, the one there is not valid and was not used, LEDGER_ARTIFACT_INVALID, or it was approved only after the resume). Reviews are fail-closed (SPEC.md §5): ledger the review, or find out who resumed the request.',
    example: 'An npm token injection (gated to review) recorded allow with no review artifact for its fingerprint.',
  },
  REVIEW_MISMATCH: {
    severity: 'error',
    class: 'diverged',
    title: 'Review artifact does not cover this request',
    help: 'A review artifact exists at the request\'s path but is for another policy_hash (the review was of another policy version), or it rejected the request. It cannot authorise the resume.',
    example: 'An approved review recorded against policy v1, used to resume a request under v2.',
  },
  REVIEW_EXPIRED: {
    severity: 'error',
    class: 'diverged',
    title: 'Review had expired when the request was resumed',
    help: 'The approved review artifact for the request expired (expires_at <= ts) before the resuming event. Also when the resuming event\'s ts goes back before an earlier event of its chain, at whose later ts (the chain\'s time, docs/policy.md) the review had expired: a writer\'s ts cannot bring it back into force; the message names both times, detail.chainTs and detail.chainTsSeq the earlier event\'s. Renew the review, or treat the resume as unauthorised.',
    example: 'expires_at 2026-11-01T00:00:00.000Z, resumed at 2026-11-02T09:00:00.000Z.',
  },
  EXCEPTION_MISSING: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Allowed without the exception it needs',
    help: 'The request needed an exception artifact (a leak-prone secret mode, plain http, a trust-zone elevation) and was recorded as allowed, but the event names none, the named artifact is not in the ledger (or not valid there: LEDGER_ARTIFACT_INVALID), its scope does not cover the request, or the review it names is not an approved review of that exception (none, not approved, or approved only after the event). detail.status says which.',
    example: 'A query_param secret injection recorded allow with no exception_ref.',
  },
  EXCEPTION_EXPIRED: {
    severity: 'error',
    class: 'diverged',
    title: 'Exception had expired (or was not yet granted)',
    help: 'The exception artifact the event names was not in force at its ts: expires_at <= ts, or ts < granted_at, or the approved review of it that it names had expired (detail.status review-expired). Also when the event\'s ts goes back before an earlier event of its chain, at whose later ts (the chain\'s time, docs/policy.md) the exception, or the review it names, had expired: a writer\'s ts cannot bring it back into force; the message names both times, detail.chainTs and detail.chainTsSeq the earlier event\'s. An exception is temporary by design; using it past its expiry is a policy violation.',
    example: 'An exception that expired on 2026-10-31 still used on 2026-11-05.',
  },
  LEDGER_REWRITTEN: {
    severity: 'error',
    class: 'integrity',
    title: 'Committed audit log or ledger artifact was rewritten in history',
    help: 'The governance repository is append-only where it records evidence. A committed audit log may only grow: a commit changed it other than by appending (the previous version is not a prefix of the new one), or the file read is not the version committed at the ref with events appended (a working copy cut back or sealed again: detail.workingCopy is true and the location is the line where it differs; for a log kept in Git LFS, the file must begin with the bytes whose size and SHA-256 its pointer names, and with those of every earlier pointer and every log committed as a file just before a pointer replaced it, at line 1 or where it differs; in the history two pointers are compared only by the sizes they name), or a log committed in a directory of logs named on the command line is not in the working copy (deleted; detail.workingCopy is true; an empty one held no events and is not reported). A ledger artifact (review, exception, anchor) may only be added: a commit changed or deleted one, which can hide a truncated log (a deleted anchor) or approve after the fact what was not approved when it was used (an edited review). The commit is named; compare the versions to see what was removed or changed.',
    example: 'Commit 3f2a... replaced line 120 of logs/audit.jsonl; commit 9c1e... deleted ledger/anchors/prod-agents/48.json.',
    extension: true,
  },
  LEDGER_ARTIFACT_INVALID: {
    severity: 'error',
    class: 'unverifiable',
    title: 'Ledger artifact is malformed',
    help: 'A file under ledger/ is not strict JSON, fails its schema (schemas/ledger-*.schema.json), is not where its kind lives, has a name no artifact has in a directory of artifacts (an anchor as 60.JSON), names another fingerprint, id or anchor than its path, or is not a regular file; or ledger itself is a symbolic link, a submodule or a file (location: the repository\'s ledger), so nothing in it is read. detail.path is its path in the repository. It is not used: requests that needed it are judged without it, and a release gate cannot tell from an anchor it could not read that the log was not cut.',
    example: 'ledger/reviews/ab12....json whose request_fingerprint is another request\'s.',
    extension: true,
  },
  POLICY_WILDCARD_PUBLIC_SUFFIX: {
    severity: 'error',
    class: 'policy',
    title: 'Wildcard host directly over a public suffix',
    help: 'A host pattern "*.X" where X is a public suffix (Public Suffix List, ICANN and private sections: com, co.uk, github.io, ...) lets anyone who registers a name under X receive traffic or secrets. Name the registrable domain: *.example.co.uk, not *.co.uk.',
    example: '"host": "*.co.uk"',
    extension: true,
  },
  POLICY_TIE_BREAK: {
    severity: 'warning',
    class: 'policy',
    title: 'Overlapping rules decided only by the tie-break',
    help: 'Two rules of one contract can match the same request with equal specificity, so which one decides depends on the declared tie-break (for egress and secrets rules the strictest action, then the smallest rule id; for grants and elevations, two MCP server entries for one server, or two pins for one extension@version, the smallest id alone). That is deterministic, but rarely what the author meant: make one more specific, or merge them.',
    example: 'Two grants for principal "coder" in zone executor.',
    extension: true,
  },
  POLICY_DENY_GAP: {
    severity: 'warning',
    class: 'policy',
    title: 'A deny rule leaves open what an allow rule around it opens',
    help: 'A deny rule inside the scope of an allow rule on the same host (its path under the allow rule\'s) covers fewer ports, schemes, methods or injection modes than the allow rule opens, or stops at a shallower max_depth, so requests to the denied path on those pass the allow rule. Deny rules over the same path are taken together, combination by combination (one for 443 and one for 8443 leave no gap; 443 with GET and POST next to 8443 with POST leave GET on 8443), a deny rule counts only where it wins (its matching path prefix at least as long as the allow rule\'s, on the same host), and an allow rule whose max_depth stops short of the denied path is not counted. A deny rule takes port 443 and https when it names none: list every port, scheme and method the allow rule names, or narrow the allow rule. An egress deny rule on a wildcard host (*.example.com) does not reach a host that a more specific allow rule names (api.example.com, or a longer wildcard): the evaluator takes only the exact-host rules for a host that has any, and the longest wildcard among wildcards, so such a host is reported unless a deny rule names it too.',
    example: 'egress.github-api allows ports [443, 8443] on api.github.com/repos; egress.github-admin denies api.github.com/repos/acme/app/hooks on the default port 443 only.',
    extension: true,
  },
  POLICY_LEAK_PRONE_MODE: {
    severity: 'warning',
    class: 'policy',
    title: 'Leak-prone secret injection mode',
    help: 'A secrets rule allows query_param or url_path, which put the secret into URLs, proxies and logs. The evaluator allows such an injection only when an exception artifact (review, justification, expiry) covers the request; without one, every such request is blocked.',
    example: '"modes": ["query_param"]',
    extension: true,
  },
  POLICY_PLAIN_HTTP: {
    severity: 'warning',
    class: 'policy',
    title: 'Egress rule allows plain http',
    help: 'An egress rule lists the http scheme. The evaluator allows plain http only when an exception artifact covers the request; without one, every such request is blocked.',
    example: '"schemes": ["https", "http"]',
    extension: true,
  },
  POLICY_UNKNOWN_REFERENCE: {
    severity: 'error',
    class: 'policy',
    title: 'Reference to something the bundle does not define',
    help: 'A grant names an egress rule id, MCP server or secret alias that no rule of the bundle defines. It grants nothing (fail closed), which is almost certainly not what was meant: a renamed rule left its grants behind.',
    example: '"http": ["egress.github"] when the rule is egress.github-api.',
    extension: true,
  },
  POLICY_PATH_UNMATCHABLE: {
    severity: 'warning',
    class: 'policy',
    title: 'A path prefix no request can be under',
    help: 'A path prefix of an egress rule, a secrets rule or a workspace grant has a segment that the evaluator refuses in every request path before any rule is compared: "." or "..", a ";" (URLs), a control character or white space at either end of a segment (URLs); or a prefix of an egress rule has more segments than the max_depth of that rule, so no path under it is shallow enough. A request path with such a segment is blocked anyway (one under a prefix deeper than max_depth is left to the other rules), but the rule does not do what it says: a deny rule on the prefix never denies, so what it meant to deny (written without the segment) is decided by the other rules; an allow rule or grant on it never allows. Write the path as the evaluator reads it: /v1/admin, not /v1/./admin.',
    example: '"paths": ["/repos/../admin"] on a deny rule.',
    extension: true,
  },
  POLICY_NOT_AN_ELEVATION: {
    severity: 'warning',
    class: 'policy',
    title: 'An elevation rule that names no elevation',
    help: 'An elevation rule of trust-zones.json goes to the zone it starts from or to a lower one (kernel > supervisor > executor > userland). The evaluator blocks such a request before it looks for a rule ("not an elevation"), so the rule never applies: whatever it was meant to allow is blocked. Name the zones the other way round, or remove it.',
    example: '{"id": "trust.ops-down", "principal": "ops-bot", "from": "supervisor", "to": "executor", "severity": "low"}',
    extension: true,
  },
  POLICY_USERLAND_GRANT: {
    severity: 'note',
    class: 'policy',
    title: 'Grant holds in userland',
    help: 'Userland never gains authority implicitly; this grant names the userland zone explicitly. Worth a second look in review.',
    example: '"zones": ["executor", "userland"]',
    extension: true,
  },
} as const satisfies Record<string, CodeInfo>;

export type FindingCode = keyof typeof CODES;

export function codeInfo(code: FindingCode): CodeInfo {
  return CODES[code];
}

export const ALL_CODES = Object.keys(CODES).sort() as FindingCode[];

/**
 * Findings that can be about a line the chain check could not place (a hole: changed after it
 * was written, not readable as an event, or failing the schema where a place is read): the
 * chain and seq it names, if any, are not evidence of where it belongs. Whoever changes a line
 * can make it one (drop its prev_hash, and seal it again), and then it fills a gap without a
 * SEQ_GAP, naming any seq. A gate counts them whatever --since says; explain looks at them
 * wherever a missing seq could be. (EVENT_SCHEMA is also made for events that are placed,
 * which then count too: fail closed.)
 */
export const PLACE_NOT_EVIDENCE: ReadonlySet<string> = new Set<FindingCode>([
  'HASH_MISMATCH', 'EVENT_NONCANONICAL', 'EVENT_VERSION_UNKNOWN', 'DIGEST_UNSUPPORTED', 'EVENT_SCHEMA',
  'LINE_INVALID_UTF8', 'LINE_INVALID_JSON', 'LINE_EMPTY', 'LINE_TORN', 'LINE_TOO_LONG',
]);

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}
