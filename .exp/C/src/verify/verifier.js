/**
 * The integrity verifier as a pure state machine: fed with the bytes of each log file in
 * order, it runs the line check and the chain check and collects findings and counts. It
 * does no I/O; `run.ts` reads files and feeds it, and so can a test, a worker or a shard.
 */
import { checkLine } from '../envelope/check.js';
import { ChainVerifier, DEFAULT_CHAIN_OPTIONS } from '../chain/chain.js';
import { makeFinding } from '../findings/finding.js';
import { CODES } from '../findings/codes.js';
import { LineSplitter } from '../ingest/lines.js';
import { DEFAULT_MAX_DEPTH } from '../canonical/scan.js';
export const DEFAULT_VERIFY_OPTIONS = {
    maxLineBytes: 1024 * 1024,
    maxDepth: DEFAULT_MAX_DEPTH,
    chain: DEFAULT_CHAIN_OPTIONS,
    maxFindings: 100_000,
    starts: [],
};
export class IntegrityVerifier {
    opts;
    chain;
    check;
    files = [];
    fileIndex = new Map();
    ordinal = 0;
    kept = [];
    found = 0;
    omitted = 0;
    bySeverity = { error: 0, warning: 0, note: 0 };
    byClass = { integrity: 0, diverged: 0, unverifiable: 0 };
    byCode = new Map();
    tsMin = null;
    tsMax = null;
    events = 0;
    constructor(opts = DEFAULT_VERIFY_OPTIONS, onEvent = null) {
        this.opts = opts;
        this.check = { maxDepth: opts.maxDepth, keepEvent: onEvent !== null };
        this.chain = new ChainVerifier((f) => this.report(f), opts.chain, opts.starts, onEvent);
    }
    /** Records a finding (from any stage). */
    report(f) {
        this.found++;
        this.bySeverity[f.severity]++;
        this.byClass[CODES[f.code].class]++;
        this.byCode.set(f.code, (this.byCode.get(f.code) ?? 0) + 1);
        if (this.opts.maxFindings > 0 && this.kept.length >= this.opts.maxFindings) {
            this.omitted++;
            return;
        }
        const order = f.location === null
            ? Number.MAX_SAFE_INTEGER
            : (this.fileIndex.get(f.location.file) ?? this.files.length) * 2 ** 32 + f.location.line;
        this.kept.push({ order, index: this.found, finding: f });
    }
    /** Starts a file; returns the splitter to push its bytes into. */
    beginFile(file) {
        const index = this.files.length;
        const stats = { file, bytes: 0, lines: 0, events: 0, content: 0 };
        this.files.push(stats);
        this.fileIndex.set(file, index);
        const sink = {
            line: (bytes, lineNo) => {
                stats.bytes += bytes.length + 1;
                stats.content++;
                this.record(checkLine(bytes, this.ref(file, lineNo), this.check), stats);
            },
            emptyLine: (lineNo) => {
                stats.bytes += 1;
                const ref = this.ref(file, lineNo);
                const f = makeFinding('LINE_EMPTY', {
                    location: { file, line: lineNo },
                    message: 'empty line; only the very last line of a file may be empty',
                });
                this.record({ kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] }, stats);
            },
            tooLong: (lineNo, length, terminated) => {
                stats.bytes += length + (terminated ? 1 : 0);
                stats.content++;
                const ref = this.ref(file, lineNo);
                const f = makeFinding('LINE_TOO_LONG', {
                    location: { file, line: lineNo },
                    message: `line of ${length} bytes exceeds the limit of ${this.opts.maxLineBytes} bytes (--max-line-bytes); it was skipped unread`,
                    expected: `<= ${this.opts.maxLineBytes}`,
                    actual: length,
                });
                this.record({ kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] }, stats);
            },
            torn: (lineNo, bytes) => {
                stats.bytes += bytes.length;
                stats.content++;
                const ref = this.ref(file, lineNo);
                const f = makeFinding('LINE_TORN', {
                    location: { file, line: lineNo },
                    message: `the last line (${bytes.length} bytes) has no line feed: a torn write; it is not evaluated`,
                    detail: { bytes: bytes.length },
                });
                this.record({ kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] }, stats);
            },
        };
        return new LineSplitter(sink, this.opts.maxLineBytes);
    }
    /**
     * Ends a file; `problem` is what went wrong reading it, if anything. A file that held no
     * line at all is reported as empty, unless it could not be read in the first place.
     */
    endFile(file, splitter, problem = null) {
        splitter.end();
        const stats = this.files[this.fileIndex.get(file)];
        stats.lines = splitter.lines;
        if (problem !== null)
            this.report(makeFinding(problem.code, { location: { file, line: 1 }, message: problem.message }));
        if (stats.content === 0 && problem?.code !== 'LOG_UNREADABLE') {
            this.report(makeFinding('LOG_EMPTY', {
                location: { file, line: 1 },
                message: 'the file holds no events',
            }));
        }
    }
    /** A file that could not be read, or that changed under the reader. */
    fileProblem(file, code, message) {
        if (!this.fileIndex.has(file)) {
            this.fileIndex.set(file, this.files.length);
            this.files.push({ file, bytes: 0, lines: 0, events: 0, content: 0 });
        }
        this.report(makeFinding(code, { location: { file, line: 1 }, message }));
    }
    finish() {
        this.chain.finish();
        const kept = [...this.kept].sort((a, b) => a.order - b.order || a.index - b.index);
        const byCode = {};
        for (const code of [...this.byCode.keys()].sort())
            byCode[code] = this.byCode.get(code);
        return {
            summary: {
                files: this.files.map((f) => ({ file: f.file, bytes: f.bytes, lines: f.lines, events: f.events })),
                lines: this.files.reduce((n, f) => n + f.lines, 0),
                events: this.events,
                bytes: this.files.reduce((n, f) => n + f.bytes, 0),
                chains: this.chain.summaries(),
                timeRange: this.tsMin === null || this.tsMax === null ? null : { from: this.tsMin, to: this.tsMax },
                findings: {
                    total: this.found,
                    bySeverity: { ...this.bySeverity },
                    byClass: { ...this.byClass },
                    byCode,
                    omitted: this.omitted,
                },
            },
            findings: kept.map((k) => k.finding),
            positions: this.chain.positions(),
        };
    }
    ref(file, line) {
        return { file, line, ordinal: this.ordinal++ };
    }
    record(rec, stats) {
        for (const f of rec.findings)
            this.report(f);
        if (rec.kind === 'event') {
            stats.events++;
            this.events++;
            if (rec.ts !== null) {
                if (this.tsMin === null || rec.ts < this.tsMin)
                    this.tsMin = rec.ts;
                if (this.tsMax === null || rec.ts > this.tsMax)
                    this.tsMax = rec.ts;
            }
        }
        this.chain.push(rec);
    }
}
//# sourceMappingURL=verifier.js.map