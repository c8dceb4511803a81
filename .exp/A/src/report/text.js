import { CODES } from '../findings/codes.js';
function plural(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
}
function show(v) {
    return typeof v === 'string' ? v : JSON.stringify(v);
}
export function renderText(report, c) {
    const s = report.summary;
    const lines = [];
    const sev = (x) => x === 'error' ? c.red.bold('error') : x === 'warning' ? c.yellow.bold('warning') : c.cyan('note');
    const range = s.timeRange === null ? '' : ` from ${s.timeRange.from} to ${s.timeRange.to}`;
    lines.push(c.bold(`sel verify: ${plural(s.files.length, 'file')}, ${plural(s.lines, 'line')}, ${plural(s.events, 'event')} in ${plural(s.chains.length, 'chain')}${range}`));
    lines.push(s.replay.performed ? 'replay: performed' : c.dim(`replay: skipped (${s.replay.reason ?? 'not requested'}); only integrity was checked`));
    if (report.findings.length > 0)
        lines.push('');
    for (const f of report.findings)
        lines.push(...renderFinding(f, c, sev));
    if (s.findings.omitted > 0) {
        lines.push('', c.yellow(`${plural(s.findings.omitted, 'more finding')} not listed (--max-findings); they are counted below`));
    }
    if (s.chains.length > 0) {
        lines.push('', c.bold('chains'));
        const w = Math.max(...s.chains.map((ch) => ch.chain.length));
        for (const ch of s.chains) {
            const seqs = ch.firstSeq === null ? '' : `  seq ${ch.firstSeq}–${ch.lastSeq}`;
            const ts = ch.firstTs === null ? '' : `  ${ch.firstTs} → ${ch.lastTs}`;
            lines.push(`  ${ch.chain.padEnd(w)}  ${plural(ch.events, 'event')}${seqs}${ts}`);
        }
    }
    const codes = Object.entries(s.findings.byCode);
    if (codes.length > 0) {
        lines.push('', c.bold('findings by code'));
        const w = Math.max(...codes.map(([code]) => code.length));
        for (const [code, n] of codes) {
            lines.push(`  ${code.padEnd(w)}  ${String(n).padStart(6)}  ${sev(CODES[code].severity)}`);
        }
    }
    const b = s.findings.bySeverity;
    const tally = `${plural(b.error, 'error')}, ${plural(b.warning, 'warning')}, ${plural(b.note, 'note')}`;
    const verdict = s.result === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL');
    const gate = s.failOn === 'never' ? '--fail-on never' : `--fail-on ${s.failOn}`;
    lines.push('', `${tally}: ${verdict} (${gate})`);
    return `${lines.join('\n')}\n`;
}
function renderFinding(f, c, sev) {
    const where = f.location === null
        ? '(no position)'
        : `${f.location.file}:${f.location.line}${f.location.column === undefined ? '' : `:${f.location.column}`}`;
    const chain = f.chain === null ? '' : c.dim(` chain ${f.chain}${f.seq === null ? '' : ` seq ${f.seq}`}`);
    const out = [`${c.bold(where)}  ${sev(f.severity)}  ${c.bold(f.code)}${chain}`, `    ${f.message}`];
    if (f.expected !== undefined)
        out.push(c.dim(`    expected ${show(f.expected)}`));
    if (f.actual !== undefined)
        out.push(c.dim(`    actual   ${show(f.actual)}`));
    return out;
}
//# sourceMappingURL=text.js.map