/** The CI formats, each checked against what its consumer accepts. */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, sep } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { buildReport, fails, type Report } from '../../src/report/report.js';
import { fingerprint, renderSarif, SARIF_MAX_GZIP_BYTES, SARIF_MAX_RESULTS, type SarifReport } from '../../src/report/sarif.js';
import { renderJunit, xmlEscape } from '../../src/report/junit.js';
import { ANNOTATIONS_PER_LEVEL, escapeData, escapeProperty, markdownCell, pushRows, renderGithub, renderStepSummary } from '../../src/report/github.js';
import { renderJson, renderJsonl } from '../../src/report/json.js';
import { VERSION } from '../../src/version.js';
import type { FindingCode } from '../../src/findings/codes.js';
import { verifyLogs } from '../../src/verify/run.js';
import type { ReplaySummary } from '../../src/verify/replay-run.js';
import { makeFinding } from '../../src/findings/finding.js';
import { countFindings, FindingTally } from '../../src/findings/counts.js';
import type { GateReport } from '../../src/gate/gate.js';
import { Chalk } from 'chalk';
import { renderText, verdictLine } from '../../src/report/text.js';
import { renderGateGithub, renderGateJunit, renderGateStepSummary } from '../../src/report/gate-formats.js';
import { relativizer } from '../../src/cli/verify.js';

