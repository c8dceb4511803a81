/**
 * The floor: the least work any integrity verifier must do per line, as DESIGN.md defines
 * it ("parse + crypto.hash('sha256') of the raw line", ~58 MB/s there). A verifier cannot beat
 * this without skipping checks, so `sel verify` is judged as a fraction of it.
 *
 * Run as its own process (`node dist/bench/floor.js FILE`) so its heap, JIT state and peak
 * RSS are its own, exactly as for `sel verify`. Prints one JSON line:
 * `{ "events", "bytes", "seconds", "maxRssBytes" }`.
 *
 * Deliberately the plainest fast code: synchronous 1 MiB reads, LF search on the Buffer, one
 * string per line (decoding a whole chunk at once is slower, DESIGN.md), `JSON.parse`, and
 * one-shot `crypto.hash` of the line's bytes.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { hash } from 'node:crypto';
const CHUNK_BYTES = 1 << 20;
const LF = 10;
function runFloor(file) {
    const started = process.hrtime.bigint();
    const fd = openSync(file, 'r');
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = 0; // bytes of an unfinished line kept at the start of buf
    let bytes = 0;
    let events = 0;
    // Something the results feed into, so the JIT cannot drop the parse or the hash as dead.
    let sink = 0;
    const line = (s, e) => {
        if (e === s)
            return; // the allowed empty last line
        const value = JSON.parse(buf.toString('utf8', s, e));
        const digest = hash('sha256', buf.subarray(s, e), 'hex');
        sink ^= digest.charCodeAt(0) ^ (typeof value === 'object' ? 1 : 0);
        events++;
    };
    try {
        for (;;) {
            // A line longer than the buffer: grow it rather than split the line.
            if (carry === buf.length) {
                const bigger = Buffer.allocUnsafe(buf.length * 2);
                buf.copy(bigger, 0, 0, carry);
                buf = bigger;
            }
            const n = readSync(fd, buf, carry, buf.length - carry, null);
            if (n === 0)
                break;
            bytes += n;
            const end = carry + n;
            const filled = buf.subarray(0, end); // so the LF search never looks at stale bytes
            let s = 0;
            for (let lf = filled.indexOf(LF, s); lf !== -1; lf = filled.indexOf(LF, s)) {
                line(s, lf);
                s = lf + 1;
            }
            carry = end - s;
            buf.copy(buf, 0, s, end);
        }
        line(0, carry); // a last line without LF still counts as work done
    }
    finally {
        closeSync(fd);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (sink === -1)
        process.stderr.write('unreachable\n');
    return { events, bytes, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}
const file = process.argv[2];
if (file === undefined) {
    process.stderr.write('usage: node dist/bench/floor.js FILE\n');
    process.exitCode = 2;
}
else {
    process.stdout.write(`${JSON.stringify(runFloor(file))}\n`);
}
//# sourceMappingURL=floor.js.map