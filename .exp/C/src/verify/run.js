/**
 * `sel verify` without a repository: resolve the logs, read them in order, feed the pure
 * verifier. The I/O edge of the integrity check.
 */
import { orderSources, resolveSources } from '../ingest/sources.js';
import { readSource } from '../ingest/read.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from './verifier.js';
export async function verifyLogs(logs, options = {}, onEvent = null) {
    const opts = { ...DEFAULT_VERIFY_OPTIONS, ...options };
    const { sources, skipped } = await resolveSources(logs);
    const ordered = await orderSources(sources, opts.maxLineBytes);
    const verifier = new IntegrityVerifier(opts, onEvent);
    for (const source of ordered) {
        const splitter = verifier.beginFile(source.display);
        const onBytes = opts.onBytes;
        const problem = await readSource(source, onBytes === undefined
            ? (chunk) => splitter.push(chunk)
            : (chunk) => {
                splitter.push(chunk);
                onBytes(chunk.length);
            }, opts.stdin);
        verifier.endFile(source.display, splitter, problem);
    }
    for (const s of skipped)
        verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
    return verifier.finish();
}
//# sourceMappingURL=run.js.map