const LOGS = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const rel = (f: string) => f.replace(/^.*ledger-samples\//, 'ledger-samples/');

async function reportOf(dir: string, failOn: 'error' | 'warning' = 'error'): Promise<Report> {
  return buildReport(await verifyLogs([join(LOGS, dir)]), { performed: false, reason: 'no --repo given' }, failOn);
}

const sarifSchema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
// A CommonJS module: its module.exports is the class and so is its `default`, which is all that
// TypeScript (NodeNext) sees of it.
const AjvDraft04 = ajvDraft04.default;
const validateSarif = new AjvDraft04({ allErrors: true, strict: false }).compile(sarifSchema);

describe('--format sarif', () => {
  it('validates against the official SARIF 2.1.0 schema', async () => {
    for (const dir of ['tampered', 'clean', 'incident']) {
      const doc = JSON.parse(renderSarif(await reportOf(dir), { relativize: rel, category: 'verify' })) as unknown;
      const ok = validateSarif(doc);
      expect(validateSarif.errors ?? [], dir).toEqual([]);
      expect(ok).toBe(true);
    }
  });
  it('of a policy check validates too', () => {
    const finding = makeFinding('POLICY_INVALID', { location: { file: 'policy/trust-zones.json', line: 7 }, message: 'bad' });
    const doc = JSON.parse(renderSarif({ findings: [finding], summary: { result: 'fail', failOn: 'error', findings: countFindings([finding]), files: [{ file: 'policy/trust-zones.json' }] } }, { relativize: (f) => f, category: 'policy' })) as unknown;
    expect(validateSarif(doc)).toBe(true);
  });
  it('writes a file name as a path whatever characters it holds (percent-encoded segments)', () => {
    const hostile = 'policy/a%b #c?,:d\n.json';
    const finding = makeFinding('POLICY_INVALID', { location: { file: hostile, line: 2 }, message: 'bad' });
    const doc = JSON.parse(renderSarif({ findings: [finding], summary: { result: 'fail', failOn: 'error', findings: countFindings([finding]), files: [{ file: hostile }] } }, { relativize: (f) => f, category: 'policy' })) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uri = doc.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).toBe('policy/a%25b%20%23c%3F%2C%3Ad%0A.json');
    expect(decodeURIComponent(uri)).toBe(hostile);
    expect(new URL(uri, 'file:///repo/').pathname).toBe('/repo/policy/a%25b%20%23c%3F%2C%3Ad%0A.json');
  });
  it('writes a message from the logs with what could reorder or hide text escaped, as text, github and junit do; expected and actual stay exact (review)', () => {
    // GitHub code scanning shows message.text in its web UI: a bidi override in a recorded rule
    // showed the text in another order there.
    const hostile = 'evil\u202e\u009b2J\u200b';
    const finding = makeFinding('DECISION_DIVERGENCE', { chain: 'c', seq: 1, location: { file: 'logs/a.jsonl', line: 2 }, message: `recorded rule ${hostile}`, expected: { rule: null }, actual: { rule: hostile } });
    const doc = JSON.parse(renderSarif({ findings: [finding], summary: { result: 'fail', failOn: 'error', findings: countFindings([finding]), files: [{ file: 'logs/a.jsonl' }] } }, { relativize: (f) => f, category: 'verify' })) as { runs: { results: { message: { text: string }; properties: { actual: { rule: string } } }[] }[] };
    const r = doc.runs[0]!.results[0]!;
    expect(r.message.text).toBe('recorded rule evil\\u202e\\u009b2J\\u200b');
    expect(r.properties.actual.rule).toBe(hostile);
  });
  it('has one rule per finding code, results with level, location and a stable fingerprint', async () => {
    const report = await reportOf('incident');
    const doc = JSON.parse(renderSarif(report, { relativize: rel, category: 'verify' })) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[]; automationDetails: { id: string } }[];
    };
    const run = doc.runs[0]!;
    expect(run.automationDetails.id).toBe('sel/verify/');
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of run.results) {
      expect(ids[r.ruleIndex]).toBe(r.ruleId);
      expect(r.level).toBe('error');
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('ledger-samples/logs/incident/audit.jsonl');
    }
    // The same input gives the same fingerprints; they do not depend on the message wording.
    const again = JSON.parse(renderSarif(await reportOf('incident'), { relativize: rel, category: 'verify' })) as typeof doc;
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(run.results.map((r) => r.partialFingerprints));
    const f = report.findings[0]!;
    expect(fingerprint({ ...f, message: 'reworded' }, 'x')).toBe(fingerprint(f, 'x'));
  });
  it('gives forged lines that claim one seq a fingerprint each, and a placed event\'s finding one by its seq (found by review)', () => {
    const at = (code: 'HASH_MISMATCH' | 'SEQ_DUPLICATE' | 'TS_REGRESSION', line: number) => makeFinding(code, { chain: 'c', seq: 0, location: { file: 'a.jsonl', line }, message: 'm' });
    for (const code of ['HASH_MISMATCH', 'SEQ_DUPLICATE'] as const) expect(fingerprint(at(code, 3), 'a.jsonl'), code).not.toBe(fingerprint(at(code, 4), 'a.jsonl'));
    // A placed event's seq is evidence: the same fault wherever the line (a file rotated in two).
    expect(fingerprint(at('TS_REGRESSION', 3), 'a.jsonl')).toBe(fingerprint(at('TS_REGRESSION', 4), 'a.jsonl'));
  });
  it('keeps the most severe results under the platform limits and says how many were left out', async () => {
    const base = await reportOf('clean');
    const findings = Array.from({ length: 60 }, (_, i) =>
      makeFinding(i % 3 === 0 ? 'HASH_MISMATCH' : 'TS_REGRESSION', { chain: 'c', seq: i, location: { file: 'a.jsonl', line: i + 1 }, message: `finding ${i}` }));
    const report: Report = { ...base, findings };
    const doc = JSON.parse(renderSarif(report, { relativize: rel, category: 'verify', maxResults: 25 })) as {
      runs: { results: { level: string }[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[]; properties: { resultsLeftOut: number } }[];
    };
    const run = doc.runs[0]!;
    expect(run.results).toHaveLength(25);
    expect(run.results.slice(0, 20).every((r) => r.level === 'error')).toBe(true);
    expect(run.properties.resultsLeftOut).toBe(35);
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain('35 finding(s) are not in this file');
    const small = JSON.parse(renderSarif(report, { relativize: rel, category: 'verify', maxGzipBytes: 4000 })) as typeof doc;
    expect(small.runs[0]!.results.length).toBeLessThan(60);
    expect(validateSarif(small)).toBe(true);
  });
  it('gives each severity its SARIF level, keeps report order within one, and puts a finding without a location at the first file, line 1', () => {
    const findings = [
      makeFinding('POLICY_USERLAND_GRANT', { location: { file: 'p/a.json', line: 3, column: 5 }, message: 'n' }),
      makeFinding('TS_REGRESSION', { chain: 'c', seq: 2, location: { file: 'p/a.json', line: 2 }, message: 'w', expected: 'x' }),
      makeFinding('POLICY_INVALID', { message: 'e1' }),
      makeFinding('POLICY_UNKNOWN', { location: { file: 'p/b.json', line: 9 }, message: 'e2' }),
    ];
    type Doc = { runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: unknown }[]; properties?: Record<string, unknown> }[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[]; properties: { result: string; resultsLeftOut: number } }[] };
    const render = (omitted: number) => JSON.parse(renderSarif({ findings, summary: { result: 'fail', failOn: 'error', findings: { ...countFindings(findings), omitted }, files: [{ file: 'p/first.json' }] } }, { relativize: (f) => f, category: 'policy' })) as Doc;
    const run = render(0).runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([['POLICY_INVALID', 'error'], ['POLICY_UNKNOWN', 'error'], ['TS_REGRESSION', 'warning'], ['POLICY_USERLAND_GRANT', 'note']]);
    expect(run.results[0]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'p/first.json' }, region: { startLine: 1 } });
    expect(run.results[3]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'p/a.json' }, region: { startLine: 3, startColumn: 5 } });
    expect(run.results[2]!.properties).toMatchObject({ chain: 'c', seq: 2 });
    expect(run.results[2]!.properties).toHaveProperty('expected');
    const level = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!.defaultConfiguration.level;
    expect([level('HASH_MISMATCH'), level('TS_REGRESSION'), level('POLICY_USERLAND_GRANT')]).toEqual(['error', 'warning', 'note']);
    expect(run.properties.result).toBe('fail');
    // Nothing left out, no notification; findings counted but not listed are left out too.
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([]);
    const cut = render(3).runs[0]!;
    expect(cut.properties.resultsLeftOut).toBe(3);
    expect(cut.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain('3 finding(s) are not in this file');
  });
  it('names each rule in PascalCase, tags it for security, gives its example as one Markdown code span, and says the run succeeded (from mutation testing)', () => {
    type Doc = { runs: { tool: { driver: { semanticVersion: string; rules: { id: string; name: string; help: { markdown: string }; properties: { tags: string[] } }[] } }; invocations: { executionSuccessful: boolean }[]; properties: { result: string } }[] };
    const doc = JSON.parse(renderSarif({ findings: [], summary: { result: 'pass', failOn: 'error', findings: countFindings([]), files: [] } }, { relativize: (f) => f, category: 'verify' })) as Doc;
    const run = doc.runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.find((r) => r.id === 'HASH_MISMATCH')!.name).toBe('HashMismatch');
    expect(rules.find((r) => r.id === 'PREV_HASH_MISMATCH')!.name).toBe('PrevHashMismatch');
    for (const r of rules) {
      expect(r.properties.tags, r.id).toContain('security');
      // One code span: a backtick of the example (LINE_TORN's has two) would end it early.
      expect(r.help.markdown, r.id).toMatch(/\n\nExample: `[^`]*`$/);
    }
    expect(run.tool.driver.semanticVersion).toBe(VERSION);
    expect(run.invocations[0]!.executionSuccessful).toBe(true);
    expect(run.properties.result).toBe('pass');
  });
  it('gives a fingerprint each to two codes at one event, to one fault in two files, to a fork\'s lines, and to a chain\'s findings without a seq on two lines (from mutation testing)', () => {
    const at = (code: FindingCode, seq: number | null, line: number) => makeFinding(code, { chain: 'c', seq, location: { file: 'a.jsonl', line }, message: 'm' });
    // A fork's branch shares its seq with the event it forks from: each line is an alert of its own.
    expect(fingerprint(at('CHAIN_FORK', 2, 3), 'a.jsonl')).not.toBe(fingerprint(at('CHAIN_FORK', 2, 9), 'a.jsonl'));
    // A finding about a chain that names no seq is placed by its line.
    expect(fingerprint(at('TS_REGRESSION', null, 3), 'a.jsonl')).not.toBe(fingerprint(at('TS_REGRESSION', null, 9), 'a.jsonl'));
    expect(fingerprint(at('TS_REGRESSION', 2, 3), 'a.jsonl')).not.toBe(fingerprint(at('FINGERPRINT_MISMATCH', 2, 3), 'a.jsonl'));
    expect(fingerprint(at('TS_REGRESSION', 2, 3), 'a.jsonl')).not.toBe(fingerprint(at('TS_REGRESSION', 2, 3), 'b.jsonl'));
  });
  it('puts expected and actual in a result\'s properties, no property bag when there is nothing to say, a fingerprint of the URI as written, and the first file as a URI (from mutation testing)', () => {
    const findings = [
      makeFinding('TS_REGRESSION', { chain: 'c', seq: 2, location: { file: '/abs/logs/a.jsonl', line: 2 }, message: 'w', expected: 'x', actual: 'y' }),
      makeFinding('POLICY_INVALID', { message: 'e' }),
    ];
    type Doc = { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string>; properties?: Record<string, unknown> }[] }[] };
    const doc = JSON.parse(renderSarif({ findings, summary: { result: 'fail', failOn: 'error', findings: countFindings(findings), files: [{ file: '/abs/logs/a #1.jsonl' }] } }, { relativize: (f) => f.replace(/^\/abs\//, ''), category: 'verify' })) as Doc;
    const [invalid, late] = doc.runs[0]!.results;
    expect(invalid!.ruleId).toBe('POLICY_INVALID');
    expect(invalid).not.toHaveProperty('properties');
    // A finding without a location is put at the first file, percent-encoded as every URI is.
    expect(invalid!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('logs/a%20%231.jsonl');
    expect(late!.properties).toEqual({ chain: 'c', seq: 2, expected: 'x', actual: 'y' });
    // The fingerprint does not depend on where sel ran from: it is made of the relative URI.
    expect(late!.partialFingerprints['selFinding/v1']).toBe(fingerprint(findings[0]!, 'logs/a.jsonl'));
  });
  // SARIF 2.1.0 section 3.11.5: `{` and `}` SHALL be `{{` and `}}` in every message string (a
  // consumer replaces `{0}` with an argument); section 3.11.6: `[text](n)` in a plain text
  // message is an embedded link to the result's location n, which SHALL exist. A log's values
  // reached message.text as they were: `{0}` read as a placeholder, `[here](0)` as a link.
  it('writes message strings as SARIF reads them: braces doubled, no embedded link from the logs (found by mutation review)', async () => {
    const hostile = '{0} [here](0) [x](https://evil.example/) a\\](1) [b\\\\](2) }{ [c] d]';
    const finding = makeFinding('DECISION_DIVERGENCE', { chain: 'c', seq: 1, location: { file: 'logs/a.jsonl', line: 2 }, message: `recorded rule ${hostile}`, actual: { rule: hostile } });
    const doc = JSON.parse(renderSarif({ findings: [finding], summary: { result: 'fail', failOn: 'error', findings: { ...countFindings([finding]), omitted: 1 }, files: [{ file: 'logs/a.jsonl' }], replay: { performed: false, reason: 'no {repo} given' } } }, { relativize: (f) => f, category: 'verify' })) as {
      runs: { results: { message: { text: string }; properties: { actual: { rule: string } } }[]; tool: { driver: { rules: { id: string; help: { text: string } }[] } } }[];
    };
    expect(validateSarif(doc)).toBe(true);
    const r = doc.runs[0]!.results[0]!;
    expect(r.message.text).toBe('recorded rule {{0}} [here\\](0) [x\\](https://evil.example/) a\\\\\\](1) [b\\\\\\\\\\](2) }}{{ [c] d]');
    // A bracket that cannot close a link stays as it is.
    expect(r.properties.actual.rule).toBe(hostile);
    // Read as a SARIF consumer reads it: no placeholder, no embedded link (the grammar of section
    // 3.11.6: a backslash in link text escapes \, [ or ], and nothing else is one); the brackets
    // and backslashes unescaped (oasis-tcs/sarif-spec#768), the message as it was.
    const embeddedLinks = (text: string): string[] => {
      const links: string[] = [];
      for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
        let j = i + 1;
        while (j < text.length && text[j] !== '[' && text[j] !== ']') {
          if (text[j] !== '\\') j++;
          else if ('\\[]'.includes(text[j + 1] ?? 'x')) j += 2;
          else break;
        }
        if (text.startsWith('](', j)) links.push(text.slice(i, text.indexOf(')', j) + 1));
      }
      return links;
    };
    expect(embeddedLinks('a [x](0) [y\\]z](1) [w\\](2) [v\\u0041](3)')).toEqual(['[x](0)', '[y\\]z](1)']);
    const strings: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && (key === 'text' || key === 'markdown')) strings.push(v);
      else if (Array.isArray(v)) v.forEach((x) => walk(x));
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) if (k !== 'properties') walk(x, k);
    };
    walk(doc);
    expect(strings.length).toBeGreaterThan(100);
    for (const t of strings) {
      expect(t.replace(/\{\{|\}\}/g, ''), t).not.toMatch(/[{}]/);
      expect(embeddedLinks(t), t).toEqual([]);
    }
    expect(r.message.text.replace(/\{\{|\}\}/g, (b) => b[0]!).replace(/\\([\\[\]])/g, '$1')).toBe(`recorded rule ${hostile}`);
    // The registry's examples hold JSON: a rule's help is a message string too.
    const help = doc.runs[0]!.tool.driver.rules.find((x) => x.id === 'EVENT_VERSION_UNKNOWN')!.help.text;
    expect(help.endsWith('Example: {{"v":"sel.audit/2",...}}')).toBe(true);
  });
  it('says its columns are UTF-16 code units, as SARIF 2.1.0 requires of a run with results (section 3.14.27; found by mutation review)', () => {
    // The column of the `x` after an emoji: 4 in UTF-16 code units, 3 in code points.
    const finding = makeFinding('POLICY_USERLAND_GRANT', { location: { file: 'p/a.json', line: 1, column: '"😂x'.indexOf('x') + 1 }, message: 'n' });
    const doc = JSON.parse(renderSarif({ findings: [finding], summary: { result: 'pass', failOn: 'error', findings: countFindings([finding]), files: [{ file: 'p/a.json' }] } }, { relativize: (f) => f, category: 'policy' })) as { runs: { columnKind: string; results: { locations: { physicalLocation: { region: { startColumn: number } } }[] }[] }[] };
    expect(validateSarif(doc)).toBe(true);
    expect(doc.runs[0]!.columnKind).toBe('utf16CodeUnits');
    expect(doc.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startColumn).toBe(4);
  });
  it('keeps its fingerprints from version to version, and says what code scanning and a pipeline read of the run: schema, tool version, rule precision and tags, notification levels, --fail-on and the counts (found by mutation review)', () => {
    // sha256 of code, NUL, URI, NUL, where (chain#seq, and @uri:line where the seq is not evidence),
    // its first 32 hex digits: a change of any part opens every alert again as a new one.
    expect(fingerprint(makeFinding('TS_REGRESSION', { chain: 'c', seq: 1, location: { file: 'logs/a.jsonl', line: 2 }, message: 'm' }), 'logs/a.jsonl')).toBe('e6c23d2162e02b4c00c4422825d24cfd');
    expect(fingerprint(makeFinding('HASH_MISMATCH', { chain: 'c', seq: 1, location: { file: 'logs/a.jsonl', line: 2 }, message: 'm' }), 'logs/a.jsonl')).toBe('4820b9b81dc18087e6ce1109fed1b81f');
    expect(fingerprint(makeFinding('LINE_INVALID_JSON', { location: { file: 'logs/a.jsonl', line: 7 }, message: 'm' }), 'logs/a.jsonl')).toBe('08cc1aadf140c832382b733980b00ca0');
    // A finding without a location is put at the first file, line 1, but its fingerprint says line 0:
    // not one alert with the same finding at line 1 of that file.
    expect(fingerprint(makeFinding('POLICY_INVALID', { message: 'm' }), 'p/a.json')).not.toBe(fingerprint(makeFinding('POLICY_INVALID', { location: { file: 'p/a.json', line: 1 }, message: 'm' }), 'p/a.json'));
    const findings = [makeFinding('TS_REGRESSION', { chain: 'c', seq: 1, location: { file: 'logs/a.jsonl', line: 2 }, message: 'w' })];
    const counts = { ...countFindings(findings), omitted: 2 };
    type Doc = { $schema: string; runs: { tool: { driver: { version: string; rules: { id: string; properties: { tags: string[]; precision: string } }[] } }; invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[]; properties: { failOn: string; findings: unknown } }[] };
    const doc = JSON.parse(renderSarif({ findings, summary: { result: 'fail', failOn: 'warning', findings: counts, files: [{ file: 'logs/a.jsonl' }], replay: { performed: false, reason: 'no --repo given' } } }, { relativize: (f) => f, category: 'verify' })) as Doc;
    expect(doc.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const run = doc.runs[0]!;
    expect(run.tool.driver.version).toBe(VERSION);
    const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!.properties;
    expect(rule('HASH_MISMATCH')).toEqual({ tags: ['security', 'sel-integrity'], precision: 'very-high' });
    expect(rule('DECISION_DIVERGENCE').tags).toEqual(['security', 'sel-diverged']);
    expect(run.invocations[0]!.toolExecutionNotifications.map((n) => [n.level, n.message.text.slice(0, 24)])).toEqual([['warning', '2 finding(s) are not in '], ['note', 'replay skipped (no --rep']]);
    expect(run.properties.failOn).toBe('warning');
    expect(run.properties.findings).toEqual(counts);
  });
  it('puts a finding without a location at "." when the report names no file (from mutation testing)', () => {
    // An empty URI is a reference to the SARIF file itself, not a place in the repository.
    const findings = [makeFinding('POLICY_INVALID', { message: 'e' })];
    const doc = JSON.parse(renderSarif({ findings, summary: { result: 'fail', failOn: 'error', findings: countFindings(findings), files: [] } }, { relativize: (f) => f, category: 'verify' })) as { runs: { results: { locations: { physicalLocation: unknown }[] }[] }[] };
    expect(validateSarif(doc)).toBe(true);
    expect(doc.runs[0]!.results[0]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: '.' }, region: { startLine: 1 } });
  });
  it('halves what it keeps until the file fits, down to no result at all, keeping the most severe; a file exactly at the limit is kept whole (from mutation testing)', () => {
    const findings = Array.from({ length: 40 }, (_, i) =>
      makeFinding(i % 4 === 0 ? 'HASH_MISMATCH' : 'TS_REGRESSION', { chain: 'c', seq: i, location: { file: 'a.jsonl', line: i + 1 }, message: `finding ${i}` }));
    const report: SarifReport = { findings, summary: { result: 'fail', failOn: 'error', findings: countFindings(findings), files: [{ file: 'a.jsonl' }] } };
    const opts = { relativize: (f: string) => f, category: 'verify' };
    type Doc = { runs: { results: { message: { text: string } }[]; properties: { resultsLeftOut: number } }[] };
    const full = renderSarif(report, opts);
    expect(renderSarif(report, { ...opts, maxGzipBytes: gzipSync(full).length })).toBe(full);
    const all = (JSON.parse(full) as Doc).runs[0]!.results;
    const half = JSON.parse(renderSarif(report, { ...opts, maxGzipBytes: gzipSync(full).length - 1 })) as Doc;
    expect(half.runs[0]!.results).toEqual(all.slice(0, 20));
    expect(half.runs[0]!.properties.resultsLeftOut).toBe(20);
    const none = JSON.parse(renderSarif(report, { ...opts, maxGzipBytes: 1 })) as Doc;
    expect(none.runs[0]!.results).toEqual([]);
    expect(none.runs[0]!.properties.resultsLeftOut).toBe(40);
    expect(validateSarif(none)).toBe(true);
  });
  it('keeps at most 25 000 results by default, GitHub\'s limit (from mutation testing)', () => {
    expect(SARIF_MAX_RESULTS).toBe(25_000);
    // And "10 MB" gzipped read as the smaller of its two readings (10^7 bytes, not 10 MiB).
    expect(SARIF_MAX_GZIP_BYTES).toBe(10_000_000);
    const findings = Array.from({ length: SARIF_MAX_RESULTS + 1 }, (_, i) => makeFinding('TS_REGRESSION', { chain: 'c', seq: i, location: { file: 'a.jsonl', line: i + 1 }, message: 'w' }));
    const doc = JSON.parse(renderSarif({ findings, summary: { result: 'pass', failOn: 'error', findings: countFindings(findings), files: [{ file: 'a.jsonl' }] } }, { relativize: (f) => f, category: 'verify' })) as { runs: { results: unknown[]; properties: { resultsLeftOut: number } }[] };
    expect(doc.runs[0]!.results).toHaveLength(25_000);
    expect(doc.runs[0]!.properties.resultsLeftOut).toBe(1);
  });
});

describe('--format junit', () => {
  const xsd = readFileSync(join(FIXTURES, 'junit', 'junit.xsd'), 'utf8');
  const validate = async (xml: string) => {
    const r = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] });
    return r.errors.map((e) => e.message);
  };
  it('validates against the JUnit schema, for clean and tampered logs', async () => {
    for (const dir of ['clean', 'tampered', 'incident']) expect(await validate(renderJunit(await reportOf(dir), rel)), dir).toEqual([]);
  });
  it('has unique test names, failures typed by code, and fails exactly when the exit status does', async () => {
    const xml = renderJunit(await reportOf('tampered'), rel);
    const names = [...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(xml).toContain('<failure message="the event hash does not match its content: the event was changed after it was written" type="HASH_MISMATCH">');
    // A warning is not a failure under --fail-on error, and is one under --fail-on warning.
    const ts = buildReport(await verifyLogs([join(LOGS, 'tampered', 'ts-regression.jsonl')]), { performed: false, reason: 'x' }, 'error');
    expect(renderJunit(ts, rel)).toContain('failures="0"');
    expect(renderJunit({ ...ts, summary: { ...ts.summary, failOn: 'warning' } }, rel)).toContain('type="TS_REGRESSION"');
    expect(renderJunit(await reportOf('clean'), rel)).toContain('<testcase name="integrity: 40 events in 2 chain(s) are intact" classname="sel.integrity" time="0"/>');
  });
  it('escapes what XML cannot hold', async () => {
    expect(xmlEscape('a<b>&"\'\u0001\u{1F600}')).toBe('a&lt;b&gt;&amp;&quot;&apos;\uFFFD\u{1F600}');
    // Line breaks and tabs as character references: none reaches the output raw (found by review).
    expect(xmlEscape('A\n::warning::pwn\r\tx')).toBe('A&#10;::warning::pwn&#13;&#9;x');
    const base = await reportOf('clean');
    const xml = renderJunit({ ...base, findings: [makeFinding('LINE_INVALID_JSON', { location: { file: 'a<&>.jsonl', line: 1 }, message: 'bad \u0000 byte "x" <y>' })] }, (f) => f);
    expect(await validate(xml)).toEqual([]);
  });
  it('names a finding\'s case at its file as the CI reads it (relative), its line, chain and seq (from mutation review)', async () => {
    const base = await reportOf('clean');
    const findings = [
      makeFinding('HASH_MISMATCH', { chain: 'ops', seq: 4, location: { file: '/ci/work/logs/a.jsonl', line: 5 }, message: 'm' }),
      makeFinding('LINE_INVALID_JSON', { location: { file: '/ci/work/logs/b.jsonl', line: 2 }, message: 'm' }),
    ];
    const xml = renderJunit({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings), result: 'fail' } }, (f) => f.replace('/ci/work/', ''));
    expect([...xml.matchAll(/<testcase name="([^"]*)" classname="sel\.integrity\./g)].map((m) => m[1])).toEqual(['HASH_MISMATCH logs/a.jsonl:5 (ops seq 4)', 'LINE_INVALID_JSON logs/b.jsonl:2']);
  });
  it('says nothing of findings not listed when none were left out (found by mutation review)', async () => {
    const xml = renderJunit(await reportOf('tampered'), rel);
    expect(xml).not.toContain('counted but not listed');
    expect(xml).not.toContain('<system-out>0 more');
  });
  it('has unique test names when two file names differ only by what XML cannot hold (U+FFFD in both)', async () => {
    // Two log directories named d\x01.jsonl and d\x02.jsonl (LOG_UNREADABLE): both test cases
    // were named "LOG_UNREADABLE logs/d\uFFFD.jsonl:1"; GitLab and Jenkins key a case by its name.
    const base = await reportOf('clean');
    const findings = ['\u0001', '\u0002', '\ufffe'].map((c) => makeFinding('LOG_UNREADABLE', { location: { file: `logs/d${c}.jsonl`, line: 1 }, message: 'not a file' }));
    const xml = renderJunit({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings), result: 'fail' } }, (f) => f);
    expect(await validate(xml)).toEqual([]);
    const names = [...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
    expect(names.filter((n) => n!.startsWith('LOG_UNREADABLE'))).toHaveLength(3);
    expect(new Set(names).size).toBe(names.length);
  });
  // Review: a recorded rule, a request value or a file name from the log reached the XML raw
  // when XML could hold it: U+202E (bidi override: a GitLab or Jenkins test report shows the
  // text in another order), the one-byte CSI U+009B and DEL (a terminal where the report is
  // echoed acts on them), U+2028. The text and github formats write these as \uXXXX escapes.
  it('writes no character from the logs that could act on a terminal or reorder text raw (bidi, C1, DEL, separators), in verify and gate reports', async () => {
    const hostile = 'evil\u202e\u009b2J\u007f\u2028\u200b]]><x>';
    const ACTS = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
    const base = await reportOf('clean');
    const findings = [makeFinding('DECISION_DIVERGENCE', { chain: 'c', seq: 1, location: { file: `logs/${hostile}.jsonl`, line: 2 }, message: `recorded rule ${hostile}`, expected: { rule: null }, actual: { rule: hostile } })];
    const xml = renderJunit({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings), result: 'fail' } }, (f) => f);
    expect(await validate(xml)).toEqual([]);
    expect(xml).not.toMatch(ACTS);
    expect(xml).toContain('evil\\u202e\\u009b2J\\u007f\\u2028\\u200b]]&gt;&lt;x&gt;');
    const gate: GateReport = { range: 'all events', eventsInRange: 1, repo: 'gov', ref: 'HEAD', commit: 'a'.repeat(40), pass: false, assertions: [{ name: '--no-divergence', pass: false, reason: `1 diverged decision(s), first DECISION_DIVERGENCE at logs/${hostile}.jsonl:2`, at: { file: `logs/${hostile}.jsonl`, line: 2 } }] };
    const gxml = renderGateJunit(gate, (f) => f);
    expect(await validate(gxml)).toEqual([]);
    expect(gxml).not.toMatch(ACTS);
  });
  it('counts tests and failures per suite and in total, lists policy findings in their suite, and fails nothing under --fail-on never', async () => {
    const base = await reportOf('clean');
    const findings = [
      makeFinding('HASH_MISMATCH', { chain: 'c', seq: 1, location: { file: 'a.jsonl', line: 2 }, message: 'h' }),
      makeFinding('HASH_MISMATCH', { chain: 'c', seq: 1, location: { file: 'a.jsonl', line: 2 }, message: 'h' }),
      makeFinding('TS_REGRESSION', { chain: 'c', seq: 3, message: 'late', expected: 'x', actual: 'y' }),
      makeFinding('POLICY_TIE_BREAK', { message: 'tie' }),
    ];
    const report: Report = { ...base, findings, summary: { ...base.summary, findings: { ...countFindings(findings), omitted: 1 } } };
    const xml = renderJunit(report, (f) => f);
    expect(await validate(xml)).toEqual([]);
    // Replay was skipped: its suite holds one skipped case (SPEC.md section 7).
    expect(xml).toContain('<testsuites name="sel verify" tests="5" failures="2" errors="0" skipped="1"');
    expect(xml).toContain('<testsuite name="sel.integrity" tests="3" failures="2"');
    expect(xml).toContain('<testsuite name="sel.policy" tests="1" failures="0"');
    expect(xml).toContain('<testcase name="HASH_MISMATCH a.jsonl:2 (c seq 1) #2"');
    expect(xml).toContain('<system-out>warning: late&#10;expected: &quot;x&quot;&#10;actual: &quot;y&quot;</system-out>');
    expect(xml).toContain('<system-out>1 more finding(s) are counted but not listed (--max-findings)</system-out>');
    const never = renderJunit({ ...report, summary: { ...report.summary, failOn: 'never' } }, (f) => f);
    expect(never).not.toContain('<failure');
    expect(never).toContain('<testsuites name="sel verify" tests="5" failures="0"');
  });
  // With replay skipped there was no replay suite, so an unverifiable finding of the integrity
  // check (DIGEST_UNSUPPORTED) was not listed at all, and the JUnit report passed while the exit
  // status was 1 (found by mutation testing).
  it('lists an unverifiable finding when replay was skipped, so the report fails with the exit status', async () => {
    const base = await reportOf('clean');
    const findings = [makeFinding('DIGEST_UNSUPPORTED', { chain: 'c', seq: 1, location: { file: 'a.jsonl', line: 2 }, message: 'd' })];
    const counts = countFindings(findings);
    expect(fails(counts, 'error')).toBe(true);
    const xml = renderJunit({ ...base, findings, summary: { ...base.summary, findings: counts, result: 'fail' } }, (f) => f);
    expect(xml).toContain('type="DIGEST_UNSUPPORTED"');
    // The integrity suite passes (its events are intact); the whole report fails.
    expect(xml).toMatch(/<testsuites name="sel verify" tests="\d+" failures="1"/);
    // Beside the finding, replay's suite still says it was skipped (SPEC.md section 7; from mutation testing).
    expect(xml).toContain('<testsuite name="sel.replay" tests="2" failures="1" errors="0" skipped="1" time="0">\n    <testcase name="replay: skipped (no --repo given); only integrity was checked"');
  });
  // Review (docs against the tool): docs/ci.md said JUnit has a policy suite "when a bundle has a
  // problem"; an event under an invalid or unknown bundle is a replay finding, in replay's suite
  // (the policy suite holds policy check's lints, which sel verify and sel merge never report).
  it("lists an event under an invalid or unknown bundle in replay's suite, not in a policy suite", async () => {
    const base = await reportOf('clean');
    const findings = [
      makeFinding('POLICY_INVALID', { chain: 'c', seq: 1, location: { file: 'a.jsonl', line: 2 }, message: 'invalid' }),
      makeFinding('POLICY_UNKNOWN', { chain: 'c', seq: 2, location: { file: 'a.jsonl', line: 3 }, message: 'unknown' }),
    ];
    const xml = renderJunit({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings), result: 'fail' } }, (f) => f);
    expect(xml).toContain('classname="sel.replay.POLICY_INVALID"');
    expect(xml).toContain('classname="sel.replay.POLICY_UNKNOWN"');
    expect(xml).not.toContain('name="sel.policy"');
  });
  // --max-findings keeps the first findings found: with a warning listed and an error counted but
  // not listed, the report had no failure while the exit status was 1 (found by mutation testing).
  it('fails when a finding at or above --fail-on is counted but not listed (--max-findings), as the exit status does (from mutation testing)', async () => {
    const base = await reportOf('clean');
    const late = makeFinding('TS_REGRESSION', { chain: 'c', seq: 2, location: { file: 'a.jsonl', line: 3 }, message: 'late' });
    const bad = makeFinding('LINE_INVALID_JSON', { location: { file: 'a.jsonl', line: 5 }, message: 'bad' });
    const counts = { ...countFindings([late, bad]), omitted: 1 };
    expect(fails(counts, 'error')).toBe(true);
    const report: Report = { ...base, findings: [late], summary: { ...base.summary, findings: counts, result: 'fail' } };
    const xml = renderJunit(report, (f) => f);
    expect(await validate(xml)).toEqual([]);
    expect(xml).toContain('<testsuites name="sel verify" tests="3" failures="1"');
    expect(xml).toContain('<testsuite name="sel.integrity" tests="2" failures="1"');
    expect(xml).toContain('<failure message="1 finding(s) at or above --fail-on error are counted but not listed: run sel with a larger --max-findings, or 0, to list them all" type="NOT_LISTED">');
    // Under --fail-on never, or when what was not listed is below --fail-on, nothing more fails.
    expect(renderJunit({ ...report, summary: { ...report.summary, failOn: 'never', result: 'pass' } }, (f) => f)).toContain('<testsuites name="sel verify" tests="2" failures="0"');
    const warnings = { ...countFindings([late, late]), omitted: 1 };
    expect(renderJunit({ ...report, summary: { ...report.summary, findings: warnings, result: 'pass' } }, (f) => f)).toContain('<testsuites name="sel verify" tests="2" failures="0"');
  });
});

describe('--format github', () => {
  it('escapes data and properties as the Actions toolkit does', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    // Every one, not the first: a chain `x:::error::y` in a title kept `::` raw, which ends the
    // properties and starts the message (from mutation review).
    expect(escapeProperty('x:::error::y,,z')).toBe('x%3A%3A%3Aerror%3A%3Ay%2C%2Cz');
    expect(escapeData('%%\r\r\n\n')).toBe('%25%25%0D%0D%0A%0A');
  });
  it('annotates at most 10 findings per level, most severe first, and notes the rest', async () => {
    const base = await reportOf('clean');
    const findings = [
      ...Array.from({ length: 14 }, (_, i) => makeFinding('TS_REGRESSION', { chain: 'c', seq: i, location: { file: 'x/a,b:c.jsonl', line: i + 1 }, message: `late ${i}` })),
      ...Array.from({ length: 12 }, (_, i) => makeFinding('HASH_MISMATCH', { chain: 'c', seq: 100 + i, location: { file: 'x/a,b:c.jsonl', line: 100 + i }, message: `bad\nline ${i}` })),
    ];
    const out = renderGithub({ ...base, findings }, (f) => f).trimEnd().split('\n');
    expect(out.filter((l) => l.startsWith('::error ')).length).toBe(ANNOTATIONS_PER_LEVEL);
    expect(out.filter((l) => l.startsWith('::warning ')).length).toBe(ANNOTATIONS_PER_LEVEL);
    expect(out[0]).toBe('::error file=x/a%2Cb%3Ac.jsonl,line=100,title=HASH_MISMATCH (c seq 100)::bad%0Aline 0');
    expect(out.find((l) => l.startsWith('::notice title=sel::'))).toContain('6 more finding(s) are not annotated');
  });
  it('writes a Markdown step summary with a table of findings', async () => {
    const md = renderStepSummary(await reportOf('incident'), rel);
    expect(md).toMatch(/^## sel verify: FAIL/);
    expect(md).toContain('| `HASH_MISMATCH` | error | 1 |');
    expect(md).toContain('| ledger-samples/logs/incident/audit.jsonl:4 | `HASH_MISMATCH` |');
  });
  it('keeps the step summary small whatever the findings say (GitHub refuses one over 1 MiB; found by review)', async () => {
    const base = await reportOf('incident');
    // makeFinding caps a message at 4 096 characters; the summary must hold on its own, whatever
    // a finding that reaches it says.
    const findings = Array.from({ length: 60 }, (_, i) => ({ ...makeFinding('EVENT_VERSION_UNKNOWN', { chain: 'c', seq: i, location: { file: 'a.jsonl', line: i + 1 }, message: 'v' }), message: `v is ${'A'.repeat(900_000)}` }));
    const md = renderStepSummary({ ...base, findings }, rel);
    expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
    expect(md).toContain('10 more finding(s) not shown here.');
    expect(md).toContain('(899705 more UTF-16 code units)');
  });
  it('annotates notes as notices with their column, counts unlisted findings in the notice, and ends with the counts by severity and the verdict', async () => {
    const base = await reportOf('clean');
    const findings = [
      makeFinding('TS_REGRESSION', { chain: 'c', seq: 1, message: 'w' }),
      makeFinding('POLICY_USERLAND_GRANT', { location: { file: 'p.json', line: 2, column: 7 }, message: 'n' }),
    ];
    const report: Report = { ...base, findings, summary: { ...base.summary, findings: { ...countFindings(findings), omitted: 1 }, result: 'pass' } };
    expect(renderGithub(report, (f) => f).trimEnd().split('\n')).toEqual([
      '::warning title=TS_REGRESSION (c seq 1)::w',
      '::notice file=p.json,line=2,col=7,title=POLICY_USERLAND_GRANT::n',
      '::notice title=sel::1 more finding(s) are not annotated (GitHub shows 10 per level per step): see the step summary, or run with --format json',
      'sel verify: 40 events in 2 chain(s), replay skipped (no --repo given); 0 error(s), 1 warning(s), 1 note(s): PASS (--fail-on error)',
    ]);
    const md = renderStepSummary(report, (f) => f, 2);
    expect(md).toMatch(/^## sel verify: PASS\n/);
    expect(md).toContain('| `TS_REGRESSION` | warning | 1 |');
    expect(md).toContain('| `POLICY_USERLAND_GRANT` | note | 1 |');
    expect(md).not.toContain('more finding(s) not shown');
    // A CRLF is one line break: one space.
    expect(markdownCell('a\r\nb')).toBe('a b');
    // Every link in a cell, not the first: a second URL in a message was an autolink (from mutation review).
    const links = markdownCell('see https://a.example/x then http://b.example/y');
    expect(links).not.toContain('://');
    expect(links.split('u002F')).toHaveLength(5);
    expect(markdownCell('www.a.example and WWW.b.example').split('u002E')).toHaveLength(3);
  });
  it('annotates at the relative file, escapes a chain name in the title, names no seq a finding does not have, adds no notice when every finding is annotated, and ends with FAIL when the run fails (from mutation testing)', async () => {
    const base = await reportOf('clean');
    const findings = [makeFinding('TS_REGRESSION', { chain: 'a,b:c', location: { file: '/abs/x.jsonl', line: 2 }, message: 'w' })];
    expect(renderGithub({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings) } }, (f) => f.replace(/^\/abs\//, '')).trimEnd().split('\n')).toEqual([
      '::warning file=x.jsonl,line=2,title=TS_REGRESSION (a%2Cb%3Ac)::w',
      'sel verify: 40 events in 2 chain(s), replay skipped (no --repo given); 0 error(s), 1 warning(s), 0 note(s): PASS (--fail-on error)',
    ]);
    const failed = renderGithub({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings), failOn: 'warning', result: 'fail' } }, (f) => f);
    expect(failed.trimEnd().split('\n').at(-1)).toBe('sel verify: 40 events in 2 chain(s), replay skipped (no --repo given); 0 error(s), 1 warning(s), 0 note(s): FAIL (--fail-on warning)');
  });
  it('shows a cell of exactly 300 characters whole, and writes _ and ~ as text (from mutation testing)', () => {
    expect(markdownCell('v'.repeat(300))).toBe('v'.repeat(300));
    expect(markdownCell('__init__ ~~gone~~')).toBe('\\_\\_init\\_\\_ \\~\\~gone\\~\\~');
  });
  it('stops adding step summary rows at 512 KiB in UTF-8, counting what is already written, and says how many it left out (from mutation testing)', () => {
    const out = ['y'.repeat(100_000)];
    const row = '\u00e9'.repeat(110_000); // 220 000 bytes in UTF-8
    pushRows(out, [row, row, row, row]);
    expect(out).toEqual(['y'.repeat(100_000), row, '', '3 more row(s) not shown: the step summary would pass GitHub\'s size limit.']);
  });
  it('adds a step summary row that ends exactly at 512 KiB, not one a byte past it (from mutation testing)', () => {
    // 100 000 bytes and a line break already written; a row of 424 287 bytes and its line break
    // make 524 288 bytes, the limit: kept. One byte more: left out, and said so.
    const row = 'z'.repeat(424_287);
    const at = ['y'.repeat(99_999)];
    pushRows(at, [row]);
    expect(at).toEqual(['y'.repeat(99_999), row]);
    const past = ['y'.repeat(99_999)];
    pushRows(past, [`${row}z`]);
    expect(past).toEqual(['y'.repeat(99_999), '', '1 more row(s) not shown: the step summary would pass GitHub\'s size limit.']);
  });
  it('step summary: "No findings." without a table for a clean log; at most `limit` rows, each at its relative file, escaped (from mutation testing)', async () => {
    const base = await reportOf('clean');
    const clean = renderStepSummary(base, rel);
    expect(clean.split('\n').slice(4)).toEqual(['No findings.', '']);
    const findings = Array.from({ length: 7 }, (_, i) => makeFinding('TS_REGRESSION', { chain: 'c', seq: i, location: { file: '/abs/x|y.jsonl', line: i + 1 }, message: 'w' }));
    const md = renderStepSummary({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings) } }, (f) => f.replace(/^\/abs\//, ''), 5);
    expect(md.split('\n').filter((l) => l.startsWith('| x'))).toEqual([1, 2, 3, 4, 5].map((n) => `| x\\|y.jsonl:${n} | \`TS_REGRESSION\` | w |`));
    expect(md).toContain('\n2 more finding(s) not shown here.\n');
  });
});

