export declare function packageRoot(): string;
/** Parses `schemas/<name>`; these files are ours, so a failure here is a packaging bug. */
export declare function loadSchema(name: string): Record<string, unknown>;
