/** Writing to standard output without losing bytes, and without dying on a closed pipe. */
export declare function writeOut(text: string): Promise<void>;
/** A reader that went away (`sel verify … | head`) is not an error of ours. */
export declare function ignoreBrokenPipe(): void;
