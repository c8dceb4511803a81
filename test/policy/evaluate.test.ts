/**
 * The evaluator, contract by contract, against the sample bundle (ledger-samples/policy):
 * what is allowed, what every known bypass style gets, and the determinism properties.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/canonical/digest.js';
import { evaluate, evaluationKey, exceptionFingerprint } from '../../src/policy/evaluate.js';
import { withReserved } from '../../src/policy/compile.js';
import { EMPTY_LEDGER } from '../../src/policy/types.js';
import type { ExceptionArtifact, LedgerView, ReviewArtifact } from '../../src/policy/types.js';
import { compiled, d, edited, egress, input, run, sampleFiles } from '../helpers/policy.js';

const P = compiled();

describe('capabilities', () => {
  it('allows a granted tool, with the grant as the rule', () => {
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git' })))).toBe('allow cap.coder info');
  });
  it('grants nothing by default: an unknown principal, a tool not granted, a zone the grant does not hold in', () => {
    expect(d(run(P, input('tool.invoke', 'stranger', 'supervisor', { tool: 'git' })))).toBe('block null high');
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'rm' })))).toBe('block null high');
    expect(d(run(P, input('tool.invoke', 'coder', 'userland', { tool: 'git' })))).toBe('block null high');
  });
  it('falls back from an exact principal to "*" only when the exact grant does not hold in the zone', () => {
    expect(d(run(P, input('tool.invoke', 'somebody', 'executor', { tool: 'fs.read' })))).toBe('allow cap.baseline info');
  });
  it('tries grants exact principal first, then by smallest id, whatever their order in the file (from mutation testing)', () => {
    // "*" listed first does not shadow the exact grant; of two grants for one principal and zone,
    // the smallest id applies (POLICY_TIE_BREAK says so), not the first written.
    const starFirst = compiled(edited((f) => f.capabilities.grants.unshift(f.capabilities.grants.pop())));
    expect(d(run(starFirst, input('tool.invoke', 'coder', 'executor', { tool: 'git' })))).toBe('allow cap.coder info');
    const twoForCoder = compiled(edited((f) => f.capabilities.grants.unshift({ ...f.capabilities.grants[0], id: 'cap.zz-coder', tools: ['rm'] })));
    expect(d(run(twoForCoder, input('tool.invoke', 'coder', 'executor', { tool: 'git' })))).toBe('allow cap.coder info');
    expect(d(run(twoForCoder, input('tool.invoke', 'coder', 'executor', { tool: 'rm' })))).toBe('block null high');
  });
  it('blocks a request over a cap, or using a resource with no cap', () => {
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: 512, wall_ms: 1000 } })))).toBe('allow cap.coder info');
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: 4096 } })))).toBe('block cap.coder high');
    expect(d(run(P, input('tool.invoke', 'browser', 'executor', { tool: 'http.fetch', resources: { fuel: 1 } })))).toBe('block cap.browser high');
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { gpu: 1 } })))).toBe('block cap.coder high');
  });
  it('refuses a negative amount of a resource, and allows an amount equal to its cap (from mutation testing)', () => {
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: -1 } })))).toBe('block cap.coder high');
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: 2048 } })))).toBe('allow cap.coder info');
  });
  it('checks workspace paths on segment boundaries and refuses traversal', () => {
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace/src/main.ts' })))).toBe('allow cap.coder info');
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace/srcx/main.ts' })))).toBe('block null high');
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace/src/../../etc/passwd' })))).toBe('block null high');
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace' })))).toBe('block null high');
    expect(d(run(P, input('fs.read', 'coder', 'executor', { path: '/workspace' })))).toBe('allow cap.coder info');
  });
  it('reads a workspace path as written: no form of it reaches outside a prefix (checked by review)', () => {
    const w = (path: string) => d(run(P, input('fs.write', 'coder', 'executor', { path })));
    expect(w('/workspace/src')).toBe('allow cap.coder info');
    // Refused before any prefix is compared: ., .., //, a trailing slash, a backslash, NUL, a relative path.
    for (const path of ['/workspace/src/./x', '/workspace/src/../notes', '/workspace/src/..', '/workspace//src/x', '//workspace/src', '/workspace/src/',
      '/workspace/src/x/', '/workspace/src\\..\\..\\etc', '/workspace/src\\x', '/workspace/src/x\u0000', 'workspace/src/x', './workspace/src', '', '/']) {
      expect(w(path), path).toBe('block null high');
    }
    // A string prefix is not a path prefix; case and Unicode forms are other names.
    for (const path of ['/workspace/srcx', '/workspace/src-old/x', '/workspaces/src', '/Workspace/src', '/workspace/SRC/x', '/workspace/s\u0072c\u0301/x',
      '/workspace/\uFF53rc/x', '/workspace/src\u200b/x', '/workspace%2fsrc/x', '/%77orkspace/src/x']) {
      expect(w(path), path).toBe('block null high');
    }
    // No percent-decoding: %2e%2e is a file name, under the prefix, not a step out of it.
    expect(w('/workspace/src/%2e%2e/x')).toBe('allow cap.coder info');
    // An NFD path does not meet an NFC prefix (nor the reverse): fail closed, never open.
    const nfc = compiled(edited((f) => { f.capabilities.grants[0].workspace.write = ['/workspace/caf\u00e9']; }));
    expect(d(run(nfc, input('fs.write', 'coder', 'executor', { path: '/workspace/caf\u00e9/x' })))).toBe('allow cap.coder info');
    expect(d(run(nfc, input('fs.write', 'coder', 'executor', { path: '/workspace/cafe\u0301/x' })))).toBe('block null high');
    // read and write are apart: a read prefix allows no write.
    expect(w('/workspace/README.md')).toBe('block null high');
    expect(d(run(P, input('fs.read', 'coder', 'executor', { path: '/workspace/README.md' })))).toBe('allow cap.coder info');
  });
  it('judges every form of a resource amount against the cap, and a grant\'s tools exactly (checked by review)', () => {
    const git = (resources: unknown) => d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources })));
    expect(git({})).toBe('allow cap.coder info');
    expect(git({ memory_mb: 0, fuel: 50000000, wall_ms: 120000, requests: 200 })).toBe('allow cap.coder info');
    for (const resources of [{ memory_mb: 2049 }, { memory_mb: 2048.5 }, { memory_mb: 0.5 }, { memory_mb: -0.5 }, { memory_mb: 1e21 }, { memory_mb: Number.MAX_SAFE_INTEGER },
      { memory_mb: '1' }, { memory_mb: null }, { memory_mb: true }, { memory_mb: [1] }, { MEMORY_MB: 1 }, { 'memory_mb ': 1 }, null, [], 'x', 1]) {
      expect(git(resources), JSON.stringify(resources)).toBe('block cap.coder high');
    }
    const own = JSON.parse('{"__proto__": {"memory_mb": 1}}') as unknown;
    expect(git(own)).toBe('block cap.coder high');
    // Tools: another case, width or look-alike is another tool, not granted.
    for (const tool of ['Git', 'GIT', 'git ', '\uFF47it', 'gi\u0442', 'g\u200bit', 'shell.exec\u0000']) {
      expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool }))), tool).toBe('block null high');
    }
    // An actor id in another form is another principal: only "*" grants apply to it.
    expect(d(run(P, input('tool.invoke', 'Coder', 'executor', { tool: 'git' })))).toBe('block null high');
    expect(d(run(P, input('tool.invoke', '*', 'executor', { tool: 'git' })))).toBe('block null high');
    expect(d(run(P, input('tool.invoke', '*', 'executor', { tool: 'fs.read' })))).toBe('allow cap.baseline info');
    // The exact grant applies, and only it: ops-bot does not get "*"'s /workspace/shared.
    expect(d(run(P, input('fs.read', 'ops-bot', 'executor', { path: '/workspace/shared/x' })))).toBe('block null high');
    // A "*" grant in userland is needed for userland: an executor grant is never implied there.
    expect(d(run(P, input('fs.read', 'somebody', 'userland', { path: '/workspace/shared/x' })))).toBe('block null high');
  });
});

describe('network egress', () => {
  const coder = (url: string, extra: Record<string, unknown> = {}) => d(run(P, input('http.egress', 'coder', 'executor', egress(url, extra))));
  it('allows what a rule and the grant allow', () => {
    expect(coder('https://api.github.com/repos/acme/app/pulls/3')).toBe('allow egress.github-api info');
    expect(coder('https://API.GITHUB.COM/repos/acme')).toBe('allow egress.github-api info');
  });
  it('lets the most specific rule win: a deny under an allowed prefix', () => {
    expect(coder('https://api.github.com/repos/acme/app/hooks/1')).toBe('block egress.github-admin high');
  });
  it('matches a deny rule\'s paths in any case (servers may), an allow rule\'s exactly', () => {
    expect(coder('https://api.github.com/repos/ACME/app/hooks/1')).toBe('block egress.github-admin high');
    expect(coder('https://api.github.com/repos/acme/App/HOOKS')).toBe('block egress.github-admin high');
    expect(coder('https://api.github.com/REPOS/acme/app/pulls/3')).toBe('block null high');
  });
  it('matches a deny rule\'s paths in any case as Unicode reads case too: hookſ is hooks to equalsIgnoreCase (found by review)', () => {
    // Java's String.equalsIgnoreCase compares toUpperCase: long s (U+017F) is S, dotless i is I.
    expect(coder('https://api.github.com/repos/acme/app/hook%C5%BF/1')).toBe('block egress.github-admin high');
    expect(coder('https://api.github.com/repos/acme/app/hook\u017f/1')).toBe('block egress.github-admin high');
    // An allow rule still matches exactly.
    expect(coder('https://api.github.com/repo\u017f/acme')).toBe('block null high');
  });
  it('folds a Latin-1 letter past ASCII as Unicode does: the micro sign (U+00B5) is Greek mu to equalsIgnoreCase, under a deny rule on it (from mutation testing)', () => {
    const q = compiled(edited((f) => f['network-egress'].rules.push({ id: 'egress.github-mu', host: 'api.github.com', paths: ['/repos/acme/\u03bc'], methods: ['GET'], effect: 'deny', severity: 'high' })));
    for (const u of ['https://api.github.com/repos/acme/%C2%B5/x', 'https://api.github.com/repos/acme/\u00b5/x', 'https://api.github.com/repos/acme/%CE%BC/x']) {
      expect(d(run(q, input('http.egress', 'coder', 'executor', egress(u)))), u).toBe('block egress.github-mu high');
    }
  });
  it('folds İ (U+0130) to i in a deny rule\'s paths, as equalsIgnoreCase does, not to i and a combining dot (from mutation testing)', () => {
    const q = compiled(edited((f) => f['network-egress'].rules.push({ id: 'egress.github-admin2', host: 'api.github.com', paths: ['/repos/acme/admin'], methods: ['GET'], effect: 'deny', severity: 'high' })));
    expect(d(run(q, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme/adm%C4%B0n'))))).toBe('block egress.github-admin2 high');
  });
  it('folds a deny rule\'s own upper-case path prefix: it matches the path in any case (from mutation testing)', () => {
    const q = compiled(edited((f) => f['network-egress'].rules.push({ id: 'egress.acme-deny', host: 'api.github.com', paths: ['/repos/ACME'], methods: ['GET'], effect: 'deny', severity: 'high' })));
    for (const u of ['https://api.github.com/repos/ACME/x', 'https://api.github.com/repos/acme/x']) {
      expect(d(run(q, input('http.egress', 'coder', 'executor', egress(u)))), u).toBe('block egress.acme-deny high');
    }
  });
  it('refuses a ";" in a path segment, which some servers cut there', () => {
    for (const u of ['https://api.github.com/repos/..;/repos/acme/app/hooks/1', 'https://api.github.com/repos/acme/app/hooks;v=1/1', 'https://api.github.com/repos/acme%3Bx/app']) {
      expect(coder(u), u).toBe('block null high');
    }
  });
  const bypasses: [string, string][] = [
    ['port smuggling: another port', 'https://api.github.com:8443/repos/x'],
    ['port smuggling: userinfo', 'https://api.github.com:443@evil.net/repos/x'],
    ['userinfo disguise', 'https://api.github.com@evil.net/repos/x'],
    ['.. traversal', 'https://api.github.com/repos/../admin'],
    ['%2e%2e traversal', 'https://api.github.com/repos/%2e%2e/admin'],
    ['%252e double encoding', 'https://api.github.com/%252e%252e/admin'],
    ['%2F in a segment', 'https://api.github.com/repos%2F..%2Fadmin'],
    ['a backslash', 'https://api.github.com\\@evil.net/repos'],
    ['a trailing-dot host', 'https://api.github.com./repos/x'],
    ['prefix without a segment boundary', 'https://api.github.com/reposx/1'],
    ['path deeper than max_depth', 'https://api.github.com/repos/a/b/c/d/e/f/g/h'],
    ['a method not allowed', 'https://registry.npmjs.org/left-pad'],
    ['plain http without an exception', 'http://api.github.com/repos/x'],
    ['an IDN look-alike host', 'https://аpi.github.com/repos/x'],
  ];
  for (const [what, url] of bypasses) {
    it(`blocks ${what}`, () => {
      const extra = what.startsWith('a method') ? { method: 'DELETE' } : {};
      expect(coder(url, extra)).toMatch(/^block /);
    });
  }
  it('refuses a segment that decodes to a control character or to white space at its ends, which servers trim (found by review)', () => {
    // Spring's AntPathMatcher trimmed tokens (CVE-2016-5007): hooks%20 was hooks there, and
    // hooks%0a or hooks%09 are what a CR/LF or tab split leaves. Each passed the deny under
    // egress.github-api's /repos.
    for (const seg of ['hooks%09', 'hooks%0d%0a', 'hooks%20', '%20hooks', 'hooks%C2%A0', 'hoo%7Fks', 'hoo%0Bks', 'hooks\u00a0', 'hooks\u3000', 'hooks\u0085']) {
      expect(coder(`https://api.github.com/repos/acme/app/${seg}/1`), seg).toBe('block null high');
    }
    // A space inside a segment is a name like any other.
    expect(coder('https://api.github.com/repos/acme/my%20app/pulls')).toBe('allow egress.github-api info');
  });
  it('blocks private addresses whatever the host says: loopback, metadata, mapped and NAT64 forms', () => {
    for (const ip of ['127.0.0.1', '169.254.169.254', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', '10.0.0.5', '100.64.1.1', '2002:7f00:1::']) {
      expect(coder('https://api.github.com/repos/x', { pinned_ips: ['140.82.112.6', ip] }), ip).toBe('block null high');
    }
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]', '169.254.169.254', '[::1]']) {
      expect(coder(`https://${host}/repos/x`), host).toBe('block null high');
    }
  });
  it('blocks a request with no DNS evidence, and accepts a well-formed dns_snapshot', () => {
    expect(coder('https://api.github.com/repos/x', { pinned_ips: undefined })).toBe('block null high');
    const addresses = ['140.82.112.6'];
    expect(coder('https://api.github.com/repos/x', { pinned_ips: undefined, dns_snapshot: { digest: digestOf(addresses), addresses } })).toBe('allow egress.github-api info');
    expect(coder('https://api.github.com/repos/x', { pinned_ips: undefined, dns_snapshot: { digest: digestOf(['1.1.1.1']), addresses } })).toBe('block null high');
  });
  it('takes empty DNS evidence for none: pinned_ips [] or a dns_snapshot with no address (from mutation testing)', () => {
    expect(coder('https://api.github.com/repos/x', { pinned_ips: [] })).toBe('block null high');
    expect(coder('https://api.github.com/repos/x', { pinned_ips: undefined, dns_snapshot: { digest: digestOf([]), addresses: [] } })).toBe('block null high');
  });
  it('judges an IP-literal host as an address, even where a rule and the grant name it, with or without other evidence (from mutation testing)', () => {
    const q = compiled(edited((f) => {
      f['network-egress'].rules.push({ id: 'egress.internal', host: '10.0.0.5', methods: ['GET'], effect: 'allow', severity: 'info' });
      (f.capabilities.grants as { id: string; http?: string[] }[]).find((g) => g.id === 'cap.coder')!.http!.push('egress.internal');
    }));
    const on = (extra: Record<string, unknown>) => d(run(q, input('http.egress', 'coder', 'executor', egress('https://10.0.0.5/x', extra))));
    expect(on({})).toBe('block null high');
    expect(on({ pinned_ips: undefined })).toBe('block null high');
  });
  it('needs an exception for plain http even where the rule allows the http scheme (from mutation testing)', () => {
    const e = run(P, input('http.egress', 'ops-bot', 'executor', egress('http://status.example.net/api/incidents')));
    expect(d(e)).toBe('block egress.status-page high');
    expect(e.exception?.status).toBe('no-ref');
  });
  it('judges all the DNS evidence recorded: pinned_ips does not hide a dns_snapshot (found by review)', () => {
    const loopback = ['127.0.0.1'];
    const good = ['140.82.112.6'];
    // The default request pins 140.82.112.6; a snapshot next to it counts too.
    expect(coder('https://api.github.com/repos/x', { dns_snapshot: { digest: digestOf(good), addresses: good } })).toBe('allow egress.github-api info');
    expect(coder('https://api.github.com/repos/x', { dns_snapshot: { digest: digestOf(loopback), addresses: loopback } })).toBe('block null high');
    expect(coder('https://api.github.com/repos/x', { dns_snapshot: { digest: `sha256:${'0'.repeat(64)}`, addresses: good } })).toBe('block null high');
    // An IP-literal host's recorded evidence counts as well.
    expect(coder('https://140.82.112.6/repos/x', { pinned_ips: loopback })).toBe('block null high');
  });
  it('never lets a wildcard reach what an explicit rule for the same host does not allow', () => {
    const browser = (url: string) => d(run(P, input('http.egress', 'browser', 'executor', egress(url))));
    // severity is the higher of the grant's (low) and the rule's (info): gated to warn.
    expect(browser('https://guides.docs.example.com/a/b')).toBe('warn egress.docs-wildcard low');
    expect(browser('https://api.docs.example.com/v1/items')).toBe('warn egress.docs-example-api low');
    // api.docs.example.com has an explicit rule (paths /v1): the wildcard does not cover /v2 there.
    expect(browser('https://api.docs.example.com/v2/items')).toBe('block null high');
    // A wildcard never matches the apex.
    expect(browser('https://docs.example.com/x')).toBe('block null high');
  });
  it('matches a wildcard host on a dot boundary only: *.docs.example.com is not evildocs.example.com (from mutation testing)', () => {
    expect(d(run(P, input('http.egress', 'browser', 'executor', egress('https://evildocs.example.com/a'))))).toBe('block null high');
  });
  it('takes a rule without ports or schemes as https on 443 only (from mutation testing)', () => {
    // egress.registry-npm names neither: port 80 or plain http on its host matches no rule.
    expect(coder('https://registry.npmjs.org/left-pad')).toBe('allow egress.registry-npm info');
    expect(coder('https://registry.npmjs.org:80/left-pad')).toBe('block null high');
    expect(coder('https://registry.npmjs.org:8443/left-pad')).toBe('block null high');
    expect(coder('http://registry.npmjs.org/left-pad')).toBe('block null high');
    expect(coder('http://registry.npmjs.org:443/left-pad')).toBe('block null high');
  });
  it('never matches an IPv4 literal by a wildcard host: *.8.8.8 is not 8.8.8.8\'s parent (from mutation testing)', () => {
    const p = compiled(edited((f) => {
      f['network-egress'].rules.push({ id: 'egress.wild-digits', host: '*.8.8.8', methods: ['GET'], effect: 'allow', severity: 'info' });
      f.capabilities.grants[0].http.push('egress.wild-digits');
    }));
    expect(d(run(p, input('http.egress', 'coder', 'executor', egress('https://8.8.8.8/x', { pinned_ips: undefined }))))).toBe('block null high');
    expect(d(run(p, input('http.egress', 'coder', 'executor', egress('https://1.8.8.8/x', { pinned_ips: undefined }))))).toBe('block null high');
  });
  it('gives an allowed request the higher of the grant\'s and the rule\'s severities, medium below high (from mutation testing)', () => {
    const sev = (grant: string, rule: string) => d(run(compiled(edited((f) => {
      f.capabilities.grants[0].severity = grant;
      f['network-egress'].rules[0].severity = rule;
    })), input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme/app/pulls/3'))));
    expect(sev('medium', 'high')).toBe('block egress.github-api high');
    expect(sev('high', 'medium')).toBe('block egress.github-api high');
    expect(sev('low', 'medium')).toBe('review egress.github-api medium');
    expect(sev('medium', 'info')).toBe('review egress.github-api medium');
  });
  it('requires the grant to include the rule', () => {
    expect(d(run(P, input('http.egress', 'browser', 'executor', egress('https://api.github.com/repos/x'))))).toBe('block null high');
  });
  it('resolves rules of equal specificity by strictness (a deny first, whatever the ids and its severity), then by the smallest id (from mutation testing)', () => {
    const withRule = (rule: Record<string, unknown>) => compiled(edited((f) => f['network-egress'].rules.push({ host: 'api.github.com', paths: ['/repos'], methods: ['GET'], ...rule })));
    const on = (policy: typeof P) => d(run(policy, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/x'))));
    expect(on(withRule({ id: 'egress.zz-deny', effect: 'deny', severity: 'info' }))).toBe('block egress.zz-deny info');
    expect(on(withRule({ id: 'egress.github-api2', effect: 'allow', severity: 'info' }))).toBe('allow egress.github-api info');
    // Of two allow rules, the one gated to review is stricter than the one gated to warn.
    const warnOrReview = compiled(edited((f) => {
      f['network-egress'].rules[0].severity = 'low';
      f['network-egress'].rules.push({ id: 'egress.github-api2', host: 'api.github.com', paths: ['/repos'], methods: ['GET'], effect: 'allow', severity: 'medium' });
      f.capabilities.grants[0].http.push('egress.github-api2');
    }));
    expect(on(warnOrReview)).toBe('review egress.github-api2 medium');
  });
  it('ranks a longer wildcard suffix above any path depth: a 101-segment prefix does not spill into the host score', () => {
    const deep = `/${Array(101).fill('a').join('/')}`;
    const policy = compiled(edited((f) => {
      f['network-egress'].rules.push(
        { id: 'egress.org-deep', host: '*.example.org', paths: [deep], methods: ['GET'], effect: 'allow', severity: 'info' },
        { id: 'egress.api-org-deny', host: '*.api.example.org', methods: ['GET'], effect: 'deny', severity: 'high' },
      );
      (f.capabilities.grants as { id: string; http?: string[] }[]).find((g) => g.id === 'cap.coder')!.http!.push('egress.org-deep');
    }));
    const coder = (url: string) => d(run(policy, input('http.egress', 'coder', 'executor', egress(url))));
    expect(coder(`https://x.api.example.org${deep}`)).toBe('block egress.api-org-deny high');
    // Where the deny's host does not match, the deep allow still applies.
    expect(coder(`https://x.example.org${deep}`)).toBe('allow egress.org-deep info');
  });
});

const APPROVED_UNTIL = '2026-12-01T00:00:00.000Z';
function ledgerWith(reviews: ReviewArtifact[], exceptions: Record<string, ExceptionArtifact>): LedgerView {
  const byFp = new Map(reviews.map((r) => [r.request_fingerprint, r]));
  const byPath = new Map(reviews.map((r) => [`ledger/reviews/${r.request_fingerprint.slice(7)}.json`, r]));
  return { review: (fp) => byFp.get(fp) ?? null, exception: (p) => exceptions[p] ?? null, reviewAt: (p) => byPath.get(p) ?? null };
}

describe('secrets boundary specificity', () => {
  it('ranks a longer wildcard suffix above any path depth: a 101-segment prefix does not spill into the host score', () => {
    const deep = `/${Array(101).fill('a').join('/')}`;
    const policy = compiled(edited((f) => {
      f['secrets-boundary'].rules.push(
        { id: 'secrets.org-deep', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['*.example.org'], paths: [deep], effect: 'allow', severity: 'info' },
        { id: 'secrets.api-org-deny', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['*.api.example.org'], effect: 'deny', severity: 'high' },
      );
    }));
    const inject = (url: string) => d(run(policy, input('secret.inject', 'coder', 'executor', { tool: 'http.fetch', secret: 'GITHUB_TOKEN', mode: 'bearer', url })));
    expect(inject(`https://x.api.example.org${deep}`)).toBe('block secrets.api-org-deny high');
    expect(inject(`https://x.example.org${deep}`)).toBe('allow secrets.org-deep info');
  });
});

describe('secrets boundary', () => {
  const inject = (req: Record<string, unknown>, extra = {}, ledger?: LedgerView) =>
    d(run(P, input('secret.inject', 'coder', 'executor', { tool: 'http.fetch', ...req }, extra), ledger));
  it('allows a granted alias in an allowed mode and scope', () => {
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' })).toBe('allow secrets.github-bearer info');
  });
  it('refuses other modes, hosts, paths, and aliases not granted', () => {
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'basic', url: 'https://api.github.com/repos/acme' })).toBe('block null high');
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://evil.example/repos' })).toBe('block null high');
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/reposx' })).toBe('block null high');
    expect(inject({ secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' })).toBe('block null high');
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'cookie', url: 'https://api.github.com/repos' })).toBe('block null high');
  });
  it('never lets a wildcard host reach a path that a rule naming the host exactly does not allow (found by review)', () => {
    const files = edited((f) => {
      (f['secrets-boundary'].rules as unknown[]).push({ id: 'secrets.github-wild', effect: 'allow', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['*.github.com'], paths: ['/'], severity: 'info' });
    });
    const wild = compiled(files);
    const on = (url: string) => d(run(wild, input('secret.inject', 'coder', 'executor', { tool: 'http.fetch', secret: 'GITHUB_TOKEN', mode: 'bearer', url })));
    expect(on('https://api.github.com/repos/acme')).toBe('allow secrets.github-bearer info');
    expect(on('https://api.github.com/admin/keys')).toBe('block null high');
    expect(on('https://uploads.github.com/admin/keys')).toBe('allow secrets.github-wild info');
  });
  it('injects over https only, and on the rule\'s ports (443 unless it names others)', () => {
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'http://api.github.com/repos/acme' })).toBe('block null high');
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com:8443/repos/acme' })).toBe('block null high');
    expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com:443/repos/acme' })).toBe('allow secrets.github-bearer info');
    const files = edited((f) => {
      const rule = (f['secrets-boundary'].rules as { id: string; ports?: number[] }[]).find((r) => r.id === 'secrets.github-bearer')!;
      rule.ports = [8443];
    });
    const withPort = compiled(files);
    const on = (url: string) => d(run(withPort, input('secret.inject', 'coder', 'executor', { tool: 'http.fetch', secret: 'GITHUB_TOKEN', mode: 'bearer', url })));
    expect(on('https://api.github.com:8443/repos/acme')).toBe('allow secrets.github-bearer info');
    expect(on('https://api.github.com/repos/acme')).toBe('block null high');
    expect(on('http://api.github.com:8443/repos/acme')).toBe('block null high');
  });
  it('a rule that names no ports injects on 443 and on no other port, 80 included (from mutation testing)', () => {
    for (const port of [80, 8080, 444, 1]) expect(inject({ secret: 'GITHUB_TOKEN', mode: 'bearer', url: `https://api.github.com:${port}/repos/acme` }), String(port)).toBe('block null high');
  });
  it('gates a medium-severity injection to review, and an approved review resumes it', () => {
    const req = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    const fp = digestOf(req);
    expect(inject(req)).toBe('review secrets.npm-publish medium');
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: fp, policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T11:00:00.000Z', expires_at: APPROVED_UNTIL };
    expect(inject(req, {}, ledgerWith([review], {}))).toBe('allow secrets.npm-publish medium');
    expect(inject(req, { ts: APPROVED_UNTIL }, ledgerWith([review], {}))).toBe('review secrets.npm-publish medium');
    expect(inject(req, {}, ledgerWith([{ ...review, policy_hash: digestOf('other') }], {}))).toBe('review secrets.npm-publish medium');
    expect(inject(req, {}, ledgerWith([{ ...review, decision: 'rejected' }], {}))).toBe('review secrets.npm-publish medium');
  });
  it('keys the review on the request\'s own fingerprint, not on a request_fingerprint that names another request (found by review)', () => {
    const reviewed = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    const other = { ...reviewed, url: 'https://registry.npmjs.org/-/npm/v1/tokens/other' };
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: digestOf(reviewed), policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T11:00:00.000Z', expires_at: APPROVED_UNTIL };
    const e = run(P, input('secret.inject', 'coder', 'executor', other, { fingerprint: digestOf(reviewed) }), ledgerWith([review], {}));
    expect(d(e)).toBe('review secrets.npm-publish medium');
    expect(e.review).toEqual({ status: 'missing', path: `ledger/reviews/${digestOf(other).slice(7)}.json` });
    expect(d(run(P, input('secret.inject', 'coder', 'executor', reviewed, { fingerprint: digestOf(reviewed) }), ledgerWith([review], {})))).toBe('allow secrets.npm-publish medium');
  });
  it('computes the fingerprint of a request nested as deep as a line may be (--max-depth up to 2000), not falling back to the one it claims (from mutation testing)', () => {
    const reviewed = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    let deep: unknown = 1;
    for (let i = 0; i < 1500; i++) deep = [deep];
    const other = { ...reviewed, deep };
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: digestOf(reviewed), policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T11:00:00.000Z', expires_at: APPROVED_UNTIL };
    // (The line claims the reviewed request's fingerprint; the helper would compute the deep one's.)
    const e = run(P, { ...input('secret.inject', 'coder', 'executor', reviewed), request: other }, ledgerWith([review], {}));
    expect(d(e)).toBe('review secrets.npm-publish medium');
    expect(e.review).toMatchObject({ status: 'missing' });
  });
  it('does not resume a request on a review approved only after its ts (from mutation testing)', () => {
    const req = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: digestOf(req), policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T12:00:00.001Z', expires_at: APPROVED_UNTIL };
    const e = run(P, input('secret.inject', 'coder', 'executor', req), ledgerWith([review], {}));
    expect(d(e)).toBe('review secrets.npm-publish medium');
    expect(e.review?.status).toBe('not-yet-valid');
  });
  it('expects an exception\'s review to approve sha256 of JCS({"exception": id}), the digest a ledger writer computes (second mutation pass)', () => {
    // The tests above build reviews with exceptionFingerprint itself, so another formula there
    // passed them all while no review written to the schema's rule would ever match.
    expect(exceptionFingerprint('EX-1')).toBe('sha256:' + createHash('sha256').update('{"exception":"EX-1"}').digest('hex'));
  });
  it('takes url_path as leak-prone as query_param, and header as not: only an exception allows the first (second mutation pass)', () => {
    // With url_path out of LEAK_PRONE_MODES, a rule that lists it let the secret travel in the
    // path without an exception, and replay agreed with a recorded allow (SPEC.md section 5).
    const both = compiled(edited((f) => { f['secrets-boundary'].rules[2].modes = ['header', 'query_param', 'url_path']; }));
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: exceptionFingerprint('EX-1'), policy_hash: both.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' };
    const ex: ExceptionArtifact = {
      v: 'sel.exception/1', id: 'EX-1', justification: 'the status API only takes its key in the path',
      review_ref: `ledger/reviews/${review.request_fingerprint.slice(7)}.json`, granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z',
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'url_path', host: 'status.example.net' },
    };
    const ledger = ledgerWith([review], { 'ledger/exceptions/EX-1.json': ex });
    const inject = (mode: string, extra = {}) =>
      d(run(both, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode, url: 'https://status.example.net/api/incidents' }, extra), ledger));
    expect(inject('url_path')).toBe('block secrets.status-query high');
    expect(inject('query_param')).toBe('block secrets.status-query high');
    expect(inject('url_path', { exceptionRef: 'ledger/exceptions/EX-1.json' })).toBe('warn secrets.status-query low');
    expect(inject('header')).toBe('warn secrets.status-query low');
  });
  it('allows a leak-prone mode only under an exception in force whose review is approved', () => {
    const ops = (extra = {}, ledger?: LedgerView) =>
      d(run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, extra), ledger));
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: exceptionFingerprint('EX-1'), policy_hash: P.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' };
    const ex: ExceptionArtifact = {
      v: 'sel.exception/1', id: 'EX-1', justification: 'the status API only takes its key as a query parameter',
      review_ref: `ledger/reviews/${review.request_fingerprint.slice(7)}.json`, granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z',
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
    };
    const ledger = ledgerWith([review], { 'ledger/exceptions/EX-1.json': ex });
    expect(ops()).toBe('block secrets.status-query high');
    expect(ops({ exceptionRef: 'ledger/exceptions/EX-1.json' }, ledger)).toBe('warn secrets.status-query low');
    expect(ops({ exceptionRef: 'ledger/exceptions/EX-1.json', ts: '2026-11-15T00:00:00.000Z' }, ledger)).toBe('block secrets.status-query high');
    expect(ops({ exceptionRef: 'ledger/exceptions/EX-2.json' }, ledger)).toBe('block secrets.status-query high');
    const wrongScope = ledgerWith([review], { 'ledger/exceptions/EX-1.json': { ...ex, scope: { ...ex.scope, mode: 'url_path' } } });
    expect(ops({ exceptionRef: 'ledger/exceptions/EX-1.json' }, wrongScope)).toBe('block secrets.status-query high');
    const noReview = ledgerWith([], { 'ledger/exceptions/EX-1.json': ex });
    expect(ops({ exceptionRef: 'ledger/exceptions/EX-1.json' }, noReview)).toBe('block secrets.status-query high');
    // An approved review of some other request does not make an exception: it must be of this one.
    const other: ReviewArtifact = { ...review, request_fingerprint: digestOf({ tool: 'anything' }) };
    const borrowed = ledgerWith([other], { 'ledger/exceptions/EX-1.json': { ...ex, review_ref: `ledger/reviews/${other.request_fingerprint.slice(7)}.json` } });
    const e = run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }), borrowed);
    expect(d(e)).toBe('block secrets.status-query high');
    expect(e.exception).toEqual({ status: 'review-of-another', ref: 'ledger/exceptions/EX-1.json' });
    // Its review approved but over at ts: expired, as the exception itself would be (replay:
    // EXCEPTION_EXPIRED, diverged); a review approved only after ts is not approved then.
    const at = (r: ReviewArtifact) => run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }), ledgerWith([r], { 'ledger/exceptions/EX-1.json': ex }));
    const over = at({ ...review, expires_at: '2026-11-01T12:00:00.000Z' });
    expect(d(over)).toBe('block secrets.status-query high');
    expect(over.exception).toEqual({ status: 'review-expired', ref: 'ledger/exceptions/EX-1.json' });
    expect(at({ ...review, expires_at: '2026-11-01T12:00:00.001Z' }).exception?.status).toBe('covers');
    expect(at({ ...review, reviewed_at: '2026-11-01T12:00:00.001Z' }).exception?.status).toBe('review-not-approved');
  });
  it('takes no exception granted only after ts, one whose scope leaves out a member of the request, or one whose review was rejected (from mutation testing)', () => {
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: exceptionFingerprint('EX-1'), policy_hash: P.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' };
    const ex: ExceptionArtifact = {
      v: 'sel.exception/1', id: 'EX-1', justification: 'the status API only takes its key as a query parameter',
      review_ref: `ledger/reviews/${review.request_fingerprint.slice(7)}.json`, granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z',
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
    };
    const under = (r: ReviewArtifact, x: ExceptionArtifact) =>
      run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }), ledgerWith([r], { 'ledger/exceptions/EX-1.json': x }));
    expect(under(review, ex).exception?.status).toBe('covers');
    for (const [e, status] of [
      [under(review, { ...ex, granted_at: '2026-11-01T12:00:00.001Z' }), 'not-yet-valid'],
      // Its scope names no host: it must name every member of the request the kind has.
      [under(review, { ...ex, scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param' } }), 'scope-mismatch'],
      [under({ ...review, decision: 'rejected' }, ex), 'review-not-approved'],
      // For another secret, and granted only after ts: what it is for decides, not when (it was
      // 'not-yet-valid', EXCEPTION_EXPIRED, where in its window it is EXCEPTION_MISSING).
      [under(review, { ...ex, granted_at: '2026-11-01T12:00:00.001Z', scope: { ...ex.scope, secret: 'OTHER_KEY' } }), 'scope-mismatch'],
      [under(review, { ...ex, expires_at: '2026-10-02T00:00:00.000Z', scope: { ...ex.scope, secret: 'OTHER_KEY' } }), 'scope-mismatch'],
    ] as const) {
      expect(d(e), status).toBe('block secrets.status-query high');
      expect(e.exception?.status).toBe(status);
    }
    // Of the request's members it leaves out (secret, mode, host), the trace names the first in
    // sorted order, whatever order the evaluator builds the request's scope in (from mutation testing).
    const bare = under(review, { ...ex, scope: { kind: 'secret.inject', principal: 'ops-bot' } });
    expect(bare.trace.find((t) => t.note.startsWith('exception EX-1'))?.note).toBe("exception EX-1 does not name the request's host");
  });
  it('folds a deny rule\'s own upper-case path prefix: it matches the path in any case (from mutation testing)', () => {
    const q = compiled(edited((f) => f['secrets-boundary'].rules.push({ id: 'secrets.acme-deny', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['api.github.com'], paths: ['/repos/ACME'], effect: 'deny', severity: 'high' })));
    for (const url of ['https://api.github.com/repos/ACME/x', 'https://api.github.com/repos/acme/x']) {
      expect(d(run(q, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url }))), url).toBe('block secrets.acme-deny high');
    }
  });
  it('gates a recorded leak match by its pattern severity; unknown patterns and versions fail closed', () => {
    const leak = (req: Record<string, unknown>) => d(run(P, input('secret.leak_match', 'coder', 'executor', req)));
    expect(leak({ pattern: 'leak.generic-high-entropy', pattern_set: '2026-11-01' })).toBe('warn leak.generic-high-entropy low');
    expect(leak({ pattern: 'leak.aws-access-key', pattern_set: '2026-11-01' })).toBe('block leak.aws-access-key critical');
    expect(leak({ pattern: 'leak.unknown', pattern_set: '2026-11-01' })).toBe('block null high');
    expect(leak({ pattern: 'leak.aws-access-key', pattern_set: '2026-10-01' })).toBe('block null high');
    // The pattern set's version and the pattern's name as written, nothing near them (checked by review).
    for (const pattern_set of ['2026-11-01 ', '2026-11-1', '2026-11-01T00:00:00Z', '', 20261101, null]) {
      expect(leak({ pattern: 'leak.generic-high-entropy', pattern_set }), String(pattern_set)).toBe('block null high');
    }
    expect(leak({ pattern: 'leak.generic-high-entropy' })).toBe('block null high');
    for (const pattern of ['LEAK.generic-high-entropy', 'leak.generic-high-entropy ', 'leak.generic_high_entropy', 'leak.generic-high-\u0435ntropy', '']) {
      expect(leak({ pattern, pattern_set: '2026-11-01' }), pattern).toBe('block null high');
    }
  });
});

describe('trust zones and MCP', () => {
  it('allows an elevation only under an exception, never on a review, and never lets userland gain authority implicitly', () => {
    const elevate = { from: 'executor', to: 'supervisor' };
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', elevate)))).toBe('block trust.ops-restart high');
    // SPEC.md §5: exceptions are the only way to allow an elevation. An approved review of the
    // request itself does not.
    const reviewed: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: digestOf(elevate), policy_hash: P.hash, decision: 'approved', reviewer: 'a', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' };
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', elevate), ledgerWith([reviewed], {})))).toBe('block trust.ops-restart high');
    const exReview: ReviewArtifact = { ...reviewed, request_fingerprint: exceptionFingerprint('EX-up') };
    const ex: ExceptionArtifact = {
      v: 'sel.exception/1', id: 'EX-up', justification: 'restart', review_ref: `ledger/reviews/${exReview.request_fingerprint.slice(7)}.json`,
      granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z', scope: { kind: 'zone.elevate', principal: 'ops-bot', from: 'executor', to: 'supervisor' },
    };
    const withEx = ledgerWith([exReview], { 'ledger/exceptions/EX-up.json': ex });
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', elevate, { exceptionRef: 'ledger/exceptions/EX-up.json' }), withEx))).toBe('warn trust.ops-restart low');
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'kernel' }, { exceptionRef: 'ledger/exceptions/EX-up.json' }), withEx))).toBe('block null high');
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'userland', { from: 'executor', to: 'supervisor' })))).toBe('block null high');
    expect(d(run(P, input('zone.elevate', 'coder', 'executor', { from: 'executor', to: 'supervisor' })))).toBe('block null high');
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'kernel' })))).toBe('block null high');
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'supervisor', { from: 'supervisor', to: 'executor' })))).toBe('block null high');
  });
  it('takes the elevation rule with the smallest id, whatever the order in the file (from mutation testing)', () => {
    const p = compiled(edited((f) => f['trust-zones'].elevations.unshift({ ...f['trust-zones'].elevations[0], id: 'trust.zz-ops', severity: 'medium' })));
    expect(d(run(p, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' })))).toBe('block trust.ops-restart high');
  });
  it('allows an MCP call only to a declared server the grant names, for a tool it offers', () => {
    expect(d(run(P, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'read' })))).toBe('warn mcp.browser low');
    expect(d(run(P, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'exec' })))).toBe('block null high');
    expect(d(run(P, input('mcp.call', 'coder', 'executor', { server: 'browser', tool: 'read' })))).toBe('block null high');
    expect(d(run(P, input('mcp.call', 'browser', 'executor', { server: 'filesystem', tool: 'read' })))).toBe('block null high');
  });
  it('names an MCP server and tool only as declared and granted (checked by review)', () => {
    const call = (p: typeof P, server: string, tool = 'read', actor = 'browser') => d(run(p, input('mcp.call', actor, 'executor', { server, tool })));
    for (const server of ['Browser', 'BROWSER', 'browser ', 'browser/', 'mcp.browser', 'https://mcp.example.com/browser', 'https://mcp.example.com/browser/',
      'https://mcp.example.com:443/browser', 'http://mcp.example.com/browser', 'mcp.example.com', 'br\u043ewser', '\uFF42rowser']) {
      expect(call(P, server), server).toBe('block null high');
    }
    for (const tool of ['Read', 'READ', 'read ', '\uFF52ead', 'r\u0435ad', '*']) expect(call(P, 'browser', tool), tool).toBe('block null high');
    // Granted but not declared, declared but not granted: both blocked.
    const undeclared = compiled(edited((f) => { f.capabilities.grants[1].mcp = ['browser', 'files']; }));
    expect(call(undeclared, 'files')).toBe('block null high');
    const ungranted = compiled(edited((f) => { f['trust-zones'].mcp_servers.push({ id: 'mcp.files', server: 'files', url: 'https://mcp.example.com/files', tools: ['read'], severity: 'info' }); }));
    expect(call(ungranted, 'files')).toBe('block null high');
    expect(call(ungranted, 'browser')).toBe('warn mcp.browser low');
    // The server's severity counts when higher than the grant's.
    const high = compiled(edited((f) => { f['trust-zones'].mcp_servers[0].severity = 'critical'; }));
    expect(call(high, 'browser')).toBe('block mcp.browser critical');
  });
});

describe('reserved tool names', () => {
  const reg = (name: string) => d(run(P, input('tool.register', 'coder', 'executor', { name })));
  it('blocks registrations whose skeleton collides with a reserved one (src/policy/names.ts)', () => {
    for (const n of ['shell.exec', 'Shell.Exec', 'shell\u2024exec', 'ｓｈｅｌｌ．ｅｘｅｃ', 'FS.READ', 'FS.WRITE', 'fs.\u200Bwrite', 'deploy_restart', 'Deploy-Restart', 'deploy\u2010restart', 'deploy.restart',
      'shell.exec ', '\u00a0shell.exec', 'sel.audit\u0000', 'shell\t.exec', 'shell.\nexec', 'FS.WR\u0130TE', 'http.fetch\u0301', 'shell\u2E3Cexec', 'shell\u2022exec',
      'shell\u16EBexec', 'shell\uA78Fexec', 'shell\u0660exec', 'shell\u2500exec', 'shell\u2796exec', 'shell\u23AFexec', 'shell\u02CDexec', 'shell\u2581exec', 'deploy\u30FCrestart', 'sh\u0435ll.exec']) {
      expect(reg(n), JSON.stringify(n)).toBe('block tool-registry.reserved high');
    }
  });
  it('says in the trace which reserved name it collided with, and the skeletons', () => {
    const e = run(P, input('tool.register', 'coder', 'executor', { name: 'sh\u0435ll.exec' }));
    // Cyrillic е has the prototype e (UTS #39): the skeletons are equal.
    expect(e.trace.at(-1)?.note).toBe('"sh\u0435ll.exec" collides with the reserved name "shell.exec": skeleton "shell.exec", the same');
    const same = run(P, input('tool.register', 'coder', 'executor', { name: 'Deploy_Restart' }));
    expect(same.trace.at(-1)?.note).toBe('"Deploy_Restart" collides with the reserved name "deploy-restart": skeleton "deploy.restart", the same');
  });
  it('refuses a registration whose name is too long to compare, as written or under NFKC (a 1 MiB name made 5 M characters there)', () => {
    const d = (name: string) => { const x = run(P, input('tool.register', 'coder', 'executor', { name })).decision; return `${x.action} ${x.rule} ${x.severity}`; };
    expect(d('x'.repeat(128))).toBe('warn tool-registry.open low');
    expect(d('x'.repeat(129))).toBe('block null high');
    expect(d('\uFDFA'.repeat(340_000))).toBe('block null high');
    // Short as written, long under NFKC (U+FDFA is 18 characters there).
    expect(d('\uFDFA'.repeat(14))).toBe('warn tool-registry.open low');
    expect(d('\uFDFA'.repeat(15))).toBe('block null high');
  });
  it('holds names a history adds by their skeleton, made again from the name as written (withReserved)', () => {
    // A key carried from elsewhere (a worker message) is not trusted to be the skeleton.
    const held = withReserved(P, [['new_tool', 'new-tool']]);
    expect(held.reserved.get('new.tool')).toBe('new-tool');
    expect(d(run(held, input('tool.register', 'coder', 'executor', { name: 'NEW.T0OL' })))).toBe('block tool-registry.reserved high');
    expect(d(run(held, input('tool.register', 'coder', 'executor', { name: 'n\u0435w_tool' })))).toBe('block tool-registry.reserved high');
  });
  it('keeps, of reserved names with one skeleton, the first in sorted order, whatever the order in the file (from mutation testing)', () => {
    const p = compiled(edited((f) => f['tool-registry'].reserved.unshift('shell_exec')));
    expect(p.reserved.get('shell.exec')).toBe('shell.exec');
    const e = run(p, input('tool.register', 'coder', 'executor', { name: 'Shell-Exec' }));
    expect(e.trace.at(-1)?.note).toBe('"Shell-Exec" collides with the reserved name "shell.exec": skeleton "shell.exec", the same');
  });
  it('keeps a bundle\'s own reserved name over one a history adds with the same skeleton (from mutation testing)', () => {
    const held = withReserved(P, [['shell.exec', 'shell_exec'], ['x', 'new-tool']]);
    expect(held.reserved.get('shell.exec')).toBe('shell.exec');
    expect(held.reserved.get('new.tool')).toBe('new-tool');
  });
  it('compares each reserved name of one skeleton that reads otherwise: GitPush and git push, in the bundle or from its history', () => {
    // Both are gltpush; only git push reads as git.push (its space a separator). Kept under the
    // skeleton alone, the first in sorted order (GitPush) was compared, and git_push passed.
    const own = compiled(edited((f) => f['tool-registry'].reserved.push('GitPush', 'git push')));
    const held = withReserved(compiled(edited((f) => f['tool-registry'].reserved.push('GitPush'))), [['gltpush', 'git push']]);
    for (const p of [own, held]) {
      expect(p.reserved.get('gltpush')).toBe('GitPush');
      for (const n of ['git_push', 'Git-Push', 'gitpush']) expect(d(run(p, input('tool.register', 'coder', 'executor', { name: n }))), n).toBe('block tool-registry.reserved high');
    }
    // A name that reads as the one kept adds nothing.
    expect(withReserved(own, [['gltpush', 'Gitpush']]).reserved.size).toBe(own.reserved.size);
  });
  it('blocks an ASCII name that reads as a reserved one written with an em dash or a multiplication sign (from mutation testing)', () => {
    // The table makes — a letter (ー) and × an x; without it they are separators, as - and . are.
    const p = compiled(edited((f) => f['tool-registry'].reserved.push('kube\u2014apply', 'db\u00D7drop')));
    for (const n of ['kube-apply', 'kube_apply', 'Kube.Apply', 'db.drop', 'db-drop']) expect(d(run(p, input('tool.register', 'coder', 'executor', { name: n }))), n).toBe('block tool-registry.reserved high');
    expect(d(run(p, input('tool.register', 'coder', 'executor', { name: 'kube-apply2' })))).toBe('warn tool-registry.open low');
  });
  it('takes a look-alike whose UTS #39 prototype is not ASCII (Ø U+00D8) to stand for any letter (from mutation testing)', () => {
    expect(reg('sh\u00D8ll.exec')).toBe('block tool-registry.reserved high');
  });
  it('allows names that shadow nothing', () => {
    for (const n of ['shell.exec2', 'shellexec.v2', 'fs.writer', 'ツール登録', 'deploy-restarts', 'repo-summary']) {
      expect(reg(n), n).toBe('warn tool-registry.open low');
    }
  });
  it('needs a grant for the actor, as every request does', () => {
    expect(d(run(P, input('tool.register', 'mallory', 'userland', { name: 'shell.exec2' })))).toBe('block null high');
  });
});

describe('extension installs', () => {
  const install = (artifacts: unknown, version = '1.2.0') => d(run(P, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version, artifacts })));
  const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
  const caps = { path: 'capabilities.json', sha256: '8D969EEF6ECAD3C29A3A629280E686CF0C3F5D5A86AFF3CA12020C923ADC6C92' };
  it('allows an install whose every artifact matches its pin (hex case-insensitive)', () => {
    expect(install([wasm, caps])).toBe('allow ext.pdf-tools-1.2.0 info');
  });
  it('blocks a changed hash, an unpinned artifact, an unpinned version', () => {
    expect(install([{ ...wasm, sha256: '0'.repeat(64) }, caps])).toBe('block ext.pdf-tools-1.2.0 high');
    expect(install([wasm, caps, { path: 'postinstall.sh', sha256: '1'.repeat(64) }])).toBe('block ext.pdf-tools-1.2.0 high');
    expect(install([wasm, caps], '1.2.1')).toBe('block null high');
  });
  it('blocks an install whose version is missing, empty or not a string, though a pin has the version "null" (second mutation pass)', () => {
    // The pin key is extension@version: a missing version read as null must not find the pin
    // of version "null" (the schema allows that version text).
    const p = compiled(edited((f) => { f.extensions.pins[0].version = 'null'; }));
    const at = (request: Record<string, unknown>) => d(run(p, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', artifacts: [wasm, caps], ...request })));
    expect(at({ version: 'null' })).toBe('allow ext.pdf-tools-1.2.0 info');
    for (const version of [undefined, '', null, 1]) expect(at(version === undefined ? {} : { version }), String(version)).toBe('block null high');
    const q = compiled(edited((f) => { f.extensions.pins[0].extension = 'null'; }));
    expect(d(run(q, input('extension.install', 'coder', 'executor', { version: '1.2.0', artifacts: [wasm, caps] })))).toBe('block null high');
  });
  it('blocks an install that leaves out a pinned artifact, and one by an actor without a grant', () => {
    expect(install([wasm])).toBe('block ext.pdf-tools-1.2.0 high');
    expect(install([caps])).toBe('block ext.pdf-tools-1.2.0 high');
    expect(d(run(P, input('extension.install', 'mallory', 'userland', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps] })))).toBe('block null high');
  });
  it('blocks an install that lists an artifact twice (from mutation testing)', () => {
    expect(install([wasm, wasm, caps])).toBe('block ext.pdf-tools-1.2.0 high');
  });
});

describe('fail closed', () => {
  it('blocks kinds the contracts do not cover, prototype keys included', () => {
    for (const k of ['tool.delete', 'constructor', '__proto__', 'toString']) {
      expect(d(run(P, input(k, 'coder', 'executor', { tool: 'git' }))), k).toBe('block null high');
    }
  });
  it('blocks requests missing what their kind needs', () => {
    expect(d(run(P, input('http.egress', 'coder', 'executor', { method: 'GET' })))).toBe('block null high');
    expect(d(run(P, input('tool.invoke', 'coder', 'executor', {})))).toBe('block null high');
  });
});

describe('determinism properties', () => {
  const KINDS_AND_REQUESTS = fc.constantFrom(
    input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme/app/hooks/2')),
    input('http.egress', 'browser', 'executor', egress('https://guides.docs.example.com/a')),
    input('secret.inject', 'coder', 'executor', { secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/x' }),
    input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: 10 } }),
    input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' }),
    input('tool.register', 'coder', 'executor', { name: 'Shell.Exec' }),
    input('fs.write', 'coder', 'executor', { path: '/workspace/notes/a.md' }),
  );

  /** The same JSON value with every object's keys in a shuffled order. */
  function shuffleKeys(v: unknown, rnd: () => number): unknown {
    if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rnd));
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v).sort(() => rnd() - 0.5);
    return Object.fromEntries(keys.map((k) => [k, shuffleKeys((v as Record<string, unknown>)[k], rnd)]));
  }

  it('does not depend on the key order of the policy or the request', () => {
    fc.assert(
      fc.property(KINDS_AND_REQUESTS, fc.integer(), (i, seed) => {
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const files = shuffleKeys(sampleFiles(), rnd) as Record<string, unknown>;
        const q = compiled(files);
        expect(q.hash).toBe(P.hash);
        const a = run(P, i);
        const b = run(q, { ...i, request: shuffleKeys(i.request, rnd) as Record<string, unknown> });
        expect(evaluationKey(b)).toBe(evaluationKey(a));
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the key order of the ledger\'s artifacts, nor of the kinds the list above leaves out', () => {
    // The list above has no install (a pin's artifacts are a map), MCP call, leak match, nor a
    // request decided under an exception: an exception's scope was compared in its file's key
    // order, and the trace named whichever mismatching member came first (found by review).
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: exceptionFingerprint('EX-1'), policy_hash: P.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' };
    const ex = (scope: ExceptionArtifact['scope']): ExceptionArtifact => ({
      v: 'sel.exception/1', id: 'EX-1', justification: 'the status API only takes its key as a query parameter',
      review_ref: `ledger/reviews/${review.request_fingerprint.slice(7)}.json`, granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z', scope,
    });
    const scopes = fc.constantFrom<ExceptionArtifact['scope']>(
      { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
      { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'url_path', host: 'other.example.net' },
      { kind: 'zone.elevate', principal: 'coder', from: 'userland', to: 'kernel' },
    );
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    const inputs = fc.constantFrom(
      input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }),
      input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }),
      input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps] }),
      input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [caps] }),
      input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'open' }),
      input('secret.leak_match', 'coder', 'executor', { pattern: 'leak.github-token', pattern_set: '2026-11-01' }),
    );
    fc.assert(
      fc.property(inputs, scopes, fc.integer(), (i, scope, seed) => {
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const q = compiled(shuffleKeys(sampleFiles(), rnd) as Record<string, unknown>);
        const a = run(P, i, ledgerWith([review], { 'ledger/exceptions/EX-1.json': ex(scope) }));
        const b = run(q, { ...i, request: shuffleKeys(i.request, rnd) as Record<string, unknown> },
          ledgerWith([shuffleKeys(review, rnd) as ReviewArtifact], { 'ledger/exceptions/EX-1.json': shuffleKeys(ex(scope), rnd) as ExceptionArtifact }));
        expect(evaluationKey(b)).toBe(evaluationKey(a));
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same decision and trace for the same inputs', () => {
    fc.assert(
      fc.property(KINDS_AND_REQUESTS, (i) => {
        expect(evaluationKey(run(compiled(), i))).toBe(evaluationKey(run(P, i)));
      }),
      { numRuns: 20 },
    );
  });

  it('decides the same without a trace (replay evaluates so, and again with one on divergence)', () => {
    const OVER_DEPTH = 'https://api.github.com/repos/a/b/c/d/e/f/g/h';
    const urls = fc.constantFrom(
      'https://api.github.com/repos/acme/app', 'https://api.github.com:8443/repos/a', 'http://api.github.com/repos/a',
      'https://registry.npmjs.org/p/q', 'https://guides.docs.example.com/a/b/c/d/e/f', 'https://evil.example/x', 'https://10.0.0.1/',
      'http://status.example.net/api/incidents', 'ftp://api.github.com/x',
      // Deeper than egress.github-api's max_depth (8): the untraced path must hold it too (from mutation testing).
      OVER_DEPTH,
    );
    const egressInputs = fc.tuple(urls, fc.constantFrom('coder', 'browser', 'ops-bot'), fc.constantFrom('GET', 'POST', 'DELETE'))
      .map(([url, who, method]) => input('http.egress', who, 'executor', egress(url, { method })));
    fc.assert(
      fc.property(fc.oneof(KINDS_AND_REQUESTS, egressInputs), (i) => {
        const traced = run(P, i);
        const bare = evaluate(P, i, EMPTY_LEDGER, false);
        expect(bare.decision).toEqual(traced.decision);
        expect(bare.review).toEqual(traced.review);
        expect(bare.exception).toEqual(traced.exception);
        expect(bare.trace).toEqual([]);
        expect(traced.trace.length).toBeGreaterThan(0);
      }),
      // At random, the one over-depth input a rule would otherwise allow (coder, GET) is drawn in too few runs to count on.
      { numRuns: 200, examples: [[input('http.egress', 'coder', 'executor', egress(OVER_DEPTH))]] },
    );
  });

  it('never turns a block into an allow when a block rule is added, and blocks with a deny added at the specificity of the rule that allowed', () => {
    const urls = fc.constantFrom(
      'https://api.github.com/repos/a', 'https://api.github.com/repos/acme/app/hooks', 'https://api.github.com/user/x',
      'https://registry.npmjs.org/p', 'https://guides.docs.example.com/a', 'https://api.docs.example.com/v1/x', 'http://status.example.net/api/incidents',
    );
    const newRule = fc.record({
      host: fc.constantFrom('api.github.com', 'registry.npmjs.org', '*.docs.example.com', 'api.docs.example.com', 'status.example.net'),
      paths: fc.constantFrom(['/'], ['/repos'], ['/repos/acme'], ['/v1'], ['/api']),
      methods: fc.constantFrom(['GET'], ['GET', 'POST'], ['DELETE']),
      severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical'),
      schemes: fc.constantFrom(['https'], ['https', 'http']),
    });
    fc.assert(
      fc.property(urls, fc.constantFrom('coder', 'browser', 'ops-bot'), fc.constantFrom('GET', 'POST'), newRule, (url, who, method, r) => {
        const i = input('http.egress', who, 'executor', egress(url, { method }));
        const { action: before, rule: allowedBy } = run(P, i).decision;
        const q = compiled(edited((f) => f['network-egress'].rules.push({ id: 'egress.zz-added-block', effect: 'deny', ...r })));
        const after = run(q, i).decision.action;
        if (before === 'block') expect(after).toBe('block');
        if (after === 'allow') expect(before).toBe('allow');
        // A deny with the host and paths of the rule that let the request through ties it on
        // specificity: the deny is stricter whatever its id and severity (from mutation testing).
        if (before !== 'block' && allowedBy !== null) {
          const tie = compiled(edited((f) => {
            const rule = (f['network-egress'].rules as { id: string }[]).find((x) => x.id === allowedBy)!;
            f['network-egress'].rules.push({ ...rule, id: 'egress.zz-added-block', effect: 'deny', severity: r.severity });
          }));
          expect(run(tie, i).decision).toMatchObject({ action: 'block', rule: 'egress.zz-added-block' });
        }
      }),
      // A deny of severity info, which gates to allow: strictness must rank it as a block.
      { numRuns: 300, examples: [['https://api.github.com/repos/a', 'coder', 'GET', { host: 'api.github.com', paths: ['/'], methods: ['DELETE'], severity: 'info', schemes: ['https'] }]] },
    );
  });
});

