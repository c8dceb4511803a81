export function renderJson(report) {
    return `${JSON.stringify({ summary: report.summary, findings: report.findings }, null, 2)}\n`;
}
export function renderJsonl(report) {
    let out = '';
    for (const f of report.findings)
        out += `${JSON.stringify(f)}\n`;
    return `${out}${JSON.stringify({ summary: report.summary })}\n`;
}
//# sourceMappingURL=json.js.map