describe('sel gate --format junit and github', () => {
  const xsd = readFileSync(join(FIXTURES, 'junit', 'junit.xsd'), 'utf8');
  const validate = async (xml: string) => (await validateXML({ xml: [{ fileName: 'gate.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] })).errors.map((e) => e.message);
  const gate: GateReport = {
    range: 'events after seq 30',
    eventsInRange: 12,
    repo: 'gov',
    ref: 'HEAD',
    commit: 'b4343799ec60aa',
    pass: false,
    assertions: [
      { name: 'integrity', pass: true, reason: 'every line in range is an intact, canonical, linked event' },
      { name: '--no-divergence', pass: false, reason: '2 diverged decision(s), first X at gov/logs/a.jsonl:33', at: { file: 'gov/logs/a.jsonl', line: 33 } },
      // Text from the command line and the evidence: a hostile ref, a reason with controls.
      { name: '--policy-at <v3>&"x"', pass: false, reason: '1 event(s) used another bundle\n::error::forged \u0000 \u001b[2J | cell' },
    ],
  };
  const rel = (f: string) => f.replace(/^gov\//, '');
  it('JUnit: one test case per assertion, failures where they failed, valid against the schema', async () => {
    const xml = renderGateJunit(gate, rel);
    expect(await validate(xml)).toEqual([]);
    expect([...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1])).toEqual(['integrity', '--no-divergence', '--policy-at &lt;v3&gt;&amp;&quot;x&quot;']);
    expect(xml).toContain('<testsuites name="sel gate" tests="3" failures="2"');
    expect(xml).toContain('at logs/a.jsonl:33</failure>');
    expect(await validate(renderGateJunit({ ...gate, pass: true, assertions: [gate.assertions[0]!] }, rel))).toEqual([]);
  });
  it('GitHub: an error annotation per failed assertion, at its first finding, escaped; then the verdict', () => {
    const lines = renderGateGithub(gate, rel).trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=logs/a.jsonl,line=33,title=sel gate --no-divergence::2 diverged decision(s), first X at gov/logs/a.jsonl:33',
      '::error title=sel gate --policy-at <v3>&"x"::1 event(s) used another bundle%0A::error::forged \\u0000 \\u001b[2J | cell',
      'sel gate: events after seq 30 (12 in range), gov at HEAD (b4343799ec60): FAIL (2 of 3 assertion(s) failed)',
    ]);
    const summary = renderGateStepSummary(gate, rel);
    expect(summary).toContain('## sel gate: FAIL');
    expect(summary).toContain('| --no-divergence | **fail** | 2 diverged decision(s), first X at gov/logs/a.jsonl:33 | logs/a.jsonl:33 |');
    // One table row per assertion, whatever its reason holds; Markdown in it is text.
    expect(summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| assertion'))).toHaveLength(3);
    expect(summary).toContain('\\| cell');
    expect(summary).toContain('| --policy-at \\<v3\\>\\&"x" | **fail** |');
    expect(markdownCell('[x](https://evil.example) <img src=x> *b* `c` a|b')).toBe('\\[x\\](https:\\\\u002F\\\\u002Fevil.example) \\<img src=x\\> \\*b\\* \\`c\\` a\\|b');
    // What GitHub links or mentions without markup is broken with a written escape (found by review).
    expect(markdownCell('see https://evil.example/z, WWW.evil.example and @alice')).toBe('see https:\\\\u002F\\\\u002Fevil.example/z, WWW\\\\u002Eevil.example and \\\\u0040alice');
    // As rendered (Markdown's escapes undone): an odd run of backslashes is an escape, an even one
    // the value's own, also where an @ was broken after a backslash of the value.
    const rendered = (s: string): string => s.replace(/\\(.)/g, '$1');
    expect(rendered(markdownCell('a\\@b \\u0040 @c'))).toBe('a\\\\\\u0040b \\\\u0040 \\u0040c');
    // A cell shows at most 300 characters, and says how many more there were.
    expect(markdownCell('v'.repeat(30_000))).toBe(`${'v'.repeat(300)}... (29700 more UTF-16 code units)`);
    // Cut between code points.
    expect(markdownCell(`${'v'.repeat(299)}${'\u{1F600}'.repeat(3)}`)).toBe(`${'v'.repeat(299)}... (6 more UTF-16 code units)`);
  });
  it('says PASS when every assertion passed, and gives each assertion its reason', () => {
    const passed: GateReport = { ...gate, pass: true, assertions: [gate.assertions[0]!] };
    expect(renderGateGithub(passed, rel)).toBe('sel gate: events after seq 30 (12 in range), gov at HEAD (b4343799ec60): PASS\n');
    const summary = renderGateStepSummary(passed, rel);
    expect(summary).toMatch(/^## sel gate: PASS\n/);
    expect(summary).toContain('| integrity | pass | every line in range is an intact, canonical, linked event |  |');
    const xml = renderGateJunit(gate, rel);
    expect(xml).toContain('<system-out>every line in range is an intact, canonical, linked event</system-out>');
    expect(xml).toContain('<failure message="2 diverged decision(s), first X at gov/logs/a.jsonl:33" type="--no-divergence">');
  });
  it('escapes what the command line and the evidence put in the heading, a passing reason, a file, a title and the verdict line (from mutation testing)', async () => {
    const hostile: GateReport = {
      range: 'events from v1|<x> & y',
      eventsInRange: 3,
      repo: 'gov|r',
      ref: 'main\n::warning::forged',
      commit: '0123456789abcdef',
      pass: false,
      assertions: [
        { name: 'integrity', pass: true, reason: 'intact <ok> & "fine"' },
        { name: '--policy-at v1:a,b', pass: false, reason: 'other bundle', at: { file: 'gov/logs/a,b:c.jsonl', line: 4 } },
      ],
    };
    const xml = renderGateJunit(hostile, rel);
    expect(await validate(xml)).toEqual([]);
    expect(xml).toContain('<system-out>intact &lt;ok&gt; &amp; &quot;fine&quot;</system-out>');
    expect(xml).toContain('<system-out>sel gate: events from v1|&lt;x&gt; &amp; y (3 in range), gov|r at main&#10;::warning::forged (0123456789ab)</system-out>');
    expect(xml).toContain('<testsuite name="sel.gate" tests="2" failures="1"');
    // One annotation and one verdict line: the ref's line break cannot start a workflow command.
    expect(renderGateGithub(hostile, rel).trimEnd().split('\n')).toEqual([
      '::error file=logs/a%2Cb%3Ac.jsonl,line=4,title=sel gate --policy-at v1%3Aa%2Cb::other bundle',
      'sel gate: events from v1|<x> & y (3 in range), gov|r at main%0A::warning::forged (0123456789ab): FAIL (1 of 2 assertion(s) failed)',
    ]);
    expect(renderGateStepSummary(hostile, rel).split('\n')[2]).toBe('events from v1\\|\\<x\\> \\& y: 3 event(s) in range; gov\\|r at main ::warning::forged (0123456789ab).');
  });
});

describe('--format json and jsonl (from mutation testing: only the CLI tests read them)', () => {
  it('json: one object, the summary then the findings, two-space indented, ending in a line break', async () => {
    const report = await reportOf('tampered');
    const text = renderJson(report);
    expect(text).toBe(`${JSON.stringify({ summary: report.summary, findings: report.findings }, null, 2)}\n`);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['summary', 'findings']);
  });
  it('names the tool, its version and the contract the report is of (found by mutation review)', async () => {
    const summary = (JSON.parse(renderJson(await reportOf('clean'))) as { summary: Record<string, unknown> }).summary;
    expect(summary['tool']).toEqual({ name: 'sel', version: VERSION });
    expect(summary['contract']).toBe('sel.audit/1');
    expect(Object.keys(summary).slice(0, 2)).toEqual(['tool', 'contract']);
  });
  it('jsonl: each finding on a line of its own, then a last line {"summary": ...}', async () => {
    const report = await reportOf('tampered');
    expect(report.findings.length).toBeGreaterThan(1);
    const lines = renderJsonl(report).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(report.findings.length + 1);
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as unknown)).toEqual(report.findings);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ summary: report.summary });
  });
});