describe('gaps found by mutation testing of the evaluator (third pass)', () => {
  const exReview = (id: string): ReviewArtifact => ({ v: 'sel.review/1', request_fingerprint: exceptionFingerprint(id), policy_hash: P.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z' });
  const exception = (id: string, scope: ExceptionArtifact['scope'], extra: Partial<ExceptionArtifact> = {}): ExceptionArtifact => ({
    v: 'sel.exception/1', id, justification: 'a reviewed, expiring exception', review_ref: `ledger/reviews/${exceptionFingerprint(id).slice(7)}.json`,
    granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z', scope, ...extra,
  });
  const npm = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
  const npmReview = (extra: Partial<ReviewArtifact> = {}): ReviewArtifact => ({ v: 'sel.review/1', request_fingerprint: digestOf(npm), policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T11:00:00.000Z', expires_at: APPROVED_UNTIL, ...extra });

  it('resumes a review from its reviewed_at on, that instant included, and takes an exception from its granted_at on, that instant included', () => {
    const e = run(P, input('secret.inject', 'coder', 'executor', npm), ledgerWith([npmReview({ reviewed_at: '2026-11-01T12:00:00.000Z' })], {}));
    expect(d(e)).toBe('allow secrets.npm-publish medium');
    expect(e.review?.status).toBe('approved');
    const ex = exception('EX-1', { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' }, { granted_at: '2026-11-01T12:00:00.000Z' });
    const q = run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }),
      ledgerWith([exReview('EX-1')], { 'ledger/exceptions/EX-1.json': ex }));
    expect(d(q)).toBe('warn secrets.status-query low');
    expect(q.exception?.status).toBe('covers');
  });

  it('reads a review only for a request gated to review: an approved review of a warn request leaves it warn', () => {
    const files = edited((f) => { f['secrets-boundary'].rules.find((r: { id: string }) => r.id === 'secrets.npm-publish').severity = 'low'; });
    const e = run(compiled(files), input('secret.inject', 'coder', 'executor', npm), ledgerWith([{ ...npmReview(), policy_hash: compiled(files).hash }], {}));
    expect(d(e)).toBe('warn secrets.npm-publish low');
    expect(e.review).toBeNull();
    expect(e.inForce).toEqual([]);
  });

  it('does not resume a request on a review the ledger hands out for its fingerprint but which names another request', () => {
    const other = npmReview({ request_fingerprint: digestOf({ tool: 'other' }) });
    const ledger: LedgerView = { review: () => other, exception: () => null, reviewAt: () => other };
    const e = run(P, input('secret.inject', 'coder', 'executor', npm), ledger);
    expect(d(e)).toBe('review secrets.npm-publish medium');
    expect(e.review?.status).toBe('mismatch');
  });

  it('fails closed on a severity the gate map does not name (the schema makes the map total; a hand-built policy may not be)', () => {
    const partial = { ...P, gates: { info: 'allow', low: 'warn', high: 'block', critical: 'block' } } as unknown as typeof P;
    expect(d(run(partial, input('secret.inject', 'coder', 'executor', npm)))).toBe('block secrets.npm-publish medium');
  });

  it('relies on no artifact for a decision that is not allow or warn, though an exception covered the request', () => {
    const p = compiled(edited((f) => { f['trust-zones'].elevations[0].severity = 'high'; }));
    const ex = exception('EX-up', { kind: 'zone.elevate', principal: 'ops-bot', from: 'executor', to: 'supervisor' });
    const e = run(p, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-up.json' }),
      ledgerWith([{ ...exReview('EX-up'), policy_hash: p.hash }], { 'ledger/exceptions/EX-up.json': ex }));
    expect(d(e)).toBe('block trust.ops-restart high');
    expect(e.exception?.status).toBe('covers');
    expect(e.inForce).toEqual([]);
  });

  it('blocks a resource named like a member every object has (constructor, toString): it is no resource, and has no cap', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const resources = { [key]: 0 };
      expect(d(run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources }))), key).toBe('block cap.coder high');
      expect(d(evaluate(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources }), EMPTY_LEDGER, false)), key).toBe('block cap.coder high');
    }
  });

  it('checks the caps of egress, secret injections, MCP calls, extension installs and tool registrations too', () => {
    const over = { memory_mb: 1_000_000 };
    expect(d(run(P, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'read', resources: over })))).toBe('block cap.browser high');
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    expect(d(run(P, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps], resources: over })))).toBe('block cap.coder high');
    expect(d(run(P, input('tool.register', 'coder', 'executor', { name: 'repo-summary', resources: over })))).toBe('block cap.coder high');
    expect(d(run(P, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme', { resources: over }))))).toBe('block cap.coder high');
    expect(d(run(P, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme', resources: over })))).toBe('block cap.coder high');
    // (second mutation pass) workspace reads and writes too: without the check, a write over
    // the memory cap under an allowed prefix was allowed, and replay agreed.
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace/src/main.ts', resources: over })))).toBe('block cap.coder high');
    expect(d(run(P, input('fs.read', 'coder', 'executor', { path: '/workspace/README.md', resources: over })))).toBe('block cap.coder high');
    expect(d(run(P, input('fs.write', 'coder', 'executor', { path: '/workspace/src/main.ts', resources: { memory_mb: 1 } })))).toBe('allow cap.coder info');
  });

  it('gives an install the pin\'s severity when it is higher than the grant\'s', () => {
    const p = compiled(edited((f) => { f.extensions.pins[0].severity = 'medium'; }));
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    expect(d(run(p, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps] })))).toBe('review ext.pdf-tools-1.2.0 medium');
  });

  it('blocks an install listing an artifact named like a member every object has (constructor, __proto__), which no pin names', () => {
    for (const path of ['constructor', 'toString', '__proto__']) {
      const e = run(P, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [{ path, sha256: '0'.repeat(64) }] }));
      expect(d(e), path).toBe('block ext.pdf-tools-1.2.0 high');
    }
  });

  it('blocks the registration of an empty name', () => {
    expect(d(run(P, input('tool.register', 'coder', 'executor', { name: '' })))).toBe('block null high');
  });

  it('takes a workspace path only when absolute, and refuses a backslash inside a segment under a granted prefix', () => {
    for (const path of ['xworkspace/src/a', 'Xworkspace/src/a', '~workspace/src/a', '\\workspace/src/a', '/workspace/src/..\\..\\..\\etc', '/workspace/src/a\\b']) {
      expect(d(run(P, input('fs.write', 'coder', 'executor', { path }))), path).toBe('block null high');
    }
  });

  it('allows egress to an IPv4 literal named by an exact-host rule: the literal is its own DNS evidence', () => {
    const p = compiled(edited((f) => {
      f['network-egress'].rules.push({ id: 'egress.ip-literal', host: '140.82.112.6', methods: ['GET'], effect: 'allow', severity: 'info' });
      f.capabilities.grants[0].http.push('egress.ip-literal');
    }));
    const on = (url: string, extra: Record<string, unknown> = {}) => d(run(p, input('http.egress', 'coder', 'executor', egress(url, { pinned_ips: undefined, ...extra }))));
    expect(on('https://140.82.112.6/x')).toBe('allow egress.ip-literal info');
    // The same address written in another IPv4 form is the same host.
    expect(on('https://2354212870/x')).toBe('allow egress.ip-literal info');
    // The mapped IPv6 form is another host: no rule names an IPv6 literal.
    expect(on('https://[::ffff:140.82.112.6]/x')).toBe('block null high');
    expect(on('https://140.82.112.6/x', { pinned_ips: ['10.0.0.1'] })).toBe('block null high');
  });

  it('matches an egress rule\'s schemes without a trace as with one: plain http on port 443 is not https', () => {
    for (const trace of [true, false]) {
      expect(d(evaluate(P, input('http.egress', 'coder', 'executor', egress('http://api.github.com:443/repos/acme')), EMPTY_LEDGER, trace)), String(trace)).toBe('block null high');
      expect(d(evaluate(P, input('http.egress', 'coder', 'executor', egress('http://registry.npmjs.org:443/left-pad')), EMPTY_LEDGER, trace)), String(trace)).toBe('block null high');
    }
  });

  it('blocks under a secrets deny rule whatever its severity, one gated to allow included', () => {
    const p = compiled(edited((f) => f['secrets-boundary'].rules.push({ id: 'secrets.github-hooks', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['api.github.com'], paths: ['/repos/acme/app/hooks'], effect: 'deny', severity: 'info' })));
    const e = run(p, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme/app/hooks/1' }));
    expect(d(e)).toBe('block secrets.github-hooks info');
  });

  it('allows no elevation into the zone the actor is in, even where a rule and an exception name it', () => {
    const p = compiled(edited((f) => f['trust-zones'].elevations.push({ id: 'trust.ops-same', principal: 'ops-bot', from: 'supervisor', to: 'supervisor', severity: 'info' })));
    const ex = exception('EX-same', { kind: 'zone.elevate', principal: 'ops-bot', from: 'supervisor', to: 'supervisor' });
    const e = run(p, input('zone.elevate', 'ops-bot', 'supervisor', { from: 'supervisor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-same.json' }),
      ledgerWith([exReview('EX-same')], { 'ledger/exceptions/EX-same.json': ex }));
    expect(d(e)).toBe('block null high');
  });

  it('takes an elevation rule for "*" when none names the actor, and only a rule for the zone the actor elevates from', () => {
    const p = compiled(edited((f) => f['trust-zones'].elevations.push(
      { id: 'trust.any-up', principal: '*', from: 'userland', to: 'executor', severity: 'info' },
      { id: 'trust.a-ops-kernel', principal: 'ops-bot', from: 'executor', to: 'kernel', severity: 'low' },
      { id: 'trust.b-ops-kernel', principal: 'ops-bot', from: 'supervisor', to: 'kernel', severity: 'medium' },
    )));
    expect(d(run(p, input('zone.elevate', 'mallory', 'userland', { from: 'userland', to: 'executor' })))).toBe('block trust.any-up high');
    const ex = exception('EX-k', { kind: 'zone.elevate', principal: 'ops-bot', from: 'supervisor', to: 'kernel' });
    const e = run(p, input('zone.elevate', 'ops-bot', 'supervisor', { from: 'supervisor', to: 'kernel' }, { exceptionRef: 'ledger/exceptions/EX-k.json' }),
      ledgerWith([exReview('EX-k')], { 'ledger/exceptions/EX-k.json': ex }));
    expect(d(e)).toBe('review trust.b-ops-kernel medium');
  });
  it('takes no exception scoped to another principal, for a request it otherwise names exactly', () => {
    const scope = { kind: 'zone.elevate', from: 'executor', to: 'supervisor' } as const;
    const ledger = ledgerWith([exReview('EX-up')], { 'ledger/exceptions/EX-up.json': exception('EX-up', { ...scope, principal: 'coder' }) });
    const e = run(P, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-up.json' }), ledger);
    expect(d(e)).toBe('block trust.ops-restart high');
    expect(e.exception?.status).toBe('scope-mismatch');
    const own = ledgerWith([exReview('EX-up')], { 'ledger/exceptions/EX-up.json': exception('EX-up', { ...scope, principal: 'ops-bot' }) });
    expect(d(run(P, input('zone.elevate', 'ops-bot', 'executor', { from: 'executor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-up.json' }), own))).toBe('warn trust.ops-restart low');
  });
  it('judges pinned_ips next to a well-formed dns_snapshot of public addresses: the snapshot does not hide a private pin', () => {
    const good = ['140.82.112.6'];
    const snap = { digest: digestOf(good), addresses: good };
    for (const trace of [true, false]) {
      for (const pinned_ips of [['127.0.0.1'], [], 'x']) {
        const e = evaluate(P, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/x', { pinned_ips, dns_snapshot: snap })), EMPTY_LEDGER, trace);
        expect(d(e), JSON.stringify(pinned_ips)).toBe('block null high');
      }
    }
  });
  it('gives a registration the registry\'s severity, and a block no rule decided the bundle\'s default_deny', () => {
    const p = compiled(edited((f) => { f['tool-registry'].severity = 'medium'; f['severity-gating'].default_deny = 'critical'; }));
    expect(d(run(p, input('tool.register', 'coder', 'executor', { name: 'repo-summary' })))).toBe('review tool-registry.open medium');
    expect(d(run(p, input('tool.register', 'coder', 'executor', { name: 'shell.exec' })))).toBe('block tool-registry.reserved critical');
    expect(d(run(p, input('tool.invoke', 'coder', 'executor', { tool: 'rm' })))).toBe('block null critical');
  });
  it('names the windows an allow relied on: the exception, the review it names, and the review that resumed a request', () => {
    const ex = exception('EX-1', { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' }, { expires_at: '2026-11-15T00:00:00.000Z' });
    const e = run(P, input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json' }),
      ledgerWith([exReview('EX-1')], { 'ledger/exceptions/EX-1.json': ex }));
    expect(d(e)).toBe('warn secrets.status-query low');
    expect(e.inForce).toEqual([{
      kind: 'exception', ref: 'ledger/exceptions/EX-1.json', from: '2026-10-01T00:00:00.000Z', until: '2026-11-15T00:00:00.000Z',
      review: { ref: ex.review_ref, from: '2026-10-01T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' },
      without: { action: 'block', rule: 'secrets.status-query', severity: 'high' },
    }]);
    const r = run(P, input('secret.inject', 'coder', 'executor', npm), ledgerWith([npmReview()], {}));
    expect(d(r)).toBe('allow secrets.npm-publish medium');
    expect(r.inForce).toEqual([{
      kind: 'review', ref: `ledger/reviews/${digestOf(npm).slice(7)}.json`, from: '2026-11-01T11:00:00.000Z', until: APPROVED_UNTIL,
      without: { action: 'review', rule: 'secrets.npm-publish', severity: 'medium' },
    }]);
  });

  it('blocks an install whose artifact has a sha256 that is not a string, and one without its extension named, whatever the pins name', () => {
    for (const sha256 of [123, null, ['3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b']]) {
      const e = run(P, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [{ path: 'bin/pdf-tools.wasm', sha256 }] }));
      expect(d(e), JSON.stringify(sha256)).toBe('block ext.pdf-tools-1.2.0 high');
    }
    const p = compiled(edited((f) => { f.extensions.pins[0].extension = 'null'; }));
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    expect(d(run(p, input('extension.install', 'coder', 'executor', { extension: 'null', version: '1.2.0', artifacts: [wasm, caps] })))).toBe('allow ext.pdf-tools-1.2.0 info');
    expect(d(run(p, input('extension.install', 'coder', 'executor', { version: '1.2.0', artifacts: [wasm, caps] })))).toBe('block null high');
  });
});

describe('gaps found by mutation testing of the evaluator (fourth pass)', () => {
  const exReview = (id: string, extra: Partial<ReviewArtifact> = {}): ReviewArtifact => ({ v: 'sel.review/1', request_fingerprint: exceptionFingerprint(id), policy_hash: P.hash, decision: 'approved', reviewer: 'sec', reviewed_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z', ...extra });
  const statusEx: ExceptionArtifact = {
    v: 'sel.exception/1', id: 'EX-1', justification: 'a reviewed, expiring exception', review_ref: `ledger/reviews/${exceptionFingerprint('EX-1').slice(7)}.json`,
    granted_at: '2026-10-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z',
    scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
  };
  const statusInject = (ts: string) => input('secret.inject', 'ops-bot', 'executor', { secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, { exceptionRef: 'ledger/exceptions/EX-1.json', ts });

  it('takes an exception whose review was approved at the very instant of the request: reviewed_at <= ts (and not a millisecond before it)', () => {
    const at = '2026-11-01T12:00:00.000Z';
    const ledger = ledgerWith([exReview('EX-1', { reviewed_at: at })], { 'ledger/exceptions/EX-1.json': statusEx });
    const e = run(P, statusInject(at), ledger);
    expect(d(e)).toBe('warn secrets.status-query low');
    expect(e.exception).toEqual({ status: 'covers', ref: 'ledger/exceptions/EX-1.json' });
    const before = run(P, statusInject('2026-11-01T11:59:59.999Z'), ledger);
    expect(d(before)).toBe('block secrets.status-query high');
    expect(before.exception).toEqual({ status: 'review-not-approved', ref: 'ledger/exceptions/EX-1.json' });
  });

  it('lets a longer path prefix decide before strictness: an allow deeper than a deny on the same host wins, for egress and for secrets', () => {
    const p = compiled(edited((f) => {
      f['network-egress'].rules.push(
        { id: 'egress.a-acme-deny', host: 'api.github.com', paths: ['/repos/acme'], methods: ['GET'], effect: 'deny', severity: 'high' },
        { id: 'egress.b-acme-open', host: 'api.github.com', paths: ['/repos/acme/open'], methods: ['GET'], effect: 'allow', severity: 'info' },
      );
      f.capabilities.grants[0].http.push('egress.b-acme-open');
      f['secrets-boundary'].rules.push(
        { id: 'secrets.a-acme-deny', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['api.github.com'], paths: ['/repos/acme'], effect: 'deny', severity: 'high' },
        { id: 'secrets.b-acme-open', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['api.github.com'], paths: ['/repos/acme/open'], effect: 'allow', severity: 'info' },
      );
    }));
    const get = (url: string) => d(run(p, input('http.egress', 'coder', 'executor', egress(url))));
    expect(get('https://api.github.com/repos/acme/open/x')).toBe('allow egress.b-acme-open info');
    expect(get('https://api.github.com/repos/acme/closed')).toBe('block egress.a-acme-deny high');
    const inject = (url: string) => d(run(p, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url })));
    expect(inject('https://api.github.com/repos/acme/open/x')).toBe('allow secrets.b-acme-open info');
    expect(inject('https://api.github.com/repos/acme/closed')).toBe('block secrets.a-acme-deny high');
  });

  it('ranks an allow rule whose severity the gate map does not name as strict as a block, when resolving a tie (a hand-built policy; the schema makes the map total)', () => {
    // Two allow rules of one specificity: egress.github-api (info, gated to allow) and a later
    // id of severity medium, which this gate map leaves out: the medium one is the stricter
    // and decides, and decide() blocks it. Ranked as nothing, the first would pass.
    const q = compiled(edited((f) => {
      f['network-egress'].rules.push({ id: 'egress.github-medium', host: 'api.github.com', paths: ['/repos', '/user'], max_depth: 8, methods: ['GET', 'POST'], effect: 'allow', severity: 'medium' });
      f.capabilities.grants[0].http.push('egress.github-medium');
    }));
    expect(d(run(q, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme'))))).toBe('review egress.github-medium medium');
    const partial = { ...q, gates: { info: 'allow', low: 'warn', high: 'block', critical: 'block' } } as unknown as typeof q;
    for (const trace of [true, false]) {
      expect(d(evaluate(partial, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme')), EMPTY_LEDGER, trace)), String(trace)).toBe('block egress.github-medium medium');
    }
  });

  it('grants a workspace prefix of "/" the root itself and everything under it', () => {
    const root = compiled(edited((f) => { f.capabilities.grants[0].workspace.read = ['/']; }));
    for (const path of ['/', '/etc', '/workspace/src/a.ts']) {
      expect(d(run(root, input('fs.read', 'coder', 'executor', { path }))), path).toBe('allow cap.coder info');
    }
    // Not a path: still refused under "/".
    for (const path of ['//', '/a/', '/./a', 'a']) {
      expect(d(run(root, input('fs.read', 'coder', 'executor', { path }))), path).toBe('block null high');
    }
  });

  it('says a request.method that is not a string is missing, before judging its DNS evidence or any rule', () => {
    for (const method of [5, ['GET'], null, { GET: true }]) {
      const e = run(P, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme', { method })));
      expect(d(e), JSON.stringify(method)).toBe('block null high');
      expect(e.trace.at(-1), JSON.stringify(method)).toEqual({ contract: 'network-egress', rule: null, result: 'deny', note: 'request.method is missing' });
    }
  });

  it('gives a secret injection, a registration and an install the grant\'s severity when it is higher than the rule\'s, registry\'s or pin\'s', () => {
    const q = compiled(edited((f) => { f.capabilities.grants[0].severity = 'medium'; }));
    expect(d(run(q, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' })))).toBe('review secrets.github-bearer medium');
    expect(d(run(q, input('tool.register', 'coder', 'executor', { name: 'repo-summary' })))).toBe('review tool-registry.open medium');
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    expect(d(run(q, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps] })))).toBe('review ext.pdf-tools-1.2.0 medium');
  });

  it('takes, of two MCP servers declared under one name, the one with the smallest id, whatever their order in the file', () => {
    const narrow = { id: 'mcp.a-browser', server: 'browser', url: 'https://mcp.example.com/narrow', tools: ['open'], severity: 'low' };
    for (const where of ['first', 'last']) {
      const q = compiled(edited((f) => { if (where === 'first') f['trust-zones'].mcp_servers.unshift(narrow); else f['trust-zones'].mcp_servers.push(narrow); }));
      expect(d(run(q, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'open' }))), where).toBe('warn mcp.a-browser low');
      expect(d(run(q, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'read' }))), where).toBe('block null high');
    }
  });

  it('takes, of two pins of one extension and version, the one with the smallest id, whatever their order in the file', () => {
    const wasm = { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' };
    const caps = { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' };
    const other = { id: 'ext.a-pdf-tools', extension: 'pdf-tools', version: '1.2.0', artifacts: { 'bin/pdf-tools.wasm': '0'.repeat(64) }, severity: 'low' };
    for (const where of ['first', 'last']) {
      const q = compiled(edited((f) => { if (where === 'first') f.extensions.pins.unshift(other); else f.extensions.pins.push(other); }));
      expect(d(run(q, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [wasm, caps] }))), where).toBe('block ext.a-pdf-tools high');
      expect(d(run(q, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [{ path: 'bin/pdf-tools.wasm', sha256: '0'.repeat(64) }] }))), where).toBe('warn ext.a-pdf-tools low');
    }
  });

  it('gives the same trace whatever the order of the egress and secrets rules in their files (they are tried by id)', () => {
    const hooks = { id: 'secrets.github-hooks', aliases: ['GITHUB_TOKEN'], modes: ['bearer'], hosts: ['api.github.com'], paths: ['/repos/acme/app/hooks'], effect: 'deny', severity: 'high' };
    const inOrder = compiled(edited((f) => { f['secrets-boundary'].rules.push(hooks); }));
    const reversed = compiled(edited((f) => { f['secrets-boundary'].rules.push(hooks); f['network-egress'].rules.reverse(); f['secrets-boundary'].rules.reverse(); }));
    for (const i of [
      input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme/app/hooks/2')),
      input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme')),
      input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' }),
      input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme/app/hooks/1' }),
    ]) {
      const a = run(inOrder, i);
      const b = run(reversed, i);
      expect(b.decision).toEqual(a.decision);
      expect(b.trace).toEqual(a.trace);
    }
  });

  it('lets a secrets rule pass only the aliases it names: a granted alias on another alias\'s host and mode is blocked', () => {
    // coder holds GITHUB_TOKEN and NPM_TOKEN; secrets.npm-publish names NPM_TOKEN alone.
    expect(d(run(P, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' })))).toBe('block null high');
    expect(d(run(P, input('secret.inject', 'coder', 'executor', { secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' })))).toBe('block null high');
  });

  it('governs every alias a secrets rule names, not only its first', () => {
    const q = compiled(edited((f) => { f['secrets-boundary'].rules[0].aliases = ['GH_APP_TOKEN', 'GITHUB_TOKEN']; }));
    expect(d(run(q, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' })))).toBe('allow secrets.github-bearer info');
  });

  it('matches a leak against the bundle\'s own pattern set version, whatever it is', () => {
    const q = compiled(edited((f) => { f['secrets-boundary'].leak_patterns.version = '2027-01-01'; }));
    expect(d(run(q, input('secret.leak_match', 'coder', 'executor', { pattern: 'leak.github-token', pattern_set: '2027-01-01' })))).toBe('block leak.github-token high');
    expect(d(run(q, input('secret.leak_match', 'coder', 'executor', { pattern: 'leak.generic-high-entropy', pattern_set: '2027-01-01' })))).toBe('warn leak.generic-high-entropy low');
    expect(d(run(q, input('secret.leak_match', 'coder', 'executor', { pattern: 'leak.generic-high-entropy', pattern_set: '2026-11-01' })))).toBe('block null high');
  });

  it('names why a review did not resume a request and why an exception did not cover one: each status replay turns into its finding (REVIEW_EXPIRED, EXCEPTION_EXPIRED, ...)', () => {
    const npm = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' };
    const review: ReviewArtifact = { v: 'sel.review/1', request_fingerprint: digestOf(npm), policy_hash: P.hash, decision: 'approved', reviewer: 'alice', reviewed_at: '2026-11-01T11:00:00.000Z', expires_at: '2026-11-01T12:00:00.000Z' };
    const reviewed = (r: ReviewArtifact | null) => run(P, input('secret.inject', 'coder', 'executor', npm), ledgerWith(r === null ? [] : [r], {})).review?.status;
    expect(reviewed(null)).toBe('missing');
    expect(reviewed(review)).toBe('expired');
    expect(reviewed({ ...review, expires_at: '2026-11-01T12:00:00.001Z' })).toBe('approved');
    expect(reviewed({ ...review, reviewed_at: '2026-11-01T12:00:00.001Z', expires_at: '2026-12-01T00:00:00.000Z' })).toBe('not-yet-valid');
    expect(reviewed({ ...review, decision: 'rejected', expires_at: '2026-12-01T00:00:00.000Z' })).toBe('rejected');
    expect(reviewed({ ...review, policy_hash: digestOf('another policy'), expires_at: '2026-12-01T00:00:00.000Z' })).toBe('mismatch');

    const ref = 'ledger/exceptions/EX-1.json';
    const covered = (ex: ExceptionArtifact | null, exceptionRef: string | null = ref) =>
      run(P, { ...statusInject('2026-11-01T12:00:00.000Z'), exceptionRef }, ledgerWith([exReview('EX-1')], ex === null ? {} : { [ref]: ex })).exception;
    expect(covered(statusEx, null)).toEqual({ status: 'no-ref', ref: null });
    expect(covered(null)).toEqual({ status: 'not-found', ref });
    expect(covered({ ...statusEx, expires_at: '2026-11-01T12:00:00.000Z' })).toEqual({ status: 'expired', ref });
    expect(covered({ ...statusEx, granted_at: '2026-11-01T12:00:00.001Z' })).toEqual({ status: 'not-yet-valid', ref });
    expect(covered(statusEx)).toEqual({ status: 'covers', ref });
  });

  it('names an exception in force from its own granted_at, not from when the review it names was approved', () => {
    const ex = { ...statusEx, granted_at: '2026-10-15T00:00:00.000Z', expires_at: '2026-11-15T00:00:00.000Z' };
    const e = run(P, statusInject('2026-11-01T12:00:00.000Z'), ledgerWith([exReview('EX-1')], { 'ledger/exceptions/EX-1.json': ex }));
    expect(d(e)).toBe('warn secrets.status-query low');
    expect(e.inForce).toEqual([{
      kind: 'exception', ref: 'ledger/exceptions/EX-1.json', from: '2026-10-15T00:00:00.000Z', until: '2026-11-15T00:00:00.000Z',
      review: { ref: statusEx.review_ref, from: '2026-10-01T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' },
      without: { action: 'block', rule: 'secrets.status-query', severity: 'high' },
    }]);
  });

  it('judges request.resources in sorted key order: the trace names the same first fault whatever the order of the request\'s keys', () => {
    const a = run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { wall_ms: 999999999, memory_mb: 999999 } }));
    const b = run(P, input('tool.invoke', 'coder', 'executor', { tool: 'git', resources: { memory_mb: 999999, wall_ms: 999999999 } }));
    expect(d(a)).toBe('block cap.coder high');
    expect(evaluationKey(a)).toBe(evaluationKey(b));
    expect(a.trace.at(-1)?.note).toBe('request.resources.memory_mb = 999999 is over the cap of 2048');
  });

  it('names the first pinned artifact an install leaves out in sorted order, whatever the order of the pin\'s artifacts in its file', () => {
    const h = (c: string) => c.repeat(64);
    for (const artifacts of [{ 'z.bin': h('1'), 'a.bin': h('2'), 'm.bin': h('3') }, { 'm.bin': h('3'), 'a.bin': h('2'), 'z.bin': h('1') }]) {
      const q = compiled(edited((f) => { f.extensions.pins[0].artifacts = artifacts; }));
      const e = run(q, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [{ path: 'm.bin', sha256: h('3') }] }));
      expect(d(e)).toBe('block ext.pdf-tools-1.2.0 high');
      expect(e.trace.at(-1)?.note, Object.keys(artifacts).join()).toBe('pinned artifact "a.bin" is not in the install (and 1 more)');
    }
  });

  it('grants nothing a grant leaves out: no tools, egress rules, secrets, MCP servers or workspace without their lists', () => {
    const q = compiled(edited((f) => {
      for (const g of f.capabilities.grants) { delete g.tools; delete g.http; delete g.secrets; delete g.mcp; delete g.workspace; }
    }));
    expect(d(run(q, input('tool.invoke', 'coder', 'executor', { tool: 'git' })))).toBe('block null high');
    expect(d(run(q, input('http.egress', 'coder', 'executor', egress('https://api.github.com/repos/acme'))))).toBe('block null high');
    expect(d(run(q, input('secret.inject', 'coder', 'executor', { secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme' })))).toBe('block null high');
    expect(d(run(q, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'open' })))).toBe('block null high');
    expect(d(run(q, input('fs.read', 'coder', 'executor', { path: '/workspace/a' })))).toBe('block null high');
    // The same requests under the sample's lists, allowed.
    expect(d(run(P, input('mcp.call', 'browser', 'executor', { server: 'browser', tool: 'open' })))).toBe('warn mcp.browser low');
    expect(d(run(P, input('fs.read', 'coder', 'executor', { path: '/workspace/a' })))).toBe('allow cap.coder info');
  });

  it('takes for plain http only an exception that names the scheme http: one that leaves the scheme out, or names https, covers nothing', () => {
    const ref = 'ledger/exceptions/EX-http.json';
    const ex = (scope: ExceptionArtifact['scope']): ExceptionArtifact => ({ ...statusEx, id: 'EX-http', review_ref: `ledger/reviews/${exceptionFingerprint('EX-http').slice(7)}.json`, scope });
    const get = (scope: ExceptionArtifact['scope']) =>
      run(P, input('http.egress', 'ops-bot', 'executor', egress('http://status.example.net/api/incidents'), { exceptionRef: ref }), ledgerWith([exReview('EX-http')], { [ref]: ex(scope) }));
    const named = get({ kind: 'http.egress', principal: 'ops-bot', host: 'status.example.net', scheme: 'http' });
    expect(d(named)).toBe('warn egress.status-page low');
    for (const scope of [{ kind: 'http.egress', principal: 'ops-bot', host: 'status.example.net' }, { kind: 'http.egress', principal: 'ops-bot', host: 'status.example.net', scheme: 'https' }] as const) {
      const e = get(scope);
      expect(d(e), JSON.stringify(scope)).toBe('block egress.status-page high');
      expect(e.exception, JSON.stringify(scope)).toEqual({ status: 'scope-mismatch', ref });
    }
  });

  it('says which member of a request is missing or malformed, before any rule is tried (the trace sel explain prints)', () => {
    const last = (kind: string, request: Record<string, unknown>) => {
      const e = run(P, input(kind, 'coder', 'executor', request));
      expect(d(e), JSON.stringify(request)).toBe('block null high');
      return e.trace.at(-1);
    };
    expect(last('secret.inject', { mode: 'bearer', url: 'https://api.github.com/repos/acme' })).toEqual({ contract: 'secrets-boundary', rule: null, result: 'deny', note: 'request.secret (the alias) is missing' });
    expect(last('secret.inject', { secret: 'GITHUB_TOKEN', mode: 'cookie', url: 'https://api.github.com/repos/acme' })).toEqual({ contract: 'secrets-boundary', rule: null, result: 'deny', note: 'request.mode "cookie" is not a known injection mode' });
    expect(last('secret.leak_match', { pattern_set: '2026-11-01' })).toEqual({ contract: 'secrets-boundary', rule: null, result: 'deny', note: 'request.pattern is missing' });
    expect(last('zone.elevate', { from: 'root', to: 'kernel' })).toEqual({ contract: 'trust-zones', rule: null, result: 'deny', note: 'request.from and request.to must be trust zones' });
    expect(last('zone.elevate', { from: 'executor', to: 'root' })).toEqual({ contract: 'trust-zones', rule: null, result: 'deny', note: 'request.from and request.to must be trust zones' });
    const e = run(P, input('extension.install', 'coder', 'executor', { extension: 'pdf-tools', version: '1.2.0', artifacts: [{ path: 5, sha256: '0'.repeat(64) }] }));
    expect(d(e)).toBe('block ext.pdf-tools-1.2.0 high');
    expect(e.trace.at(-1)).toEqual({ contract: 'extensions', rule: 'ext.pdf-tools-1.2.0', result: 'deny', note: 'an artifact is not { path, sha256 }' });
  });

  it('keys the review of a request with no canonical form (a lone surrogate) on the fingerprint the event records: the line check reports the line', () => {
    const request = { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens', note: '\ud800' };
    const recorded = `sha256:${'ab'.repeat(32)}`;
    const e = run(P, { kind: 'secret.inject', actor: { id: 'coder', zone: 'executor' }, request, ts: '2026-11-01T12:00:00.000Z', fingerprint: recorded, exceptionRef: null });
    expect(d(e)).toBe('review secrets.npm-publish medium');
    expect(e.review).toEqual({ status: 'missing', path: `ledger/reviews/${'ab'.repeat(32)}.json` });
  });

  it('takes an elevation rule naming the actor before one for "*" on the same zones, whatever their ids', () => {
    const q = compiled(edited((f) => f['trust-zones'].elevations.push({ id: 'trust.a-any-restart', principal: '*', from: 'executor', to: 'supervisor', severity: 'medium' })));
    const ex: ExceptionArtifact = { ...statusEx, id: 'EX-up', review_ref: `ledger/reviews/${exceptionFingerprint('EX-up').slice(7)}.json`, scope: { kind: 'zone.elevate', principal: 'ops-bot', from: 'executor', to: 'supervisor' } };
    const ledger = ledgerWith([exReview('EX-up')], { 'ledger/exceptions/EX-up.json': ex });
    const up = (who: string) => d(run(q, input('zone.elevate', who, 'executor', { from: 'executor', to: 'supervisor' }, { exceptionRef: 'ledger/exceptions/EX-up.json' }), ledger));
    expect(up('ops-bot')).toBe('warn trust.ops-restart low');
    expect(up('coder')).toBe('block trust.a-any-restart high');
  });

  it('blocks an install whose artifacts are not a non-empty list with the pin as the rule, once the pin is found', () => {
    for (const artifacts of [undefined, [], 'bin/pdf-tools.wasm', { path: 'bin/pdf-tools.wasm' }]) {
      const request: Record<string, unknown> = { extension: 'pdf-tools', version: '1.2.0' };
      if (artifacts !== undefined) request.artifacts = artifacts;
      const e = run(P, input('extension.install', 'coder', 'executor', request));
      expect(d(e), JSON.stringify(artifacts)).toBe('block ext.pdf-tools-1.2.0 high');
      expect(e.trace.at(-1)?.note, JSON.stringify(artifacts)).toBe('request.artifacts is not a non-empty list');
    }
  });
});
