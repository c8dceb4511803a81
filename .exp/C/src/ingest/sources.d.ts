export interface LogSource {
    /** The path as the operator named it, or as found in a named directory; `-` for stdin. */
    readonly display: string;
    /** null for standard input. */
    readonly path: string | null;
    /** A regular file (seekable, with a size). */
    readonly regular: boolean;
    /** Named on the command line (errors are the operator's), or found in a directory. */
    readonly named: boolean;
}
/** A directory entry that is not a readable regular file. */
export interface SkippedEntry {
    readonly display: string;
    readonly reason: string;
}
export interface ResolvedSources {
    readonly sources: LogSource[];
    readonly skipped: SkippedEntry[];
}
export declare const STDIN = "-";
/** Expands the LOG arguments. Throws OperatorError for the operator's own mistakes. */
export declare function resolveSources(args: readonly string[]): Promise<ResolvedSources>;
/**
 * Orders sources by the `seq` of their first event, ties (and files whose first line has no
 * usable seq) by name. Files without a readable first seq come after those with one: their
 * place cannot be known, and putting them last keeps the known part of the order intact.
 * Only regular files are peeked; streams keep their given order, after the files.
 */
export declare function orderSources(sources: readonly LogSource[], maxLineBytes: number): Promise<LogSource[]>;