describe('JSON text as a GitHub Actions job log shows it (from mutation testing: only the CLI tests read it)', () => {
  it('writes every ##[ of a value as ##\\u005b, in json and jsonl, and the values stay exact', async () => {
    const base = await reportOf('clean');
    const message = 'rule ##[add-mask]x and ##[stop-commands]y';
    const findings = [makeFinding('DECISION_DIVERGENCE', { chain: 'c', seq: 1, location: { file: 'a.jsonl', line: 2 }, message }), makeFinding('DECISION_DIVERGENCE', { chain: 'c', seq: 2, location: { file: 'a.jsonl', line: 3 }, message })];
    const report: Report = { ...base, findings, summary: { ...base.summary, findings: countFindings(findings) } };
    for (const text of [renderJson(report), renderJsonl(report)]) {
      expect(text).not.toContain('##[');
      expect(text.split('##\\u005b')).toHaveLength(5);
    }
    expect((JSON.parse(renderJson(report)) as { findings: { message: string }[] }).findings.map((f) => f.message)).toEqual([message, message]);
    expect(renderJsonl(report).trimEnd().split('\n').slice(0, 2).map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([message, message]);
  });
});

describe('finding counts and the verdict', () => {
  it('builds the summary from the run\'s: files, lines, events, bytes, chains, times and counts as counted (from mutation review)', async () => {
    const result = await verifyLogs([join(LOGS, 'tampered')]);
    // Lines are not events in this log set: a summary that gave one for the other would show.
    expect(result.summary.lines).not.toBe(result.summary.events);
    const s = buildReport(result, { performed: false, reason: 'no --repo given' }, 'error').summary;
    const { files, lines, events, bytes, chains, timeRange, findings } = result.summary;
    expect({ files: s.files, lines: s.lines, events: s.events, bytes: s.bytes, chains: s.chains, timeRange: s.timeRange, findings: s.findings }).toEqual({ files, lines, events, bytes, chains, timeRange, findings });
  });
  it('tallies by severity, class and code (codes sorted), and keeps the omitted count', () => {
    const findings = [
      makeFinding('TS_REGRESSION', { message: 'w' }),
      makeFinding('POLICY_USERLAND_GRANT', { message: 'n' }),
      makeFinding('HASH_MISMATCH', { message: 'e' }),
      makeFinding('TS_REGRESSION', { message: 'w' }),
    ];
    const counts = countFindings(findings);
    expect(counts).toEqual({
      total: 4,
      bySeverity: { error: 1, warning: 2, note: 1 },
      byClass: { integrity: 3, diverged: 0, unverifiable: 0, policy: 1 },
      byCode: { HASH_MISMATCH: 1, POLICY_USERLAND_GRANT: 1, TS_REGRESSION: 2 },
      omitted: 0,
    });
    expect(Object.keys(counts.byCode)).toEqual(['HASH_MISMATCH', 'POLICY_USERLAND_GRANT', 'TS_REGRESSION']);
    const t = new FindingTally();
    t.add(findings[0]!);
    t.omitted = 2;
    expect(t.counts().omitted).toBe(2);
  });
  it('gives counts that later findings do not change: a snapshot, not the running tally (from mutation testing)', () => {
    const t = new FindingTally();
    t.add(makeFinding('TS_REGRESSION', { message: 'w' }));
    const before = t.counts();
    t.add(makeFinding('HASH_MISMATCH', { message: 'e' }));
    expect(before).toMatchObject({ total: 1, bySeverity: { error: 0, warning: 1, note: 0 }, byClass: { integrity: 1 }, byCode: { TS_REGRESSION: 1 } });
    expect(t.counts()).toMatchObject({ total: 2, bySeverity: { error: 1, warning: 1, note: 0 }, byClass: { integrity: 2 } });
  });
  it('fails when a finding is at or above --fail-on, never under --fail-on never, and passes a clean log', async () => {
    const none = countFindings([]);
    const error = countFindings([makeFinding('HASH_MISMATCH', { message: 'e' })]);
    expect(fails(none, 'note')).toBe(false);
    expect(fails(error, 'never')).toBe(false);
    expect(fails(error, 'error')).toBe(true);
    expect((await reportOf('clean')).summary.result).toBe('pass');
  });
});

describe('--format text', () => {
  const c = new Chalk({ level: 0 });
  it('shows each finding at file:line:column, the unlisted count, and the counts by severity with the verdict', async () => {
    const base = await reportOf('clean');
    const findings = [
      makeFinding('POLICY_USERLAND_GRANT', { location: { file: 'p.json', line: 2, column: 7 }, message: 'n' }),
      makeFinding('TS_REGRESSION', { chain: 'c', seq: 1, message: 'w' }),
    ];
    const report: Report = { ...base, findings, summary: { ...base.summary, findings: { ...countFindings(findings), omitted: 1 }, result: 'pass' } };
    const lines = renderText(report, c).trimEnd().split('\n');
    expect(lines).toContain('p.json:2:7  note  POLICY_USERLAND_GRANT');
    expect(lines).toContain('(no position)  warning  TS_REGRESSION chain c seq 1');
    expect(lines).toContain('1 more finding not listed (--max-findings); they are counted below');
    expect(lines).toContain('  POLICY_USERLAND_GRANT       1  note');
    expect(lines.at(-1)).toBe('0 errors, 1 warning, 1 note: PASS (--fail-on error)');
    expect(verdictLine({ error: 2, warning: 0, note: 3 }, 'fail', 'warning', c)).toBe('2 errors, 0 warnings, 3 notes: FAIL (--fail-on warning)');
  });
  it('writes no chains table, no table of codes and no blank line for findings when there are none; a chain without a seq; columns padded as the names are shown (found by mutation review)', async () => {
    const base = await reportOf('clean');
    const empty = renderText({ ...base, summary: { ...base.summary, chains: [] } }, c).split('\n');
    expect(empty.slice(1)).toEqual(['replay: skipped (no --repo given); only integrity was checked', '', '0 errors, 0 warnings, 0 notes: PASS (--fail-on error)', '']);
    // A chain's finding that names no seq says none (not "seq null").
    const findings = [makeFinding('TS_REGRESSION', { chain: 'c', message: 'w' })];
    const listed = renderText({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings) } }, c).split('\n');
    expect(listed).toContain('(no position)  warning  TS_REGRESSION chain c');
    // A blank line before the findings when there are some (from mutation review).
    expect(listed.slice(1, 4)).toEqual(['replay: skipped (no --repo given); only integrity was checked', '', '(no position)  warning  TS_REGRESSION chain c']);
    // A name is padded by its length as shown (escaped), not as it is.
    const chains = base.summary.chains.map((ch) => (ch.chain === 'ops' ? { ...ch, chain: 'ops\u0001\u0002' } : ch));
    const lines = renderText({ ...base, summary: { ...base.summary, chains } }, c).split('\n');
    expect(lines).toContain('  ops\\u0001\\u0002  10 events  seq 0–9  2026-11-01T12:00:00.400Z → 2026-11-01T12:00:11.650Z');
    expect(lines).toContain('  prod-agents      30 events  seq 0–29  2026-11-01T12:00:00.000Z → 2026-11-01T12:00:36.250Z');
  });
  it('pads chain names to one column, and says nothing of unlisted findings when none were left out (from mutation testing)', async () => {
    const lines = renderText(await reportOf('clean'), c).split('\n');
    expect(lines).toContain('  ops          10 events  seq 0–9  2026-11-01T12:00:00.400Z → 2026-11-01T12:00:11.650Z');
    expect(lines).toContain('  prod-agents  30 events  seq 0–29  2026-11-01T12:00:00.000Z → 2026-11-01T12:00:36.250Z');
    expect(lines.filter((l) => l.includes('not listed'))).toEqual([]);
  });
});

