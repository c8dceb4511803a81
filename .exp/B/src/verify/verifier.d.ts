import type { PlacedEvent } from '../envelope/types.js';
import { type ChainOptions, type ChainPosition, type ChainSummary } from '../chain/chain.js';
import { type Finding } from '../findings/finding.js';
import { type FindingClass, type FindingCode, type Severity } from '../findings/codes.js';
import { LineSplitter } from '../ingest/lines.js';
export interface VerifyOptions {
    /** Longest line read; longer lines are LINE_TOO_LONG (SPEC.md §2: default 1 MiB). */
    readonly maxLineBytes: number;
    /** Deepest nesting accepted in an event. */
    readonly maxDepth: number;
    readonly chain: ChainOptions;
    /** How many findings are kept for the report; the rest are counted. 0: no limit. */
    readonly maxFindings: number;
    /** Chains start here instead of at seq 0 (a checkpoint). */
    readonly starts: readonly ChainPosition[];
}
export declare const DEFAULT_VERIFY_OPTIONS: VerifyOptions;
export interface FileSummary {
    readonly file: string;
    readonly bytes: number;
    readonly lines: number;
    readonly events: number;
}
export interface FindingCounts {
    readonly total: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
    readonly byClass: Readonly<Record<FindingClass, number>>;
    readonly byCode: Readonly<Partial<Record<FindingCode, number>>>;
    /** Findings not listed because of the --max-findings limit (still counted above). */
    readonly omitted: number;
}
export interface IntegritySummary {
    readonly files: readonly FileSummary[];
    readonly lines: number;
    readonly events: number;
    readonly bytes: number;
    readonly chains: readonly ChainSummary[];
    readonly timeRange: {
        readonly from: string;
        readonly to: string;
    } | null;
    readonly findings: FindingCounts;
}
export interface IntegrityResult {
    readonly summary: IntegritySummary;
    /** Findings in report order: by position in the input, then in the order found. */
    readonly findings: readonly Finding[];
    readonly positions: readonly ChainPosition[];
}
/** Per-event hook for stages downstream of integrity (replay): every placed event, in seq order. */
export type EventHook = (rec: PlacedEvent) => void;
export declare class IntegrityVerifier {
    private readonly opts;
    private readonly chain;
    private readonly check;
    private readonly files;
    private readonly fileIndex;
    private ordinal;
    private readonly kept;
    private found;
    private omitted;
    private readonly bySeverity;
    private readonly byClass;
    private readonly byCode;
    private tsMin;
    private tsMax;
    private events;
    constructor(opts?: VerifyOptions, onEvent?: EventHook | null);
    /** Records a finding (from any stage). */
    report(f: Finding): void;
    /** Starts a file; returns the splitter to push its bytes into. */
    beginFile(file: string): LineSplitter;
    /**
     * Ends a file; `problem` is what went wrong reading it, if anything. A file that held no
     * line at all is reported as empty, unless it could not be read in the first place.
     */
    endFile(file: string, splitter: LineSplitter, problem?: {
        code: 'LOG_UNREADABLE' | 'LOG_CHANGED';
        message: string;
    } | null): void;
    /** A file that could not be read, or that changed under the reader. */
    fileProblem(file: string, code: 'LOG_UNREADABLE' | 'LOG_CHANGED', message: string): void;
    finish(): IntegrityResult;
    private ref;
    private record;
}
