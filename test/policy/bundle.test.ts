/** Bundles: hash (SPEC.md §3), validity, and the lints of `sel policy check`. */
import { describe, expect, it } from 'vitest';
import { loadBundle, MAX_POLICY_FILE_BYTES } from '../../src/policy/bundle.js';
import { isPublicSuffix, lintBundle } from '../../src/policy/lint.js';
import { lineIndex, lineOf, lineOfOffset } from '../../src/policy/positions.js';
import { bundleOf, compiled, d, edited, egress, input, run, sampleFiles } from '../helpers/policy.js';

const files = (f: Record<string, unknown>, fmt: (v: unknown) => string) => new Map(Object.entries(f).map(([k, v]) => [`${k}.json`, fmt(v)]));

describe('bundle hash', () => {
  it('does not change when a file is reformatted or its keys reordered', () => {
    const f = sampleFiles();
    const a = loadBundle(files(f, (v) => JSON.stringify(v)));
    const b = loadBundle(files(f, (v) => JSON.stringify(v, null, 4)));
    const reordered = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Object.fromEntries(Object.entries(v as object).reverse())]));
    const c = loadBundle(files(reordered, (v) => `\n${JSON.stringify(v, null, 1)}\n\n`));
    expect(a.ok && b.ok && c.ok).toBe(true);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).toBe(a.hash);
  });
  it('changes with any change of meaning', () => {
    const base = bundleOf(sampleFiles()).hash;
    expect(bundleOf(edited((f) => (f['severity-gating'].gates.low = 'allow'))).hash).not.toBe(base);
    expect(bundleOf(edited((f) => f['tool-registry'].reserved.push('x'))).hash).not.toBe(base);
  });
  it('does not change when a file starts with a byte order mark (from mutation testing)', () => {
    const m = files(sampleFiles(), (v) => JSON.stringify(v));
    const base = loadBundle(m);
    m.set('tool-registry.json', `\ufeff${m.get('tool-registry.json')!}`);
    const bom = loadBundle(m);
    expect(base.ok && bom.ok).toBe(true);
    expect(bom.hash).toBe(base.hash);
  });
  it('only counts *.json files', () => {
    const m = files(sampleFiles(), (v) => JSON.stringify(v));
    const base = loadBundle(m).hash;
    m.set('README.md', '# not policy');
    expect(loadBundle(m).hash).toBe(base);
  });
});

describe('invalid bundles', () => {
  const problems = (f: Record<string, unknown>) => {
    const b = bundleOf(f);
    return b.ok ? [] : b.problems.map((p) => `${p.kind} ${p.file} ${p.pointer}`);
  };
  it('a schema violation, with its pointer', () => {
    expect(problems(edited((f) => (f['network-egress'].private_ip_mode = 'allow')))).toEqual(['schema network-egress.json /private_ip_mode']);
    expect(problems(edited((f) => (f['network-egress'].rules[0].host = '*')))).toEqual(['schema network-egress.json /rules/0/host']);
    expect(problems(edited((f) => (f['capabilities'].grants[0].extra = 1)))).toEqual(['schema capabilities.json /grants/0/extra']);
    expect(problems(edited((f) => delete f['severity-gating'].gates.critical))).toEqual(['schema severity-gating.json /gates/critical']);
  });
  it('a missing contract, an unknown one, an unknown schema version', () => {
    expect(problems(edited((f) => delete f['extensions']))).toEqual(['missing extensions.json ']);
    expect(problems(edited((f) => (f['firewall'] = { schema: 'sel.policy.firewall/1' })))).toEqual(['unknown-contract firewall.json ']);
    expect(problems(edited((f) => (f['extensions'].schema = 'sel.policy.extensions/2')))).toEqual(['version extensions.json /schema']);
  });
  it('a file that names another contract\'s schema is a schema problem, whatever version it names (from mutation testing)', () => {
    expect(problems(edited((f) => (f['extensions'].schema = 'sel.policy.capabilities/2')))).toEqual(['schema extensions.json /schema']);
  });
  it('a file that is not UTF-8 has no hash, even where its bad byte sits in a string (from mutation testing)', () => {
    const m: Map<string, string | Uint8Array> = files(sampleFiles(), (v) => JSON.stringify(v));
    const text = m.get('tool-registry.json') as string;
    const at = text.indexOf('shell.exec');
    m.set('tool-registry.json', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at))]));
    const b = loadBundle(m);
    expect(b.ok).toBe(false);
    expect(b.hash).toBe(null);
    if (!b.ok) expect(b.problems.map((p) => `${p.kind} ${p.file} ${p.message}`)).toEqual(['not-json tool-registry.json the file is not UTF-8']);
  });
  it('a file of exactly the size limit is read, one byte more is not (from mutation testing)', () => {
    const m = files(sampleFiles(), (v) => JSON.stringify(v));
    const text = m.get('tool-registry.json')!;
    const padded = (n: number) => `${text}${' '.repeat(n - Buffer.byteLength(text))}`;
    m.set('tool-registry.json', padded(MAX_POLICY_FILE_BYTES));
    const at = loadBundle(m);
    expect(at.ok).toBe(true);
    m.set('tool-registry.json', padded(MAX_POLICY_FILE_BYTES + 1));
    const over = loadBundle(m);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.problems.map((p) => `${p.kind} ${p.file}`)).toEqual(['too-large tool-registry.json']);
  });
  it('a rule id used twice', () => {
    expect(problems(edited((f) => (f['secrets-boundary'].rules[0].id = 'egress.github-api')))).toEqual(['duplicate-id secrets-boundary.json /rules/0/id']);
    // (from mutation testing) The registry's fixed ids, and leak pattern names, which decisions name too.
    expect(problems(edited((f) => (f['network-egress'].rules[2].id = 'tool-registry.reserved')))).toEqual(['duplicate-id network-egress.json /rules/2/id']);
    expect(problems(edited((f) => (f['network-egress'].rules[2].id = 'tool-registry.open')))).toEqual(['duplicate-id network-egress.json /rules/2/id']);
    expect(problems(edited((f) => (f['secrets-boundary'].leak_patterns.patterns[1].name = 'leak.aws-access-key')))).toEqual(['duplicate-id secrets-boundary.json /leak_patterns/patterns/1/name']);
    expect(problems(edited((f) => (f['secrets-boundary'].leak_patterns.patterns[0].name = 'egress.github-api')))).toEqual(['duplicate-id secrets-boundary.json /leak_patterns/patterns/0/name']);
    expect(problems(edited((f) => (f['trust-zones'].mcp_servers[0].id = 'egress.github-api')))).toEqual(['duplicate-id trust-zones.json /mcp_servers/0/id']);
    expect(problems(edited((f) => (f['trust-zones'].elevations[0].id = 'egress.github-api')))).toEqual(['duplicate-id trust-zones.json /elevations/0/id']);
  });
  it('a file that is not strict JSON has no hash', () => {
    const m = files(sampleFiles(), (v) => JSON.stringify(v));
    m.set('tool-registry.json', '{"schema":"sel.policy.tool-registry/1","reserved":[],"severity":"low","severity":"info"}');
    const b = loadBundle(m);
    expect(b.ok).toBe(false);
    expect(b.hash).toBe(null);
    if (!b.ok) expect(b.problems[0]!.message).toContain('duplicate key');
  });
  it('names a bundle with a file that is not strict JSON by the hash JSON.parse\'s reading of its files gives, keyed by contract name as any bundle is', () => {
    const f = sampleFiles();
    const m = files(f, (v) => JSON.stringify(v));
    m.set('tool-registry.json', '{"schema":"sel.policy.tool-registry/1","reserved":[],"severity":"low","severity":"info"}');
    const b = loadBundle(m);
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.lenientHash).toBe(bundleOf({ ...f, 'tool-registry': { schema: 'sel.policy.tool-registry/1', reserved: [], severity: 'info' } }).hash);
  });
});