describe('a report of a performed replay, in each format (from mutation testing: only skipped replays were rendered here)', () => {
  const c = new Chalk({ level: 0 });
  const commit = '0123456789abcdef0123456789abcdef01234567';
  const replay = (skipped: number, notes: string[] = []): ReplaySummary => ({
    performed: true,
    repo: '/srv/gov',
    ref: 'release|1',
    commit,
    bundles: 2,
    commitsScanned: 5,
    events: { events: 40, replayed: 40 - skipped, matched: 38 - skipped, diverged: 1, unverifiable: 1, skipped },
    anchors: [
      { chain: 'ops', anchors: 2, lastAnchoredSeq: 9, unanchored: null },
      { chain: 'prod-agents', anchors: 0, lastAnchoredSeq: null, unanchored: [0, 29] },
    ],
    notes,
  });
  const performed = async (r: ReplaySummary): Promise<Report> => buildReport(await verifyLogs([join(LOGS, 'clean')]), r, 'error');

  it('text: the repository, ref and commit, the decisions by outcome, the notes, and each chain\'s anchors', async () => {
    const lines = renderText(await performed(replay(3, ['the ref moved'])), c).split('\n');
    expect(lines).toContain('replay: /srv/gov at release|1 (0123456789ab), 2 policy bundles in 5 commits');
    expect(lines).toContain('        40 decisions: 35 matched, 1 diverged, 1 unverifiable, 3 not replayable (see their findings)');
    expect(lines).toContain('        note: the ref moved');
    expect(lines).toContain('               anchored to seq 9 (2 anchors); every event covered');
    expect(lines).toContain('               no anchor; events 0–29 unanchored');
    expect(lines.some((l) => l.startsWith('replay: skipped'))).toBe(false);
    // Nothing skipped: no count of events not replayable.
    expect(renderText(await performed(replay(0)), c).split('\n')).toContain('        40 decisions: 38 matched, 1 diverged, 1 unverifiable');
  });

  it('text: what a log puts in a chain name, an expected or actual value and a replay note is escaped, not written raw (from mutation testing)', async () => {
    const hostile = 'x\u001b[2J\u202e\n::error::y';
    const shown = 'x\\u001b[2J\\u202e\\u000a::error::y';
    const base = await performed(replay(0, [`the ref moved ${hostile}`]));
    const findings = [makeFinding('DECISION_DIVERGENCE', { chain: hostile, seq: 1, location: { file: 'a.jsonl', line: 2 }, message: 'm', expected: hostile, actual: { rule: hostile } })];
    const text = renderText({ ...base, findings, summary: { ...base.summary, findings: countFindings(findings) } }, c);
    expect(text).not.toMatch(/[\u001b\u202e]/);
    const lines = text.split('\n');
    expect(lines).toContain(`a.jsonl:2  error  DECISION_DIVERGENCE chain ${shown} seq 1`);
    expect(lines).toContain(`    expected ${shown}`);
    expect(lines).toContain(`    actual   {"rule":"x\\\\u001b[2J\\u202e\\n::error::y"}`);
    expect(lines).toContain(`        note: the ref moved ${shown}`);
    // The repository and ref as given on the command line too (a directory's name may hold anything).
    const named = renderText(await performed({ ...replay(0), repo: `/srv/${hostile}`, ref: hostile }), c);
    expect(named).not.toMatch(/[\u001b\u202e]/);
    expect(named.split('\n')).toContain(`replay: /srv/${shown} at ${shown} (0123456789ab), 2 policy bundles in 5 commits`);
    // The times too: a library caller's report, or a shard result's before merge checked them,
    // printed them raw (found by review).
    const chains = base.summary.chains.map((ch, i) => (i === 0 ? { ...ch, firstTs: hostile, lastTs: hostile } : ch));
    const timed = renderText({ ...base, summary: { ...base.summary, timeRange: { from: hostile, to: hostile }, chains } }, c);
    expect(timed).not.toMatch(/[\u001b\u202e]/);
    expect(timed.split('\n')[0]).toMatch(new RegExp(` from ${shown.replace(/[\\[\]]/g, '\\$&')} to `));
    expect(timed).toContain(`  ${shown} → ${shown}`);
  });

  it('JUnit: a replay suite whose one passing case counts the decisions, valid against the schema; one skipped case when replay was skipped', async () => {
    const xml = renderJunit(await performed(replay(0)), rel);
    expect(xml).toContain('<testsuite name="sel.replay" tests="1" failures="0" errors="0" skipped="0" time="0">\n    <testcase name="replay: 40 decisions replay as recorded" classname="sel.replay" time="0"/>');
    expect(xml).toContain('<testsuites name="sel verify" tests="2" failures="0"');
    const xsd = readFileSync(join(FIXTURES, 'junit', 'junit.xsd'), 'utf8');
    expect((await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] })).errors).toEqual([]);
    // SPEC.md section 7: the report says replay was skipped (there was no replay suite at all).
    const skipped = renderJunit(await reportOf('clean'), rel);
    expect(skipped).toContain('<testsuite name="sel.replay" tests="1" failures="0" errors="0" skipped="1" time="0">\n    <testcase name="replay: skipped (no --repo given); only integrity was checked" classname="sel.replay" time="0">\n      <skipped message="replay skipped (no --repo given); only integrity was checked"/>');
    expect((await validateXML({ xml: [{ fileName: 'report.xml', contents: skipped }], schema: [{ fileName: 'junit.xsd', contents: xsd }] })).errors).toEqual([]);
  });

  it('SARIF: no notification that replay was skipped when it was performed; one when it was skipped (from mutation review)', async () => {
    type Doc = { runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
    const notes = (r: Report) => (JSON.parse(renderSarif(r, { relativize: rel, category: 'verify' })) as Doc).runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notes(await performed(replay(0)))).toEqual([]);
    expect(notes(await reportOf('clean'))).toEqual([{ level: 'note', message: { text: 'replay skipped (no --repo given); only integrity was checked' } }]);
  });

  it('GitHub step summary: the decisions replayed, at which ref and commit', async () => {
    const md = renderStepSummary(await performed(replay(0)), rel);
    expect(md.split('\n')[2]).toBe('40 events in 2 chain(s), 1 file(s); 40 decisions replayed at release\\|1 (0123456789ab).');
    expect(renderStepSummary(await reportOf('clean'), rel).split('\n')[2]).toBe('40 events in 2 chain(s), 1 file(s); replay skipped.');
  });
});

