/** The one URL normalisation procedure, and the private-address check. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hasPrefix, normalizeUrl, prefixSegments, unmatchableUrlPrefix } from '../../src/policy/url.js';
import { checkAddress } from '../../src/policy/ip.js';

const ok = (u: string) => {
  const r = normalizeUrl(u);
  if (!r.ok) throw new Error(`${u}: ${r.reason}`);
  return r.url;
};
const refused = (u: string) => {
  const r = normalizeUrl(u);
  return r.ok ? null : r.reason;
};

describe('normalizeUrl', () => {
  it('lowercases the host, applies default ports, decodes each segment once', () => {
    const u = ok('https://API.Example.COM/v1/caf%C3%A9/%252e%252e?q=1');
    expect(u).toEqual({ scheme: 'https', host: 'api.example.com', hostKind: 'name', port: 443, segments: ['v1', 'café', '%2e%2e'], query: 'q=1' });
    expect(ok('http://example.com').port).toBe(80);
    expect(ok('https://example.com:8443/').port).toBe(8443);
    expect(ok('https://example.com/v1/').segments).toEqual(['v1']);
  });
  it('turns IDN hosts into punycode', () => {
    expect(ok('https://bücher.example/x').host).toBe('xn--bcher-kva.example');
  });
  it('ends the authority at "?" as at "/": a path written after the query is query, not path (from mutation testing)', () => {
    // A server reads /?x=1/admin: the path is "/", "x=1/admin" its query. Read as /admin, an allow
    // rule on /admin would pass a request that goes to "/".
    expect(ok('https://api.example.com?x=1/admin')).toMatchObject({ host: 'api.example.com', segments: [], query: 'x=1/admin' });
    expect(ok('https://api.example.com:8443?q=1')).toMatchObject({ port: 8443, segments: [], query: 'q=1' });
  });
  it('takes ports 1 to 65535 written in at most five digits, and no other (from mutation testing)', () => {
    expect(ok('https://example.com:1/').port).toBe(1);
    expect(ok('https://example.com:65535/').port).toBe(65535);
    expect(ok('https://example.com:08443/').port).toBe(8443);
    expect(refused('https://example.com:0/')).toMatch(/out of range/);
    expect(refused('https://example.com:65536/')).toMatch(/out of range/);
    expect(refused('https://example.com:008443/')).toMatch(/not a number/);
  });
  it('refuses anything but a port after an IPv6 host (from mutation testing)', () => {
    expect(ok('https://[2606:4700::1111]:8443/')).toMatchObject({ host: '2606:4700::1111', hostKind: 'ipv6', port: 8443 });
    expect(refused('https://[2606:4700::1111]x8443/')).toMatch(/unexpected text after the IPv6 host/);
    expect(refused('https://[2606:4700::1111]8443/')).toMatch(/unexpected text after the IPv6 host/);
  });
  it('takes URLs of up to 8192 characters, and refuses longer ones (from mutation testing)', () => {
    const of = (n: number) => `https://example.com/${'a'.repeat(n - 'https://example.com/'.length)}`;
    expect(ok(of(8192)).segments[0]).toHaveLength(8192 - 'https://example.com/'.length);
    expect(refused(of(8193))).toMatch(/longer than 8192/);
  });
  it('refuses a host name that is not letters, digits and hyphens, which the WHATWG parser lets through', () => {
    for (const u of ['https://evil.com&.docs.example.com/', 'https://a"b.docs.example.com/', 'https://*.docs.example.com/', 'https://x{y}.docs.example.com/', 'https://a_b.example.com/', 'https://-a.example.com/', `https://${'a'.repeat(64)}.example.com/`]) {
      const r = normalizeUrl(u);
      expect(r.ok, u).toBe(false);
      if (!r.ok) expect(r.reason, u).toMatch(/not a DNS name/);
    }
    expect(ok(`https://${'a'.repeat(63)}.a-b.example.com/`).host).toBe(`${'a'.repeat(63)}.a-b.example.com`);
  });
  it('refuses a host name longer than 253 characters, labels of 63 or not (from mutation testing)', () => {
    const name = (last: number) => `${['a', 'b', 'c'].map((c) => c.repeat(63)).join('.')}.${'d'.repeat(last)}`;
    expect(name(61)).toHaveLength(253);
    expect(ok(`https://${name(61)}/`).host).toBe(name(61));
    expect(refused(`https://${name(62)}/`)).toMatch(/not a DNS name/);
  });
  it('recognises IPv4 in decimal, hex and octal forms, and IPv6 literals', () => {
    expect(ok('http://2130706433/').host).toBe('127.0.0.1');
    expect(ok('http://0x7f.1/').host).toBe('127.0.0.1');
    expect(ok('http://0251.0376.0251.0376/').host).toBe('169.254.169.254');
    expect(ok('https://[::ffff:127.0.0.1]/')).toMatchObject({ host: '::ffff:7f00:1', hostKind: 'ipv6' });
  });
  it('calls a host an IPv4 address only when all of it is one: 1.2.3.4.example.com is a name, 1.2.3.4_x no DNS name (from mutation testing)', () => {
    expect(ok('https://1.2.3.4.example.com/')).toMatchObject({ host: '1.2.3.4.example.com', hostKind: 'name' });
    expect(refused('https://1.2.3.4_x/')).toMatch(/not a DNS name/);
    expect(refused('https://1.2.3.4-x/')).toBeNull();
  });
  it('refuses a label that ends with a hyphen, the first or a later one (from mutation testing)', () => {
    expect(refused('https://api-.example.com/')).toMatch(/not a DNS name/);
    expect(refused('https://api.b-.example.com/')).toMatch(/not a DNS name/);
  });
  it('reads each host by its own text, whatever was read before: ẞ.com is ss.com, ß.com stays xn--zca.com (from mutation testing: the host cache)', () => {
    // The WHATWG parser maps capital sharp s to "ss" and keeps small sharp s (nontransitional):
    // a cache keyed by a folded host gave one the other's answer.
    expect(ok('https://ß.com/').host).toBe('xn--zca.com');
    expect(ok('https://ẞ.com/').host).toBe('ss.com');
    expect(ok('https://ß.com/').host).toBe('xn--zca.com');
  });
  it('takes the scheme in any case (from mutation testing)', () => {
    expect(ok('HTTPS://API.example.com/')).toMatchObject({ scheme: 'https', host: 'api.example.com', port: 443 });
    expect(ok('hTTp://x.example.com')).toMatchObject({ scheme: 'http', port: 80 });
  });
  it('ends the last segment at "?" though a "/" follows in the query (from mutation testing)', () => {
    expect(ok('https://api.example.com/v1?next=/admin')).toMatchObject({ segments: ['v1'], query: 'next=/admin' });
    expect(ok('https://api.example.com/v1/x?a=/b/c')).toMatchObject({ segments: ['v1', 'x'], query: 'a=/b/c' });
  });
  const refusals: [string, RegExp][] = [
    ['https://api.example.com@evil.net/', /userinfo/],
    ['https://api.example.com:443@evil.net/', /userinfo/],
    ['https://user:pw@api.example.com/', /userinfo/],
    ['https://api.example.com/repos/../admin', /dot segment/],
    ['https://api.example.com/repos/%2e%2e/admin', /dot segment/],
    ['https://api.example.com/repos/%2E%2e/admin', /dot segment/],
    ['https://api.example.com/./x', /dot segment/],
    ['https://api.example.com/a%2Fb', /encodes/],
    ['https://api.example.com/a%5Cb', /encodes/],
    ['https://api.example.com/a%00b', /encodes/],
    ['https://api.example.com\\admin', /backslash/],
    ['https://api.example.com/a\\b', /backslash/],
    ['https://api.example.com./x', /ends with a dot/],
    ['https://api.example.com//x', /empty segment/],
    ['https://api.example.com/%zz', /not a valid escape/],
    ['https://api.example.com/x#frag', /fragment/],
    ['https://api.example.com/ x', /white space/],
    ['ftp://example.com/', /not http or https/],
    ['ws://api.example.com/', /not http or https/],
    ['wss://api.example.com/', /not http or https/],
    ['httpx://api.example.com/', /not http or https/],
    ['https://api.example.com:99999/', /out of range/],
    ['https://api.example.com:8o/', /not a number/],
    ['https:///x', /no host/],
    ['https://exa%6dple.com/', /percent-encoded/],
    // (review) an IPv6 host with its brackets encoded: said as what it is, not as a bad port.
    ['https://%5b::1%5d/', /the host is percent-encoded/],
    ['https://%5B::1%5D:443/', /the host is percent-encoded/],
    // (from mutation testing) "scheme:/" and "scheme:" without both slashes; DEL as raw as the other controls.
    ['https:/api.example.com/x', /not scheme:\/\/host\/path/],
    ['https:api.example.com/x', /not scheme:\/\/host\/path/],
    ['https://api.example.com/a\x7fb', /control character/],
    ['https://api.example.com/a\x7f', /control character/],
    // (from mutation testing) U+0080, the first C1 control, alone past ASCII; a second colon
    // (`host:443:8443`, which a split at the last colon read as port 8443 of host:443); an empty
    // port; hosts the WHATWG parser refuses.
    ['https://api.example.com/a\u0080b', /control character/],
    ['https://api.example.com/%2e/admin', /dot segment/],
    ['https://api.example.com/x/%2E', /dot segment/],
    ['https://api.example.com:443:8443/', /not a number/],
    ['https://api.example.com:/', /not a number/],
    ['https://a<b.example.com/', /not a valid host name or IP address/],
    ['https://1.2.3.256/', /not a valid host name or IP address/],
    // (second mutation pass) a full stop other than "." (U+3002, U+FF0E) that the WHATWG parser
    // maps to a trailing dot: said as what it is, not as a host that is no DNS name.
    ['https://api.example.com\u3002/x', /^the host is not a valid host name$/],
    // (second mutation pass) U+009F, the last C1 control, raw and encoded, inside a segment.
    ['https://api.example.com/a\u009fb', /control character/],
    ['https://api.example.com/a%C2%9Fb', /control character/],
    ['https://api.example.com\uFF0E/x', /^the host is not a valid host name$/],
  ];
  for (const [u, why] of refusals) {
    it(`refuses ${u}`, () => expect(refused(u)).toMatch(why));
  }
});

describe('path prefixes on segment boundaries', () => {
  it('/v1 matches /v1 and /v1/x, never /v10 or /v1-admin', () => {
    expect(hasPrefix(['v1'], ['v1'])).toBe(true);
    expect(hasPrefix(['v1', 'x'], ['v1'])).toBe(true);
    expect(hasPrefix(['v10'], ['v1'])).toBe(false);
    expect(hasPrefix(['v1-admin'], ['v1'])).toBe(false);
    expect(hasPrefix([], [])).toBe(true);
  });
});

describe('checkAddress (private_ip_mode deny)', () => {
  const priv = [
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3',
    '224.0.0.1', '255.255.255.255', '198.18.0.1', '198.19.255.254', '::1', '::', 'fd00::1', 'fe80::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2002:c0a8:101::',
    // Outside 2000::/3, which ipaddr.js still calls unicast: unassigned, or other embeddings.
    '4000::1', '8000::7f00:1', '::5efe:7f00:1', 'e000::1',
  ];
  for (const a of priv) it(`refuses ${a}`, () => expect(checkAddress(a).ok).toBe(false));
  for (const a of ['140.82.112.6', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
    it(`allows public ${a}`, () => expect(checkAddress(a)).toEqual({ ok: true }));
  }
  it('refuses the local-use NAT64 prefix 64:ff9b:1::/48 (outside 2000::/3; where its IPv4 sits depends on the operator\'s prefix length)', () => {
    // Under a /48 translation prefix 64:ff9b:1:7f00:0:100:: carries 127.0.0.1 (RFC 6052 section 2.2);
    // judged by its last 32 bits it read as 8.8.8.8, a public address.
    for (const a of ['64:ff9b:1:7f00:0:100:808:808', '64:ff9b:1::808:808', '64:ff9b:1:ffff::808:808']) expect(checkAddress(a).ok, a).toBe(false);
    expect(checkAddress('64:ff9b::808:808')).toEqual({ ok: true });
  });
  it('judges a Teredo address by its client address, which it holds inverted (RFC 4380) (from mutation testing)', () => {
    // Client 127.0.0.1 is 80ff:fffe there; read as written it was 128.255.255.254, a public address.
    expect(checkAddress('2001:0:4136:e378:8000:63bf:80ff:fffe')).toMatchObject({ ok: false, reason: expect.stringContaining('embedding 127.0.0.1') });
    expect(checkAddress('2001:0:4136:e378:8000:63bf:f7f7:f7f7')).toEqual({ ok: true }); // 8.8.8.8
  });
  it('judges an IPv4 address embedded in IPv6 by that address, both ways: mapped, SIIT, compatible, 6to4 (from mutation testing)', () => {
    // ::ffff:0:a.b.c.d (RFC 6145), ::a.b.c.d (IPv4-compatible, in hex: ipaddr.js reads the dotted
    // form as mapped) and 2002:AABB:CCDD:: (6to4) carry a public address here: allowed, as
    // ::ffff:8.8.8.8 is; and a private one is named in the reason.
    for (const a of ['::ffff:0:808:808', '::808:808', '2002:808:808::']) expect(checkAddress(a), a).toEqual({ ok: true });
    for (const a of ['::ffff:0:7f00:1', '::7f00:1', '2002:7f00:1::']) {
      expect(checkAddress(a), a).toMatchObject({ ok: false, reason: expect.stringContaining('(embedding 127.0.0.1)') });
    }
  });
  it('refuses the reserved blocks inside 2000::/3 that ipaddr.js names: documentation, benchmarking, ORCHID (from mutation testing)', () => {
    for (const a of ['2001:db8::1', '2001:2::1', '2001:20::1']) expect(checkAddress(a).ok, a).toBe(false);
  });
  it('refuses an IPv4 address with a leading zero (octal to some resolvers) and an IPv6 address with a zone, public or not (from mutation testing)', () => {
    // ipaddr.js reads 010.8.8.8 as octal, 8.8.8.8; a resolver that reads it as decimal goes to 10.8.8.8.
    for (const a of ['010.8.8.8', '08.8.8.8', '8.8.8.08', '2606:4700::1111%eth0', '2606:4700::1111%25eth0']) expect(checkAddress(a).ok, a).toBe(false);
  });
  it('refuses an IPv6 address whose dotted IPv4 part is not strict dotted decimal: ::ffff:012.0.0.1 is 10.0.0.1 to a reader of octal', () => {
    // ipaddr.js read the part as decimal (12.0.0.1, 177.0.0.1: public) and took hex parts, while
    // the same text as a plain IPv4 address is refused.
    for (const a of ['::ffff:012.0.0.1', '::ffff:0177.0.0.1', '::ffff:0144.0100.0.1', '::ffff:0x8.0x8.0x8.0x8', '64:ff9b::012.0.0.1', '::012.0.0.1', '::ffff:0:012.0.0.1', '::ffff:8.8.8.08']) {
      expect(checkAddress(a).ok, a).toBe(false);
    }
    for (const a of ['::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '::ffff:0:8.8.8.8', '2606:4700:1111:2222:3333:4444:140.182.112.106']) expect(checkAddress(a), a).toEqual({ ok: true });
  });
  it('judges the longest IPv6 text form, 45 characters (from mutation testing)', () => {
    const a = '2606:4700:1111:2222:3333:4444:140.182.112.106';
    expect(a).toHaveLength(45);
    expect(checkAddress(a)).toEqual({ ok: true });
  });
  it('treats as IPv4-compatible only an address whose first 96 bits are zero: ::1:808:808 carries no 8.8.8.8 (from mutation testing)', () => {
    // Outside 2000::/3, so refused; read from its last 32 bits, it passed as 8.8.8.8.
    for (const a of ['::1:808:808', '0:0:0:0:1:0:808:808', '::ffff:1:808:808']) expect(checkAddress(a).ok, a).toBe(false);
  });
  it('allows the whole of 2000::/3, 3000::/4 too, not only 2000::/4 (from mutation testing)', () => {
    for (const a of ['2000::1', '3000::1', '3ffe::1']) expect(checkAddress(a), a).toEqual({ ok: true });
  });
  it('names ::1 loopback and :: unspecified, not IPv4-compatible forms of 0.0.0.1 and 0.0.0.0 (second mutation pass)', () => {
    expect(checkAddress('::1')).toEqual({ ok: false, reason: '::1 is not a public address (loopback)' });
    expect(checkAddress('::')).toEqual({ ok: false, reason: ':: is not a public address (unspecified)' });
    expect(checkAddress('::2')).toMatchObject({ ok: false, reason: expect.stringContaining('(embedding 0.0.0.2)') });
  });
  it('refuses shorthand and non-address forms', () => {
    for (const a of ['0x7f.1', '2130706433', '127.1', 'localhost', 'fe80::1%eth0', '', 42]) expect(checkAddress(a).ok, String(a)).toBe(false);
  });
});

describe('unmatchableUrlPrefix (the POLICY_PATH_UNMATCHABLE lint)', () => {
  // Segments as a policy prefix may hold them (its schema refuses "/", "?", "#", "%", "\\" and
  // NUL), from characters that decide: dots, ";", white space and controls at either place,
  // letters outside ASCII.
  const segment = fc
    .array(fc.constantFrom('a', 'Z', '.', ';', ' ', '\t', '\u0085', '\u00a0', '\u2028', 'é', '-', '~'), { minLength: 1, maxLength: 4 })
    .map((cs) => cs.join(''));
  const prefixes = fc.array(segment, { minLength: 0, maxLength: 4 }).map((segs) => `/${segs.join('/')}`);
  it('is null exactly when a URL accepted by normalizeUrl lies under the prefix', () => {
    fc.assert(
      fc.property(prefixes, fc.boolean(), (prefix, deeper) => {
        const segs = prefixSegments(prefix);
        // The prefix's path written as a client would: each segment percent-encoded, so that
        // whatever normalizeUrl can accept, it does; and raw, the other way to write it.
        const tail = deeper ? ['x'] : [];
        const encoded = normalizeUrl(`https://api.example.com/${[...segs.map(encodeURIComponent), ...tail].join('/')}`);
        const raw = normalizeUrl(`https://api.example.com/${[...segs, ...tail].join('/')}`);
        const under = (r: ReturnType<typeof normalizeUrl>) => r.ok && hasPrefix(r.url.segments, segs);
        if (unmatchableUrlPrefix(prefix) === null) expect(under(encoded), prefix).toBe(true);
        else expect(under(encoded) || under(raw), prefix).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
  it('says which segment is refused', () => {
    expect(unmatchableUrlPrefix('/v1/../admin')).toBe('a URL with a ".." segment is refused');
    expect(unmatchableUrlPrefix('/v1/./admin')).toBe('a URL with a "." segment is refused');
    expect(unmatchableUrlPrefix('/hooks;v=1')).toBe('a URL with a ";" in a segment is refused');
    expect(unmatchableUrlPrefix('/admin ')).toMatch(/white space at its start or end/);
    for (const p of ['/', '/v1', '/a b', '/.well-known', '/v1.2', '/...', '/café']) expect(unmatchableUrlPrefix(p), p).toBeNull();
  });
});