describe('lints', () => {
  const lint = (f: Record<string, unknown>) => lintBundle(bundleOf(f), 'policy').map((x) => `${x.code} ${x.location?.file}:${x.location?.line}`);
  it('the sample bundle: only what its authors chose on purpose', () => {
    expect(lint(sampleFiles()).map((s) => s.split(' ')[0])).toEqual(['POLICY_PLAIN_HTTP', 'POLICY_LEAK_PRONE_MODE', 'POLICY_USERLAND_GRANT']);
    // Each about what it names (from mutation testing): cap.browser holds in userland; cap.ops-bot in supervisor is no finding.
    expect(lintBundle(bundleOf(sampleFiles()), 'policy').map((x) => x.message)).toEqual([
      'egress rule egress.status-page allows plain http: each such request needs an exception artifact',
      'secrets rule secrets.status-query allows query_param: each such injection needs an exception artifact',
      'grant cap.browser holds in userland',
    ]);
  });
  it('wildcards over public suffixes, ICANN and private', () => {
    expect(isPublicSuffix('com')).toBe(true);
    expect(isPublicSuffix('co.uk')).toBe(true);
    expect(isPublicSuffix('github.io')).toBe(true);
    expect(isPublicSuffix('example.com')).toBe(false);
    for (const host of ['*.co.uk', '*.github.io', '*.s3.amazonaws.com']) {
      const out = lint(edited((f) => (f['network-egress'].rules[3].host = host)));
      expect(out, host).toContain('POLICY_WILDCARD_PUBLIC_SUFFIX policy/network-egress.json:47');
    }
    // A wildcard over a single label is not even a valid host pattern.
    expect(lint(edited((f) => (f['network-egress'].rules[3].host = '*.com')))).toEqual(['POLICY_INVALID policy/network-egress.json:47']);
  });
  it('warns of plain http and leak-prone modes only where a rule allows them, and of public suffixes only under a wildcard (from mutation testing)', () => {
    const codes = (f: Record<string, unknown>) => lint(f).map((x) => x.split(' ')[0]);
    // A deny rule on http, or on query_param injection, opens nothing that needs an exception.
    expect(codes(edited((f) => (f['network-egress'].rules[5].effect = 'deny')))).toEqual(['POLICY_LEAK_PRONE_MODE', 'POLICY_USERLAND_GRANT']);
    expect(codes(edited((f) => (f['secrets-boundary'].rules[2].effect = 'deny')))).toEqual(['POLICY_PLAIN_HTTP', 'POLICY_USERLAND_GRANT']);
    // An exact host that is itself a public suffix (github.io) is one host, not a wildcard over others.
    expect(codes(edited((f) => (f['network-egress'].rules[2].host = 'github.io')))).not.toContain('POLICY_WILDCARD_PUBLIC_SUFFIX');
    expect(codes(edited((f) => (f['secrets-boundary'].rules[1].hosts = ['github.io'])))).not.toContain('POLICY_WILDCARD_PUBLIC_SUFFIX');
    expect(codes(edited((f) => (f['secrets-boundary'].rules[1].hosts = ['*.github.io'])))).toContain('POLICY_WILDCARD_PUBLIC_SUFFIX');
  });
  it('an elevation rule to the zone it starts from, or down, never applies: said where it is (from mutation testing of the evaluator)', () => {
    const at = (from: string, to: string) => lintBundle(bundleOf(edited((f) => f['trust-zones'].elevations.push({ id: 'trust.x', principal: 'ops-bot', from, to, severity: 'low' }))), 'policy')
      .filter((x) => x.code === 'POLICY_NOT_AN_ELEVATION').map((x) => [x.location?.file, x.message]);
    // (The schema has no rule from kernel or to userland.)
    for (const [from, to] of [['supervisor', 'supervisor'], ['supervisor', 'executor'], ['executor', 'executor']]) {
      expect(at(from!, to!), `${from} to ${to}`).toEqual([['policy/trust-zones.json', `elevation rule trust.x names ${from} to ${to}, which is no elevation: the evaluator blocks such a request before it looks for a rule, so this one never applies`]]);
    }
    for (const [from, to] of [['userland', 'executor'], ['executor', 'kernel'], ['supervisor', 'kernel']]) expect(at(from!, to!), `${from} to ${to}`).toEqual([]);
  });
  it('a file that is not strict JSON is POLICY_INVALID at the line where it stops being, not its first (from a review of sel policy)', () => {
    const m = files(sampleFiles(), (v) => JSON.stringify(v, null, 2));
    const text = m.get('network-egress.json') as string;
    // A duplicate key on line 5, then a string that is not JSON (an unescaped tab) on line 3.
    const lines = text.split('\n');
    lines[4] = lines[4]!.replace(/^(\s*)("[a-z_]+":)/, '$1$2 1, $2');
    const dup = lintBundle(loadBundle(new Map([...m, ['network-egress.json', lines.join('\n')]])), 'policy');
    expect(dup.map((x) => [x.code, x.location?.file, x.location?.line])).toEqual([['POLICY_INVALID', 'policy/network-egress.json', 5]]);
    expect(dup[0]!.message).toMatch(/is not strict JSON: duplicate key at offset \d+$/);
    const tab = text.split('\n');
    tab[2] = tab[2]!.replace(/"([a-z])/, '"\t$1');
    expect(lintBundle(loadBundle(new Map([...m, ['network-egress.json', tab.join('\n')]])), 'policy').map((x) => x.location?.line)).toEqual([3]);
  });
  it('overlaps only the tie-break resolves', () => {
    const out = lint(edited((f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', effect: 'deny' })));
    expect(out.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(1);
    const grants = lint(edited((f) => f['capabilities'].grants.push({ ...f['capabilities'].grants[0], id: 'cap.coder-2' })));
    expect(grants.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(1);
    // Grants for one principal in zones they do not share never meet (from mutation testing).
    const apart = lint(edited((f) => f['capabilities'].grants.push({ ...f['capabilities'].grants[0], id: 'cap.coder-2', zones: ['supervisor'] })));
    expect(apart.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(0);
    // Nor do egress rules on one host and path for methods they do not share.
    const methods = lint(edited((f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-delete', methods: ['DELETE'] })));
    expect(methods.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(0);
    // As the evaluator compares: a deny rule's paths in any case; secrets rules on disjoint ports do not meet.
    const upper = (p: string) => p.toUpperCase();
    const cased = lint(edited((f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-3', effect: 'deny', paths: (f['network-egress'].rules[0].paths ?? ['/']).map(upper) })));
    expect(cased.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(1);
    const ported = lint(edited((f) => f['secrets-boundary'].rules.push({ ...f['secrets-boundary'].rules[0], id: 'secrets.zz-other-port', ports: [8443] })));
    expect(ported.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(0);
    const samePort = lint(edited((f) => f['secrets-boundary'].rules.push({ ...f['secrets-boundary'].rules[0], id: 'secrets.zz-same-port' })));
    expect(samePort.filter((s) => s.startsWith('POLICY_TIE_BREAK'))).toHaveLength(1);
  });
  it('elevation rules tie only on the same principal, from zone and to zone (from mutation testing)', () => {
    const ties = (e: Record<string, unknown>) => lint(edited((f) => f['trust-zones'].elevations.push({ ...f['trust-zones'].elevations[0], ...e }))).filter((x) => x.startsWith('POLICY_TIE_BREAK'));
    expect(ties({ id: 'trust.ops-restart-2' })).toEqual(['POLICY_TIE_BREAK policy/trust-zones.json:12']);
    expect(ties({ id: 'trust.ops-from-userland', from: 'userland' })).toEqual([]);
    expect(ties({ id: 'trust.ops-to-kernel', to: 'kernel' })).toEqual([]);
  });
  it('two MCP server entries for one server, two pins for one extension version: only the smallest id is read', () => {
    const mcp = lintBundle(bundleOf(edited((f) => f['trust-zones'].mcp_servers.push({ ...f['trust-zones'].mcp_servers[0], id: 'mcp.a-browser', tools: ['open', 'exec'] }))), 'policy');
    const tie = mcp.filter((x) => x.code === 'POLICY_TIE_BREAK');
    expect(tie.map((x) => `${x.location?.file}:${x.location?.line} ${x.message}`)).toEqual([
      'policy/trust-zones.json:25 MCP server entries mcp.browser and mcp.a-browser both declare server browser; only the smallest id (mcp.a-browser) is used, with its url and tools',
    ]);
    const pins = lintBundle(bundleOf(edited((f) => f.extensions.pins.push({ ...f.extensions.pins[0], id: 'ext.pdf-tools-again' }))), 'policy');
    expect(pins.filter((x) => x.code === 'POLICY_TIE_BREAK').map((x) => x.message)).toEqual([
      'pins ext.pdf-tools-1.2.0 and ext.pdf-tools-again both pin pdf-tools@1.2.0; only the smallest id (ext.pdf-tools-1.2.0) is used, with its artifacts',
    ]);
    // Another version, or another server, is no tie; three entries for one key are two findings.
    expect(lint(edited((f) => f.extensions.pins.push({ ...f.extensions.pins[0], id: 'ext.pdf-tools-1.3.0', version: '1.3.0' }))).filter((x) => x.startsWith('POLICY_TIE_BREAK'))).toEqual([]);
    expect(lint(edited((f) => f['trust-zones'].mcp_servers.push({ ...f['trust-zones'].mcp_servers[0], id: 'mcp.files', server: 'files' }))).filter((x) => x.startsWith('POLICY_TIE_BREAK'))).toEqual([]);
    const three = lint(edited((f) => f.extensions.pins.push({ ...f.extensions.pins[0], id: 'ext.b' }, { ...f.extensions.pins[0], id: 'ext.c' })));
    expect(three.filter((x) => x.startsWith('POLICY_TIE_BREAK'))).toHaveLength(2);
    // Each names the pin the evaluator reads, the smallest id of all three, not of its pair.
    const threeMessages = lintBundle(bundleOf(edited((f) => f.extensions.pins.push({ ...f.extensions.pins[0], id: 'ext.b' }, { ...f.extensions.pins[0], id: 'ext.c' }))), 'policy')
      .filter((x) => x.code === 'POLICY_TIE_BREAK').map((x) => x.message);
    expect(threeMessages).toEqual([
      'pins ext.pdf-tools-1.2.0 and ext.b both pin pdf-tools@1.2.0; only the smallest id (ext.b) is used, with its artifacts',
      'pins ext.pdf-tools-1.2.0 and ext.c both pin pdf-tools@1.2.0; only the smallest id (ext.b) is used, with its artifacts',
    ]);
  });
  it('a path prefix no request can be under: a deny rule on it never denies', () => {
    const unmatchable = (edit: (f: Record<string, any>) => void) =>
      lintBundle(bundleOf(edited(edit)), 'policy').filter((x) => x.code === 'POLICY_PATH_UNMATCHABLE').map((x) => `${x.location?.file}:${x.location?.line} ${x.message}`);
    const dot = edited((f) => (f['network-egress'].rules[1].paths = ['/repos/acme/./app/hooks']));
    expect(unmatchable((f) => (f['network-egress'].rules[1].paths = ['/repos/acme/./app/hooks']))).toEqual([
      'policy/network-egress.json:25 egress rule egress.github-admin: no request path is under "/repos/acme/./app/hooks", since a URL with a "." segment is refused; it never denies anything',
    ]);
    // What the warning is about: the hooks the rule meant to deny are left to egress.github-api.
    const coder = (files: Record<string, unknown>) => d(run(compiled(files), input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme/app/hooks/1'))));
    expect(coder(sampleFiles())).toBe('block egress.github-admin high');
    expect(coder(dot)).toBe('allow egress.github-api info');
    expect(unmatchable((f) => (f['network-egress'].rules[0].paths = ['/repos', '/v1;x']))).toEqual([
      'policy/network-egress.json:11 egress rule egress.github-api: no request path is under "/v1;x", since a URL with a ";" in a segment is refused; it never allows anything',
    ]);
    const secrets = unmatchable((f) => (f['secrets-boundary'].rules[0].paths = ['/repos', '/user/..', '/x\tb', '/ a', '/a\u00a0']));
    expect(secrets.map((x) => x.split(' ')[0])).toEqual(['policy/secrets-boundary.json:19', 'policy/secrets-boundary.json:20', 'policy/secrets-boundary.json:21', 'policy/secrets-boundary.json:22']);
    // The prefix is quoted as JSON: a control character in it is not written raw to a terminal.
    expect(secrets[1]).toContain('no request path is under "/x\\tb", since a URL whose segment holds a control character');
    expect(unmatchable((f) => (f.capabilities.grants[0].workspace.write = ['/workspace/src', '/workspace/../etc']))).toEqual([
      'policy/capabilities.json:31 grant cap.coder (workspace write): no request path is under "/workspace/../etc", since a request path with a ".." segment is refused; it never allows anything',
    ]);
    // Segments a request path can hold: inner white space (%20), dots within a name, any letter.
    expect(unmatchable((f) => (f['network-egress'].rules[1].paths = ['/a b', '/v1.2/.well-known', '/café', '/...']))).toEqual([]);
    expect(unmatchable((f) => (f.capabilities.grants[0].workspace.write = ['/workspace/a;b', '/workspace/ x ']))).toEqual([]);
  });
  it('a path prefix deeper than the rule\'s own max_depth: the rule never applies there (found by review)', () => {
    const unmatchable = (edit: (f: Record<string, any>) => void) =>
      lintBundle(bundleOf(edited(edit)), 'policy').filter((x) => x.code === 'POLICY_PATH_UNMATCHABLE').map((x) => `${x.location?.file}:${x.location?.line} ${x.message}`);
    const shallow = edited((f) => (f['network-egress'].rules[1].max_depth = 3));
    expect(unmatchable((f) => (f['network-egress'].rules[1].max_depth = 3))).toEqual([
      'policy/network-egress.json:25 egress rule egress.github-admin: no request path is under "/repos/acme/app/hooks", since the rule takes paths of at most 3 segments and it has 4; it never denies anything',
    ]);
    // What the warning is about: the hooks the rule meant to deny are left to egress.github-api.
    const coder = (files: Record<string, unknown>, url: string) => d(run(compiled(files), input('http.egress', 'coder', 'executor', egress(url))));
    expect(coder(shallow, 'https://api.github.com/repos/acme/app/hooks')).toBe('allow egress.github-api info');
    // A prefix of exactly max_depth segments is the one path the rule takes there.
    const exact = edited((f) => (f['network-egress'].rules[1].max_depth = 4));
    expect(unmatchable((f) => (f['network-egress'].rules[1].max_depth = 4))).toEqual([]);
    expect(coder(exact, 'https://api.github.com/repos/acme/app/hooks')).toBe('block egress.github-admin high');
    // Each prefix on its own, an allow rule too: /user (1 segment) fits max_depth 1, /repos/acme (2) does not.
    expect(unmatchable((f) => { f['network-egress'].rules[0].paths = ['/user', '/repos/acme']; f['network-egress'].rules[0].max_depth = 1; })).toEqual([
      'policy/network-egress.json:11 egress rule egress.github-api: no request path is under "/repos/acme", since the rule takes paths of at most 1 segments and it has 2; it never allows anything',
    ]);
    // max_depth 0 takes / alone: a rule without paths (/) is no finding.
    expect(unmatchable((f) => (f['network-egress'].rules[2].max_depth = 0))).toEqual([]);
  });
  it('a deny rule on a wildcard host does not reach a host a more specific allow rule names (found by review)', () => {
    // The gaps on other hosts than the deny rule's (on its own, the deny rules below may leave a method open to egress.docs-wildcard).
    const gaps = (...rules: Record<string, unknown>[]) => lintBundle(bundleOf(edited((f) => f['network-egress'].rules.push(...rules))), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP' && x.detail?.['host'] !== undefined).map((x) => x.message);
    const deny = { id: 'egress.docs-no-admin', host: '*.docs.example.com', paths: ['/v1/admin'], methods: ['GET'], effect: 'deny', severity: 'high' };
    // egress.docs-example-api allows GET on api.docs.example.com/v1: only exact-host rules count there.
    expect(gaps(deny)).toEqual([
      'egress rule egress.docs-no-admin denies *.docs.example.com/v1/admin but not on api.docs.example.com, where the more specific egress.docs-example-api is the rule that applies and allows it',
    ]);
    const at = (rules: Record<string, unknown>[], url: string) => d(run(compiled(edited((f) => f['network-egress'].rules.push(...rules))), input('http.egress', 'browser', 'executor', egress(url))));
    expect(at([deny], 'https://api.docs.example.com/v1/admin')).toBe('warn egress.docs-example-api low');
    expect(at([deny], 'https://www.docs.example.com/v1/admin')).toBe('block egress.docs-no-admin high');
    // The same on a longer wildcard, which outranks a shorter one whatever the paths.
    expect(gaps({ ...deny, host: '*.example.com', paths: ['/'] }, { id: 'egress.x-docs', host: '*.x.docs.example.com', methods: ['GET'], effect: 'allow', severity: 'info' }).map((m) => m.split(', where')[0])).toEqual([
      'egress rule egress.docs-no-admin denies *.example.com/ but not on *.docs.example.com',
      'egress rule egress.docs-no-admin denies *.example.com/ but not on api.docs.example.com',
      'egress rule egress.docs-no-admin denies *.example.com/ but not on *.x.docs.example.com',
    ]);
    // No gap where the paths, methods, schemes, ports or depths do not meet, or where a deny rule names the host itself.
    expect(gaps({ ...deny, paths: ['/admin'] })).toEqual([]);
    expect(gaps({ ...deny, methods: ['POST'] })).toEqual([]);
    expect(gaps({ ...deny, schemes: ['http'] })).toEqual([]);
    expect(gaps({ ...deny, ports: [8443] })).toEqual([]);
    expect(gaps({ ...deny, paths: ['/'], max_depth: 0 })).toEqual([]);
    expect(gaps({ ...deny, host: '*.other.example.com' })).toEqual([]);
    expect(gaps(deny, { ...deny, id: 'egress.docs-api-no-admin', host: 'api.docs.example.com' })).toEqual([]);
    // Depths: the deeper of the two prefixes must be within both rules' max_depth (from mutation testing).
    const allowDepth = (n: number) => lintBundle(bundleOf(edited((f) => { f['network-egress'].rules[4].max_depth = n; f['network-egress'].rules.push(deny); })), 'policy').filter((x) => x.detail?.['host'] !== undefined);
    expect(allowDepth(1)).toEqual([]);
    expect(allowDepth(2)).toHaveLength(1);
    expect(gaps({ ...deny, max_depth: 2 })).toHaveLength(1);
    expect(gaps({ ...deny, max_depth: 1 })).toEqual([]);
    // A deny rule's prefix above the allow rule's meets it; in any case.
    expect(gaps({ ...deny, paths: ['/admin', '/'] }).map((m) => m.split(' but')[0])).toEqual(['egress rule egress.docs-no-admin denies *.docs.example.com/']);
    expect(gaps({ ...deny, paths: ['/V1/x'] }).map((m) => m.split(' but')[0])).toEqual(['egress rule egress.docs-no-admin denies *.docs.example.com/V1/x']);
  });
  it('a secrets deny rule on a wildcard host does not reach a host a more specific allow rule names (found by review)', () => {
    const deny = { id: 'secrets.zz-deny', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['*.github.com'], paths: ['/repos/acme'], effect: 'deny', severity: 'high' };
    // The gaps on other hosts than the deny rule's (a deny rule naming api.github.com for bearer alone leaves header open there).
    const gaps = (...rules: Record<string, unknown>[]) => lintBundle(bundleOf(edited((f) => f['secrets-boundary'].rules.push(...rules))), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP' && x.detail?.['host'] !== undefined).map((x) => x.message);
    // secrets.github-bearer names api.github.com exactly for GITHUB_TOKEN: the wildcard does not count there.
    expect(gaps(deny)).toEqual([
      'secrets rule secrets.zz-deny denies its aliases on /repos/acme but not on api.github.com, where the more specific secrets.github-bearer is the rule that applies and allows them',
    ]);
    const inject = (rules: Record<string, unknown>[], url: string) => d(run(compiled(edited((f) => f['secrets-boundary'].rules.push(...rules))), input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url })));
    expect(inject([deny], 'https://api.github.com/repos/acme/x')).toBe('allow secrets.github-bearer info');
    // No gap for another alias, mode, port or path, or where a deny rule names the host itself.
    expect(gaps({ ...deny, aliases: ['OTHER_TOKEN'] })).toEqual([]);
    expect(gaps({ ...deny, modes: ['basic'] })).toEqual([]);
    expect(gaps({ ...deny, ports: [8443] })).toEqual([]);
    expect(gaps({ ...deny, paths: ['/orgs'] })).toEqual([]);
    expect(gaps({ ...deny, hosts: ['*.example.com'] })).toEqual([]);
    expect(gaps({ ...deny, hosts: ['*.github.com', 'api.github.com'] })).toEqual([]);
    // A deny rule's prefix above the allow rule's meets it; an allow rule on the wildcard is no deny rule.
    expect(gaps({ ...deny, paths: ['/'] })).toHaveLength(1);
    expect(gaps({ ...deny, effect: 'allow' })).toEqual([]);
  });
  it('a deny rule that leaves open a port, scheme, method or mode an allow rule around it opens (found by review)', () => {
    const rules = (f: Record<string, any>) => f['network-egress'].rules as { id: string; ports?: number[]; methods: string[]; effect: string }[];
    const gaps = (out: string[]) => out.filter((s) => s.startsWith('POLICY_DENY_GAP'));
    // The sample: egress.github-admin (deny) sits inside egress.github-api on 443 and GET alike.
    expect(gaps(lint(sampleFiles()))).toEqual([]);
    const ported = lint(edited((f) => { rules(f).find((r) => r.id === 'egress.github-api')!.ports = [443, 8443]; }));
    expect(gaps(ported)).toHaveLength(1);
    const r = lintBundle(bundleOf(edited((f) => { rules(f).find((r) => r.id === 'egress.github-api')!.ports = [443, 8443]; })), 'policy').find((x) => x.code === 'POLICY_DENY_GAP')!;
    expect(r.message).toContain('egress rule egress.github-admin denies api.github.com');
    expect(r.message).toContain('but not GET https:8443, POST https:8443, which egress.github-api allows there');
    // Named by the deny rule too: no gap.
    expect(gaps(lint(edited((f) => {
      rules(f).find((r) => r.id === 'egress.github-api')!.ports = [443, 8443];
      rules(f).find((r) => r.id === 'egress.github-admin')!.ports = [443, 8443];
    })))).toEqual([]);
    const secrets = lint(edited((f) => {
      const rs = f['secrets-boundary'].rules as { id: string; effect: string; ports?: number[]; paths?: string[] }[];
      rs.push({ ...rs.find((x) => x.id === 'secrets.github-bearer')!, id: 'secrets.github-deny-admin', effect: 'deny', paths: ['/repos/acme/admin'], ports: [443] });
      rs.find((x) => x.id === 'secrets.github-bearer')!.ports = [443, 8443];
    }));
    expect(gaps(secrets)).toHaveLength(1);
    // A deny split by port leaves no gap; a deny limited in depth leaves the deeper paths open.
    expect(gaps(lint(edited((f) => {
      rules(f).find((r) => r.id === 'egress.github-api')!.ports = [443, 8443];
      rules(f).push({ ...rules(f).find((r) => r.id === 'egress.github-admin')!, id: 'egress.github-admin-8443', ports: [8443] });
    })))).toEqual([]);
    const deep = lintBundle(bundleOf(edited((f) => { (rules(f).find((r) => r.id === 'egress.github-admin') as { max_depth?: number }).max_depth = 5; })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(deep.map((x) => x.message)).toEqual([expect.stringContaining('but not GET https:443 deeper than 5 segments, POST https:443 deeper than 5 segments, which egress.github-api allows there')]);
    // Deny rules that split ports and methods between them: what neither covers is a gap.
    const split = lint(edited((f) => {
      rules(f).find((r) => r.id === 'egress.github-api')!.ports = [443, 8443];
      rules(f).find((r) => r.id === 'egress.github-api')!.methods = ['GET', 'POST'];
      const admin = rules(f).find((r) => r.id === 'egress.github-admin')!;
      admin.ports = [443];
      admin.methods = ['GET', 'POST'];
      rules(f).push({ ...admin, id: 'egress.github-admin-8443', ports: [8443], methods: ['POST'] });
    }));
    expect(gaps(split)).toHaveLength(2); // each deny rule reports GET on 8443
    // A deny rule counts only where it wins (fourth review): a POST deny on / loses to the allow on /repos.
    const loses = lint(edited((f) => {
      rules(f).find((r) => r.id === 'egress.github-admin')!.methods = ['GET'];
      rules(f).push({ id: 'egress.github-nopost', host: 'api.github.com', methods: ['POST'], effect: 'deny', severity: 'high' } as never);
    }));
    expect(gaps(loses).length).toBeGreaterThan(0);
    // Secrets: the host is part of the combination.
    const hosts = lint(edited((f) => {
      const rs = f['secrets-boundary'].rules as { id: string; effect: string; hosts: string[]; modes: string[]; paths?: string[]; ports?: number[] }[];
      const bearer = rs.find((x) => x.id === 'secrets.github-bearer')!;
      bearer.hosts = ['api.github.com', 'uploads.github.com'];
      bearer.modes = ['bearer', 'header'];
      rs.push({ ...bearer, id: 'secrets.gh-admin', effect: 'deny', paths: ['/repos/acme'], modes: ['header'] });
      rs.push({ ...bearer, id: 'secrets.gh-nobearer', effect: 'deny', hosts: ['api.github.com'], paths: ['/repos/acme'], modes: ['bearer'] });
    }));
    expect(hosts.filter((x) => x.startsWith('POLICY_DENY_GAP policy/secrets-boundary.json'))).toHaveLength(1);
    // An allow rule that stops short of the denied path never reaches it: no gap.
    expect(gaps(lint(edited((f) => {
      const api = rules(f).find((r) => r.id === 'egress.github-api')! as { ports?: number[]; max_depth?: number };
      api.ports = [443, 8443];
      api.max_depth = 3;
    })))).toEqual([]);
  });
  it('finds deny gaps at the boundaries: equal depths, equal prefixes, schemes, prefixes in any case (from mutation testing)', () => {
    type Rule = { id: string; host: string; schemes?: string[]; ports?: number[]; paths?: string[]; methods: string[]; max_depth?: number; effect: string };
    const gaps = (edit: (rules: Rule[], f: Record<string, any>) => void) =>
      lintBundle(bundleOf(edited((f) => edit(f['network-egress'].rules as Rule[], f))), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP').map((x) => `${x.location?.file} ${x.message}`);
    const api = (rules: Rule[]) => rules.find((r) => r.id === 'egress.github-api')!;
    const admin = (rules: Rule[]) => rules.find((r) => r.id === 'egress.github-admin')!;
    // An allow rule whose max_depth is exactly the denied path's depth (4) reaches that path.
    expect(gaps((rs) => { api(rs).ports = [443, 8443]; api(rs).max_depth = 4; })).toEqual([expect.stringContaining('but not GET https:8443, POST https:8443, which egress.github-api allows there')]);
    // A deny rule limited to the allow rule's own depth leaves nothing deeper open.
    expect(gaps((rs) => { admin(rs).max_depth = 8; })).toEqual([]);
    // A deny on the allow rule's very prefix wins there (a tie goes to the strictest): no gap.
    expect(gaps((rs) => { rs.push({ id: 'egress.github-no-repos', host: 'api.github.com', paths: ['/repos'], methods: ['GET', 'POST'], effect: 'deny', severity: 'high' } as Rule); })).toEqual([]);
    // A scheme the allow rule opens and the deny rule does not name is a gap.
    expect(gaps((rs) => { api(rs).schemes = ['https', 'http']; })).toEqual([expect.stringContaining('but not GET http:443, POST http:443, which egress.github-api allows there')]);
    // A gap on a path other than the deny rule's first names that path (from mutation testing).
    expect(gaps((rs) => { api(rs).ports = [443, 8443]; admin(rs).paths = ['/repos/acme/app/hooks', '/repos/acme/app/keys']; })).toEqual([
      expect.stringContaining('but not GET https:8443, POST https:8443, GET https:8443 on /repos/acme/app/keys, POST https:8443 on /repos/acme/app/keys, which egress.github-api allows there'),
    ]);
    // A deny rule's prefix in upper case still lies under the allow rule's (it matches in any case).
    expect(gaps((rs) => { api(rs).ports = [443, 8443]; admin(rs).paths = ['/REPOS/acme/app/hooks']; })).toHaveLength(1);
    // Secrets: a deny on the allow rule's very prefix leaves no gap; a deny outside its paths is no gap of it.
    const secretGaps = (rule: Record<string, unknown>) =>
      lint(edited((f) => f['secrets-boundary'].rules.push({ id: 'secrets.zz-deny', aliases: ['GITHUB_TOKEN'], hosts: ['api.github.com'], effect: 'deny', severity: 'high', ...rule }))).filter((x) => x.startsWith('POLICY_DENY_GAP'));
    expect(secretGaps({ modes: ['bearer', 'header'], paths: ['/repos'] })).toEqual([]);
    expect(secretGaps({ modes: ['bearer'], paths: ['/orgs'] })).toEqual([]);
    expect(secretGaps({ modes: ['bearer'], paths: ['/repos/acme'] })).toHaveLength(1);
    // Of deny rules that cover a combination together, one without max_depth covers every depth.
    expect(gaps((rs) => {
      delete api(rs).max_depth;
      admin(rs).max_depth = 5;
      const { max_depth: _depth, ...allDepths } = admin(rs);
      rs.push({ ...allDepths, id: 'egress.github-admin-all-depths' });
    })).toEqual([]);
  });
  it('reports each lint at the line and pointer of what it is about (from mutation testing)', () => {
    const f = edited((f) => {
      f.capabilities.grants.push({ ...f.capabilities.grants[0], id: 'cap.coder-2', http: [], secrets: [] });
      f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', effect: 'deny' });
      f['secrets-boundary'].rules.push({ ...f['secrets-boundary'].rules[0], id: 'secrets.github-bearer-2' });
      f['secrets-boundary'].rules[1].hosts = ['registry.npmjs.org', '*.github.io'];
      f.capabilities.grants[1].mcp.push('ghost');
      f.capabilities.grants[0].secrets.push('GHOST_TOKEN');
      f.extensions.pins.push({ ...f.extensions.pins[0], id: 'ext.pdf-tools-again' });
    });
    const texts = new Map(Object.entries(f).map(([k, v]) => [`${k}.json`, JSON.stringify(v, null, 2)]));
    const out = lintBundle(loadBundle(texts), 'policy');
    // Each pointer is the one named, and its line the one lineOf gives for it in that file.
    expect(out.map((x) => `${x.code} ${String(x.detail?.['pointer'])}`)).toEqual([
      'POLICY_PLAIN_HTTP /rules/5/schemes',
      'POLICY_WILDCARD_PUBLIC_SUFFIX /rules/1/hosts/1',
      'POLICY_LEAK_PRONE_MODE /rules/2/modes',
      'POLICY_UNKNOWN_REFERENCE /grants/0/secrets/2',
      'POLICY_UNKNOWN_REFERENCE /grants/1/mcp/1',
      'POLICY_USERLAND_GRANT /grants/1/zones',
      'POLICY_TIE_BREAK /grants/4',
      'POLICY_TIE_BREAK /rules/6',
      'POLICY_TIE_BREAK /rules/3',
      'POLICY_TIE_BREAK /pins/1',
    ]);
    for (const x of out) expect(x.location?.line, String(x.detail?.['pointer'])).toBe(lineOf(texts.get(x.location!.file.slice('policy/'.length))!, String(x.detail?.['pointer'])));
    expect(out.map((x) => `${x.location?.file}:${x.location?.line}`)).toEqual([
      'policy/network-egress.json:70', 'policy/secrets-boundary.json:34', 'policy/secrets-boundary.json:44', 'policy/capabilities.json:24', 'policy/capabilities.json:59',
      'policy/capabilities.json:45', 'policy/capabilities.json:106', 'policy/network-egress.json:88', 'policy/secrets-boundary.json:56', 'policy/extensions.json:14',
    ]);
  });
  it('says which of two tied grants is used, and what decides between tied egress rules (from mutation testing)', () => {
    const messages = (edit: (f: Record<string, any>) => void) => lintBundle(bundleOf(edited(edit)), 'policy').filter((x) => x.code === 'POLICY_TIE_BREAK').map((x) => x.message);
    // The later grant has the smaller id: it is the one used.
    expect(messages((f) => f.capabilities.grants.push({ ...f.capabilities.grants[0], id: 'cap.a-coder' }))).toEqual([
      'grants cap.coder and cap.a-coder both apply to principal coder in a shared zone; only the smallest id (cap.a-coder) is used',
    ]);
    expect(messages((f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2' }))).toEqual([
      'egress rules egress.github-api and egress.github-api-2 match api.github.com/repos with equal specificity; the smallest id decides',
    ]);
    expect(messages((f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', effect: 'deny' }))).toEqual([
      'egress rules egress.github-api and egress.github-api-2 match api.github.com/repos with equal specificity; the strictest action decides',
    ]);
  });
  it('ties egress rules only where their schemes and ports meet, and a deny rule written first in any case (from mutation testing)', () => {
    const ties = (edit: (f: Record<string, any>) => void) => lint(edited(edit)).filter((x) => x.startsWith('POLICY_TIE_BREAK'));
    const copy = (extra: Record<string, unknown>) => (f: Record<string, any>) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', ...extra });
    expect(ties(copy({ schemes: ['http'] }))).toEqual([]);
    expect(ties(copy({ ports: [8443] }))).toEqual([]);
    expect(ties(copy({ ports: [8443, 443] }))).toHaveLength(1);
    // The deny rule first, its prefixes in upper case: it matches the allow rule's /repos all the same.
    expect(ties((f) => f['network-egress'].rules.unshift({ ...f['network-egress'].rules[0], id: 'egress.github-api-0', effect: 'deny', paths: ['/REPOS'] }))).toHaveLength(1);
  });
  it('ties secrets rules only on a shared alias, mode, host and path; rules without paths share / (from mutation testing)', () => {
    const ties = (extra: Record<string, unknown>, from = 0) =>
      lint(edited((f) => f['secrets-boundary'].rules.push({ ...f['secrets-boundary'].rules[from], id: 'secrets.zz-copy', ...extra }))).filter((x) => x.startsWith('POLICY_TIE_BREAK'));
    expect(ties({})).toHaveLength(1);
    expect(ties({ aliases: ['OTHER_TOKEN'] })).toEqual([]);
    expect(ties({ modes: ['query_param'] })).toEqual([]);
    expect(ties({ hosts: ['uploads.github.com'] })).toEqual([]);
    expect(ties({ paths: ['/orgs'] })).toEqual([]);
    // secrets.npm-publish names no paths: a copy of it, allow or deny, meets it on /.
    expect(ties({}, 1)).toEqual(['POLICY_TIE_BREAK policy/secrets-boundary.json:55']);
    expect(ties({ effect: 'deny' }, 1)).toEqual(['POLICY_TIE_BREAK policy/secrets-boundary.json:55']);
  });
  it('finds deny gaps under an allow rule on the whole host, not closed by deny rules on another host or shorter prefixes (from mutation testing)', () => {
    type Rule = { id: string; host: string; ports?: number[]; paths?: string[]; methods: string[]; max_depth?: number; effect: string; severity?: string };
    const gaps = (edit: (rules: Rule[]) => void) =>
      lintBundle(bundleOf(edited((f) => edit(f['network-egress'].rules as Rule[]))), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP').map((x) => x.message);
    const api = (rules: Rule[]) => rules.find((r) => r.id === 'egress.github-api')!;
    const admin = (rules: Rule[]) => rules.find((r) => r.id === 'egress.github-admin')!;
    // egress.registry-npm allows GET and HEAD on every path (no paths: /).
    const npmDeny: Rule = { id: 'egress.npm-no-security', host: 'registry.npmjs.org', paths: ['/-/npm/v1/security'], methods: ['GET'], effect: 'deny', severity: 'high' };
    expect(gaps((rs) => rs.push(npmDeny))).toEqual([
      'egress rule egress.npm-no-security denies registry.npmjs.org/-/npm/v1/security but not HEAD https:443, which egress.registry-npm allows there',
    ]);
    // A deny rule with the same path and methods on another host closes nothing here.
    expect(gaps((rs) => { api(rs).ports = [443, 8443]; rs.push({ ...admin(rs), id: 'egress.uploads-admin', host: 'uploads.github.com', ports: [8443] }); })).toEqual([
      'egress rule egress.github-admin denies api.github.com/repos/acme/app/hooks but not GET https:8443, POST https:8443, which egress.github-api allows there',
    ]);
    // The allow rule's longest matching prefix counts (/repos/acme, written first): a deny on /repos loses to it there.
    expect(gaps((rs) => {
      api(rs).paths = ['/repos/acme', '/repos'];
      admin(rs).methods = ['GET'];
      rs.push({ id: 'egress.github-no-post', host: 'api.github.com', paths: ['/repos'], methods: ['POST'], effect: 'deny', severity: 'high' });
    }).filter((m) => m.startsWith('egress rule egress.github-admin '))).toEqual([
      'egress rule egress.github-admin denies api.github.com/repos/acme/app/hooks but not POST https:443, which egress.github-api allows there',
    ]);
    // Two deny rules limited in depth reach together as deep as the deeper one.
    expect(gaps((rs) => { admin(rs).max_depth = 5; rs.push({ ...admin(rs), id: 'egress.github-admin-deep', max_depth: 8 }); })).toEqual([]);
  });
  it('ties and gaps as the evaluator resolves them: shared zones, allow rules\' actions and exact paths, principals, depths, aliases (from mutation testing)', () => {
    const codes = (code: string, edit: (f: Record<string, any>) => void) => lintBundle(bundleOf(edited(edit)), 'policy').filter((x) => x.code === code).map((x) => x.message);
    // cap.ops-bot (executor, supervisor) and a later grant for ops-bot in executor alone share executor.
    expect(codes('POLICY_TIE_BREAK', (f) => f.capabilities.grants.push({ id: 'cap.ops-bot-2', principal: 'ops-bot', zones: ['executor'], severity: 'info' }))).toEqual([
      'grants cap.ops-bot and cap.ops-bot-2 both apply to principal ops-bot in a shared zone; only the smallest id (cap.ops-bot) is used',
    ]);
    // Two allow rules whose severities gate to different actions (info: allow, low: warn): the strictest action decides.
    expect(codes('POLICY_TIE_BREAK', (f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', severity: 'low' }))).toEqual([
      'egress rules egress.github-api and egress.github-api-2 match api.github.com/repos with equal specificity; the strictest action decides',
    ]);
    // Allow rules compare paths exactly: /REPOS is another prefix than /repos for them.
    expect(codes('POLICY_TIE_BREAK', (f) => f['network-egress'].rules.push({ ...f['network-egress'].rules[0], id: 'egress.github-api-2', paths: ['/REPOS', '/USER'] }))).toEqual([]);
    // Elevation rules of two principals for the same zones do not meet.
    expect(codes('POLICY_TIE_BREAK', (f) => f['trust-zones'].elevations.push({ ...f['trust-zones'].elevations[0], id: 'trust.coder-restart', principal: 'coder' }))).toEqual([]);
    // An allow rule on /a does not reach a deny rule on /b: no gap, whatever the deny rule leaves out.
    expect(codes('POLICY_DENY_GAP', (f) => {
      f['network-egress'].rules.push({ id: 'egress.h-allow', host: 'h.example.com', paths: ['/a'], methods: ['GET', 'POST'], effect: 'allow', severity: 'info' });
      f['network-egress'].rules.push({ id: 'egress.h-deny', host: 'h.example.com', paths: ['/b'], methods: ['GET'], effect: 'deny', severity: 'high' });
    })).toEqual([]);
    // An allow rule with no max_depth reaches deeper than a deny rule limited in depth.
    expect(codes('POLICY_DENY_GAP', (f) => f['network-egress'].rules.push({ id: 'egress.npm-no-x', host: 'registry.npmjs.org', paths: ['/-/x'], methods: ['GET', 'HEAD'], max_depth: 3, effect: 'deny', severity: 'high' }))).toEqual([
      'egress rule egress.npm-no-x denies registry.npmjs.org/-/x but not GET https:443 deeper than 3 segments, HEAD https:443 deeper than 3 segments, which egress.registry-npm allows there',
    ]);
    // A deny rule covers only its own aliases: one for A_TOKEN in bearer mode leaves B_TOKEN in bearer mode open.
    expect(codes('POLICY_DENY_GAP', (f) => {
      f['secrets-boundary'].rules.push({ id: 'secrets.zz-allow', aliases: ['A_TOKEN', 'B_TOKEN'], modes: ['header', 'bearer'], hosts: ['h.example.com'], effect: 'allow', severity: 'info' });
      f['secrets-boundary'].rules.push({ id: 'secrets.zz-deny', aliases: ['A_TOKEN', 'B_TOKEN'], modes: ['header'], hosts: ['h.example.com'], paths: ['/x'], effect: 'deny', severity: 'high' });
      f['secrets-boundary'].rules.push({ id: 'secrets.zz-deny-a', aliases: ['A_TOKEN'], modes: ['bearer'], hosts: ['h.example.com'], paths: ['/x'], effect: 'deny', severity: 'high' });
    })).toEqual([
      'secrets rule secrets.zz-deny denies its paths but not B_TOKEN bearer to h.example.com:443, which secrets.zz-allow allows there',
    ]);
  });
  it('a secrets deny gap is only about the aliases the deny rule names (from mutation testing)', () => {
    const gaps = lint(edited((f) => {
      f['secrets-boundary'].rules.push({ id: 'secrets.zz-allow', aliases: ['A_TOKEN', 'B_TOKEN'], modes: ['header'], hosts: ['h.example.com'], effect: 'allow', severity: 'info' });
      f['secrets-boundary'].rules.push({ id: 'secrets.zz-deny', aliases: ['A_TOKEN'], modes: ['header'], hosts: ['h.example.com'], paths: ['/x'], effect: 'deny', severity: 'high' });
    })).filter((x) => x.startsWith('POLICY_DENY_GAP'));
    expect(gaps).toEqual([]);
  });
  it('a workspace read prefix no request path can be under is reported, with the segment that is refused (from mutation testing)', () => {
    const out = lintBundle(bundleOf(edited((f) => (f.capabilities.grants[2].workspace.read = ['/workspace/ops', '/workspace/./x']))), 'policy')
      .filter((x) => x.code === 'POLICY_PATH_UNMATCHABLE').map((x) => `${x.location?.file}:${x.location?.line} ${x.message}`);
    expect(out).toEqual([
      'policy/capabilities.json:85 grant cap.ops-bot (workspace read): no request path is under "/workspace/./x", since a request path with a "." segment is refused; it never allows anything',
    ]);
  });
  it('references to what the bundle does not define', () => {
    const out = lint(edited((f) => f['capabilities'].grants[0].http.push('egress.gone')));
    expect(out).toContain('POLICY_UNKNOWN_REFERENCE policy/capabilities.json:20');
    // (from mutation testing) an MCP server trust-zones.json does not declare, a secret no rule covers.
    const codes = (f: Record<string, unknown>) => lint(f).map((x) => x.split(' ')[0]);
    expect(codes(edited((f) => f['capabilities'].grants[1].mcp.push('ghost')))).toContain('POLICY_UNKNOWN_REFERENCE');
    expect(codes(edited((f) => f['capabilities'].grants[0].secrets.push('GHOST_TOKEN')))).toContain('POLICY_UNKNOWN_REFERENCE');
  });
  it('invalid bundles are reported as POLICY_INVALID at the line of the problem', () => {
    const out = lint(edited((f) => (f['severity-gating'].gates.low = 'ignore')));
    expect(out).toEqual(['POLICY_INVALID policy/severity-gating.json:5']);
    // Every problem, not only the first: one per file (from mutation testing).
    const two = lintBundle(bundleOf(edited((f) => { f['severity-gating'].gates.low = 'ignore'; f['trust-zones'].extra = 1; })), 'policy');
    expect(two.map((x) => [x.code, x.location?.file])).toEqual([['POLICY_INVALID', 'policy/severity-gating.json'], ['POLICY_INVALID', 'policy/trust-zones.json']]);
  });
});

describe('lineOf', () => {
  /** Each pointer's line in `text`, as [pointer, line] pairs. */
  const expectLines = (text: string, want: [string, number][]): void => {
    for (const [pointer, line] of want) expect(lineOf(text, pointer), pointer).toBe(line);
  };
  it('finds the line of a pointer, or of its deepest ancestor', () => {
    const text = '{\n  "a": [\n    1,\n    {"b": "x\\"y"},\n    []\n  ],\n  "c/d": {}\n}';
    expectLines(text, [['', 1], ['/a', 2], ['/a/1', 4], ['/a/1/b', 4], ['/a/2', 5], ['/c~1d', 7], ['/c~1d/missing', 7]]);
  });
  it('counts lines in a file with CRLF line ends, as editors on Windows write it (from mutation testing)', () => {
    const text = '{\r\n  "a": {\r\n    "x": 1,\r\n    "a": 2\r\n  },\r\n  "b": [\r\n    3\r\n  ]\r\n}\r\n';
    expectLines(text, [['/a', 2], ['/a/x', 3], ['/a/a', 4], ['/b/0', 7]]);
  });
  it('reads a key written with escapes, a value on the line after its key, an array closed right after a number, a backslash in a string (from mutation testing)', () => {
    const text = '{\n  "x": "\\\\d{4}",\n  "\\u0061": [443, 80],\n  "c\\/d":\n    1,\n  "": [[1],\n    [2]]\n}';
    expectLines(text, [['/x', 2], ['/a', 3], ['/a/1', 3], ['/c~1d', 5], ['/', 6], ['//1/0', 7]]);
    // The empty pointer is the whole text, even where the top object has a key "".
    expect(lineOf(text, '')).toBe(1);
  });
  it('reads a string after an empty object in an array as a value, not as a key (found by mutation testing)', () => {
    expect(lineOf('[\n  {},\n  "x"\n]', '/1')).toBe(3);
    expect(lineOf('{\n  "a": [\n    {"b": {}},\n    "x",\n    ["y"]\n  ]\n}', '/a/1')).toBe(4);
    expect(lineOf('{\n  "a": [\n    {"b": {}},\n    "x",\n    ["y"]\n  ]\n}', '/a/2/0')).toBe(5);
    // As sel policy check reports it: a grant that ends in an empty object, then a string that is no grant.
    const f = edited((f) => {
      f.capabilities.grants[3].workspace = {};
      f.capabilities.grants.push('cap.extra');
    });
    const texts = new Map(Object.entries(f).map(([k, v]) => [`${k}.json`, JSON.stringify(v, null, 2)]));
    const line = texts.get('capabilities.json')!.split('\n').indexOf('    "cap.extra"') + 1;
    expect(line).toBeGreaterThan(1);
    expect(lintBundle(loadBundle(texts), 'policy').map((x) => `${x.code} ${x.location?.file}:${x.location?.line} ${String(x.detail?.['pointer'])}`)).toEqual([
      `POLICY_INVALID policy/capabilities.json:${line} /grants/4`,
    ]);
  });
  it('reads a file indented with tabs, with a tab before a value on the line after its key (from mutation testing)', () => {
    expectLines('{\n\t"a": {\n\t\t"b":\t\n\t\t\t1\n\t}\n}', [['/a', 2], ['/a/b', 4]]);
  });
  it('puts a line feed that is not strict JSON on the line it ends, and a file with no text to walk at line 1 (from mutation testing)', () => {
    // The strict scanner stops at the line feed itself, in a string: that line, not the next.
    expect(lineOfOffset('{\n  "a": "x\ny"\n}', 11)).toBe(2);
    const m = files(sampleFiles(), (v) => JSON.stringify(v, null, 2));
    const raw = lintBundle(loadBundle(new Map([...m, ['capabilities.json', '{\n  "schema": "x\ny"\n}']])), 'policy');
    expect(raw.map((x) => [x.code, x.location?.line, x.message])).toEqual([['POLICY_INVALID', 2, 'the file is not strict JSON: control character in string at offset 16']]);
    // A contract file that is missing, or not UTF-8: line 1 of it, as sel policy check reports a file it does not read.
    const gone = new Map(m);
    gone.delete('trust-zones.json');
    gone.set('capabilities.json', Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string);
    expect(lintBundle(loadBundle(gone), 'policy').map((x) => [x.location?.file, x.location?.line])).toEqual([['policy/capabilities.json', 1], ['policy/trust-zones.json', 1]]);
    expect(lineIndex('')('')).toBe(1);
  });
  it('decodes ~1 before ~0 in a pointer (RFC 6901): /a~01 is the key "a~1", not "a/" (from mutation testing)', () => {
    const text = '{\n  "x": 0,\n  "a~1": 1,\n  "a/": 2\n}';
    expectLines(text, [['/a~01', 3], ['/a~1', 4]]);
  });
});