describe('how CI formats name a log (relativizer; from mutation testing)', () => {
  it('relative to the repository when inside it, else to the working directory, else absolute; forward slashes; - as it is', () => {
    const cwd = process.cwd();
    const repo = join(cwd, 'governance');
    const rel = relativizer(repo);
    expect(rel(join(repo, 'logs', 'a.jsonl'))).toBe('logs/a.jsonl');
    // Outside the repository but under the working directory: not ../logs/b.jsonl, nor absolute.
    expect(rel(join(cwd, 'logs', 'b.jsonl'))).toBe('logs/b.jsonl');
    expect(rel('/elsewhere/c.jsonl')).toBe('/elsewhere/c.jsonl');
    expect(rel('-')).toBe('-');
    expect(relativizer(undefined)(join(cwd, 'x', 'd.jsonl'))).toBe('x/d.jsonl');
  });
  it('a name that starts with two dots is inside, not above: ..rotated.jsonl, ..2026/a.jsonl', () => {
    // GitHub places an annotation, and code scanning an alert, by a repository-relative path:
    // such a log was named by its absolute path on the runner, which neither can place.
    const cwd = process.cwd();
    const repo = join(cwd, 'governance');
    expect(relativizer(repo)(join(repo, '..rotated.jsonl'))).toBe('..rotated.jsonl');
    expect(relativizer(repo)(join(repo, '..2026', 'a.jsonl'))).toBe('..2026/a.jsonl');
    expect(relativizer(undefined)(join(cwd, '..x.jsonl'))).toBe('..x.jsonl');
    // Above them both, still absolute.
    expect(relativizer(repo)(join(cwd, '..', 'up.jsonl'))).toBe(join(cwd, '..', 'up.jsonl').split(sep).join('/'));
  });
});
