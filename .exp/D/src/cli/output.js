/** Writing to standard output without losing bytes, and without dying on a closed pipe. */
export function writeOut(text) {
    return new Promise((resolve) => {
        if (text.length === 0) {
            resolve();
            return;
        }
        process.stdout.write(text, () => resolve());
    });
}
/** A reader that went away (`sel verify … | head`) is not an error of ours. */
export function ignoreBrokenPipe() {
    process.stdout.on('error', (e) => {
        if (e.code === 'EPIPE')
            process.exit(process.exitCode ?? 0);
        throw e;
    });
}
//# sourceMappingURL=output.js.map