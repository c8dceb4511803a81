/**
 * `sel policy check` is a PR gate over policy files a pull request may have written: a small
 * hostile bundle must not make it run for minutes or run out of memory (found by review: a
 * 210 KB capabilities.json of 3 000 grants for one principal ran past 10 minutes; a 164 KB
 * secrets-boundary.json took 270 s and 3.4 GB). Each input here took 24 s to minutes before
 * its fix and 3 s at most after; a return to minutes fails on the suite's timeout
 * (test/vitest.config.ts). No test asserts a wall-clock bound, which a loaded machine breaks.
 */
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/policy/bundle.js';
import { lintBundle } from '../../src/policy/lint.js';
import { lineOf, lineIndex } from '../../src/policy/positions.js';
import { bundleOf, edited, sampleFiles } from '../helpers/policy.js';

describe('lints of a hostile bundle stay bounded', () => {
  it('many grants that tie: one finding per grant', () => {
    const out = lintBundle(bundleOf(edited((f) => {
      for (let i = 0; i < 3000; i++) f['capabilities'].grants.push({ id: `g${i}`, principal: 'p', zones: ['executor'], severity: 'info' });
    })), 'policy').filter((x) => x.code === 'POLICY_TIE_BREAK');
    expect(out).toHaveLength(2999);
    expect(out[0]!.message).toContain('grants g0 and g1 both apply to principal p');
  });
  it('a deny rule over many hosts and aliases: the gap is reported, its list cut short', () => {
    const n = 3000;
    const hosts = Array.from({ length: n }, (_, i) => `h${i}.example.com`);
    const aliases = Array.from({ length: n }, (_, i) => `A${i}`);
    const out = lintBundle(bundleOf(edited((f) => {
      f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header', 'bearer'], hosts, effect: 'allow', severity: 'info' });
      f['secrets-boundary'].rules.push({ id: 'z.deny', aliases, modes: ['header'], hosts, paths: ['/x'], effect: 'deny', severity: 'high' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(out).toHaveLength(1);
    expect(out[0]!.message).toContain('secrets rule z.deny denies its paths but not A0 bearer to h0.example.com:443');
    expect(out[0]!.message.length).toBeLessThan(2000);
  });
  it('a deny rule over all 65 535 ports inside an allow rule over them all', () => {
    const ports = Array.from({ length: 65535 }, (_, i) => i + 1);
    const M = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const out = lintBundle(bundleOf(edited((f) => {
      f['network-egress'].rules.push({ id: 'z.allow', host: 'h.example.com', schemes: ['https', 'http'], ports, methods: M, effect: 'allow', severity: 'info' });
      for (let k = 0; k < 4; k++) f['network-egress'].rules.push({ id: `z.deny${k}`, host: 'h.example.com', schemes: ['https', 'http'], ports: [...ports].reverse(), paths: ['/x'], methods: M, effect: 'deny', severity: 'high' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(out).toEqual([]);
  });
  it('a gap check past the budget is a warning that names the rules, never a silent pass: egress and secrets (from mutation testing)', () => {
    // 2 schemes x 65 535 ports x 7 methods x 22 deny rules over the path: past 20 million combinations.
    const ports = Array.from({ length: 65535 }, (_, i) => i + 1);
    const M = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const egress = lintBundle(bundleOf(edited((f) => {
      f['network-egress'].rules.push({ id: 'z.allow', host: 'h.example.com', schemes: ['https', 'http'], ports, methods: M, effect: 'allow', severity: 'info' });
      for (let k = 0; k < 22; k++) f['network-egress'].rules.push({ id: `z.deny${String(k).padStart(2, '0')}`, host: 'h.example.com', paths: ['/x'], methods: ['GET'], effect: 'deny', severity: 'high' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(egress).toHaveLength(22);
    expect(egress[0]!.message).toBe('egress rule z.deny00 was not checked for gaps against z.allow: the bundle has more than 20000000 scheme, port and method combinations to check; narrow the rules');
    expect(egress.every((x) => x.detail?.['unchecked'] === true)).toBe(true);
    // 3 000 hosts x 3 000 aliases x 2 modes x 2 deny rules over the path.
    const hosts = Array.from({ length: 3000 }, (_, i) => `h${i}.example.com`);
    const aliases = Array.from({ length: 3000 }, (_, i) => `A${i}`);
    const secrets = lintBundle(bundleOf(edited((f) => {
      f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header', 'bearer'], hosts, effect: 'allow', severity: 'info' });
      for (const id of ['z.deny1', 'z.deny2']) f['secrets-boundary'].rules.push({ id, aliases, modes: ['header'], hosts, paths: ['/x'], effect: 'deny', severity: 'high' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(secrets.map((x) => x.message)).toEqual(['z.deny1', 'z.deny2'].map((id) =>
      `secrets rule ${id} was not checked for gaps against z.allow: the bundle has more than 20000000 host, alias, port and mode combinations to check; narrow the rules`));
  });
  it('a gap finding lists the first 20 open combinations, and says when there are more (from mutation testing)', () => {
    const listed = (n: number) => {
      const aliases = Array.from({ length: n }, (_, i) => `A${String(i).padStart(2, '0')}`);
      const out = lintBundle(bundleOf(edited((f) => {
        f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header', 'bearer'], hosts: ['h.example.com'], effect: 'allow', severity: 'info' });
        f['secrets-boundary'].rules.push({ id: 'z.deny', aliases, modes: ['header'], hosts: ['h.example.com'], paths: ['/x'], effect: 'deny', severity: 'high' });
      })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
      expect(out).toHaveLength(1);
      return out[0]!.message;
    };
    const all = Array.from({ length: 20 }, (_, i) => `A${String(i).padStart(2, '0')} bearer to h.example.com:443`).join(', ');
    expect(listed(20)).toBe(`secrets rule z.deny denies its paths but not ${all}, which z.allow allows there`);
    expect(listed(21)).toBe(`secrets rule z.deny denies its paths but not ${all} and more, which z.allow allows there`);
  });
  it('the budget is for the whole bundle: each check spends it, egress then secrets (from mutation testing)', () => {
    // 1 000 hosts x 1 000 aliases x 11 deny rules over the path: 11 million combinations a check,
    // so the first deny rule is checked and the second finds less than that left. The first deny
    // rule covers every combination, so the check itself is quick.
    const hosts = Array.from({ length: 1000 }, (_, i) => `h${i}.example.com`);
    const aliases = Array.from({ length: 1000 }, (_, i) => `A${i}`);
    const denies = Array.from({ length: 11 }, (_, k) => `z.deny${String(k).padStart(2, '0')}`);
    const secretRules = (f: Record<string, any>) => {
      f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header'], hosts, effect: 'allow', severity: 'info' });
      for (const id of denies) f['secrets-boundary'].rules.push({ id, aliases, modes: ['header'], hosts, paths: ['/x'], effect: 'deny', severity: 'high' });
    };
    const unchecked = (f: ReturnType<typeof lintBundle>) => f.filter((x) => x.code === 'POLICY_DENY_GAP').map((x) => `${x.message.split(' ')[2]} ${String(x.detail?.['unchecked'])}`);
    expect(unchecked(lintBundle(bundleOf(edited(secretRules)), 'policy'))).toEqual(denies.slice(1).map((id) => `${id} true`));
    // 2 schemes x 65 535 ports x 7 methods x 4 deny rules over the path, for each of the 4: 14.7
    // million egress combinations (each deny rule checked, its gap on the other ports reported),
    // spent first, leave too few for the first secrets check.
    const ports = Array.from({ length: 65535 }, (_, i) => i + 1);
    const M = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const both = lintBundle(bundleOf(edited((f) => {
      f['network-egress'].rules.push({ id: 'z.eallow', host: 'h.example.com', schemes: ['https', 'http'], ports, methods: M, effect: 'allow', severity: 'info' });
      for (let k = 0; k < 4; k++) f['network-egress'].rules.push({ id: `z.edeny${k}`, host: 'h.example.com', paths: ['/x'], methods: M, effect: 'deny', severity: 'high' });
      f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header'], hosts, effect: 'allow', severity: 'info' });
      for (const id of denies) f['secrets-boundary'].rules.push({ id, aliases, modes: ['header'], hosts, paths: ['/x'], effect: 'deny', severity: 'high' });
    })), 'policy');
    expect(unchecked(both.filter((x) => x.location?.file === 'policy/network-egress.json'))).toEqual(['z.edeny0', 'z.edeny1', 'z.edeny2', 'z.edeny3'].map((id) => `${id} undefined`));
    expect(unchecked(both.filter((x) => x.location?.file === 'policy/secrets-boundary.json'))).toEqual(denies.map((id) => `${id} true`));
  });
  it('a deny rule on a wildcard host against many more specific rules, egress and secrets: the budget holds, and past it the rule is reported as not checked (from mutation testing)', () => {
    // 5 000 x 3 000 prefixes a pair: the first pair is checked (each prefix is under /), the second is past the budget,
    // and the rule is reported once.
    const denyPaths = Array.from({ length: 5000 }, (_, i) => `/d${i}`);
    const allowPaths = ['/', ...Array.from({ length: 2999 }, (_, i) => `/a${i}`)];
    const out = lintBundle(bundleOf(edited((f) => {
      f['network-egress'].rules.push({ id: 'z.deny', host: '*.h.example.com', paths: denyPaths, methods: ['GET'], effect: 'deny', severity: 'high' });
      for (const h of ['a', 'b', 'c']) f['network-egress'].rules.push({ id: `z.allow-${h}`, host: `${h}.h.example.com`, paths: allowPaths, methods: ['GET'], effect: 'allow', severity: 'info' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    const secrets = lintBundle(bundleOf(edited((f) => {
      f['secrets-boundary'].rules.push({ id: 'z.sdeny', aliases: ['A'], modes: ['header'], hosts: ['*.h.example.com'], paths: denyPaths, effect: 'deny', severity: 'high' });
      for (const h of ['a', 'b', 'c']) f['secrets-boundary'].rules.push({ id: `z.sallow-${h}`, aliases: ['A'], modes: ['header'], hosts: [`${h}.h.example.com`], paths: allowPaths, effect: 'allow', severity: 'info' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    expect(secrets.map((x) => [x.message, x.detail?.['unchecked']])).toEqual([
      ['secrets rule z.sdeny denies its aliases on /d0 but not on a.h.example.com, where the more specific z.sallow-a is the rule that applies and allows them', undefined],
      ['secrets rule z.sdeny was not checked for gaps on the hosts more specific rules name: the bundle has more than 20000000 combinations to check; narrow the rules', true],
    ]);
    expect(out.map((x) => [x.message, x.detail?.['unchecked']])).toEqual([
      ['egress rule z.deny denies *.h.example.com/d0 but not on a.h.example.com, where the more specific z.allow-a is the rule that applies and allows it', undefined],
      ['egress rule z.deny was not checked for gaps on the hosts more specific rules name: the bundle has more than 20000000 combinations to check; narrow the rules', true],
    ]);
  });
  it('a deny rule of many prefixes inside an allow rule of many: the prefixes compared spend the budget (found by mutation testing)', () => {
    // 5 000 x (3 000 + 5 000) prefixes compared took a minute, egress and secrets each, before
    // any combination was counted.
    const denyPaths = Array.from({ length: 5000 }, (_, i) => `/d${i}`);
    const allowPaths = ['/', ...Array.from({ length: 2999 }, (_, i) => `/a${i}`)];
    const gaps = (edit: (f: Record<string, any>) => void) => lintBundle(bundleOf(edited(edit)), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP').map((x) => [x.message.split(':')[0], x.detail?.['unchecked']]);
    // 5 000 x 8 000 prefixes compared: past the budget, reported, never passed in silence.
    expect(gaps((f) => {
      f['network-egress'].rules.push({ id: 'z.allow', host: 'h.example.com', paths: allowPaths, methods: ['GET', 'POST'], effect: 'allow', severity: 'info' });
      f['network-egress'].rules.push({ id: 'z.deny', host: 'h.example.com', paths: denyPaths, methods: ['GET'], effect: 'deny', severity: 'high' });
    })).toEqual([['egress rule z.deny was not checked for gaps against z.allow', true]]);
    expect(gaps((f) => {
      f['secrets-boundary'].rules.push({ id: 'z.sallow', aliases: ['A'], modes: ['header', 'bearer'], hosts: ['h.example.com'], paths: allowPaths, effect: 'allow', severity: 'info' });
      f['secrets-boundary'].rules.push({ id: 'z.sdeny', aliases: ['A'], modes: ['header'], hosts: ['h.example.com'], paths: denyPaths, effect: 'deny', severity: 'high' });
    })).toEqual([['secrets rule z.sdeny was not checked for gaps against z.sallow', true]]);
  });
  it('a gap open on several of the deny rule\'s paths is listed once, and "and more" only when more are open (from mutation testing)', () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `A${String(i).padStart(2, '0')}`);
    const out = lintBundle(bundleOf(edited((f) => {
      f['secrets-boundary'].rules.push({ id: 'z.allow', aliases, modes: ['header', 'bearer'], hosts: ['h.example.com'], effect: 'allow', severity: 'info' });
      f['secrets-boundary'].rules.push({ id: 'z.deny', aliases, modes: ['header'], hosts: ['h.example.com'], paths: ['/x', '/y'], effect: 'deny', severity: 'high' });
    })), 'policy').filter((x) => x.code === 'POLICY_DENY_GAP');
    const all = aliases.map((a) => `${a} bearer to h.example.com:443`).join(', ');
    expect(out.map((x) => x.message)).toEqual([`secrets rule z.deny denies its paths but not ${all}, which z.allow allows there`]);
  });
  it('lineIndex answers as lineOf does', () => {
    const text = '{\n "a": [\n  1,\n  {"b": 2},\n  3\n ],\n "c/d": {"e~f": [] }\n}';
    const at = lineIndex(text);
    for (const p of ['', '/a', '/a/0', '/a/1', '/a/1/b', '/a/2', '/a/9', '/c~1d', '/c~1d/e~0f', '/c~1d/e~0f/0', '/x/y']) expect(at(p), p).toBe(lineOf(text, p));
  });
  it('a file that is not JSON is reported, whatever it holds (a bad escape, a string after the end, a truncated string)', () => {
    // Each made the line-number walk throw: an internal error instead of POLICY_INVALID.
    for (const bad of ['{"a\\x":1}', '{"a":"\\u12"}', '{}"a"', '"a\\', '['.repeat(10_000)]) {
      const files = new Map(Object.entries(sampleFiles()).map(([k, v]) => [`${k}.json`, JSON.stringify(v, null, 2)]));
      files.set('capabilities.json', bad);
      const out = lintBundle(loadBundle(files), 'policy');
      expect(out.map((f) => `${f.code} ${f.location!.file}:${f.location!.line}`), bad.slice(0, 20)).toEqual(['POLICY_INVALID policy/capabilities.json:1']);
    }
  });
  it('a file of many values deep in arrays: line numbers in linear memory', () => {
    // Keyed by whole paths, this 2.8 MB file took 24 s and 1.1 GB (found by review).
    const text = `${'['.repeat(120)}${'1,'.repeat(1_400_000)}1${']'.repeat(120)}`;
    const at = lineIndex(text);
    expect(at(`${'/0'.repeat(120)}`)).toBe(1);
    expect(at(`${'/0'.repeat(119)}/1400000`)).toBe(1);
  });
});
