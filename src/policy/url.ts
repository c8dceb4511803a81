/**
 * The one URL normalisation procedure (issue 3, docs/policy.md): every egress and secret
 * scope decision sees a URL only through `normalizeUrl`, and it is applied exactly once.
 *
 * It refuses, rather than repairs, everything that lets two components disagree about where
 * a request goes: userinfo (`https://api.example.com@evil.net/`), backslashes, control
 * characters and white space, fragments, a percent sign that does not start an escape, an
 * encoded `/`, `\` or NUL, dot segments (`.`, `..`, and their encoded forms `%2e%2e`), empty
 * segments, a ";" in a segment (a path parameter, cut by some servers), a host with a trailing
 * dot, and a host name that is not letters, digits and hyphens. It decodes percent-escapes once: `%252e` is the
 * literal segment text `%2e`, never a dot. The host goes through the WHATWG host parser
 * (lowercase, IDN to punycode, IPv4 in decimal/hex/octal to dotted form, IPv6 compressed), so
 * `http://2130706433/` is recognised as 127.0.0.1.
 */
import { domainToASCII } from 'node:url';

export type Scheme = 'http' | 'https';

export interface NormalizedUrl {
  readonly scheme: Scheme;
  /** Lowercase ASCII host; an IPv6 literal without brackets. */
  readonly host: string;
  readonly hostKind: 'name' | 'ipv4' | 'ipv6';
  readonly port: number;
  /** Decoded path segments (never empty, never "." or ".."). */
  readonly segments: readonly string[];
  /** The raw query, without "?", or null. Not used for matching. */
  readonly query: string | null;
}

export type UrlResult = { readonly ok: true; readonly url: NormalizedUrl } | { readonly ok: false; readonly reason: string };

const AUTHORITY = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;

function bad(reason: string): UrlResult {
  return { ok: false, reason };
}

/** Percent-decodes once; null when a `%` does not start a valid escape or the bytes are not UTF-8. */
function decodeOnce(s: string): string | null {
  if (!s.includes('%')) return s;
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

type ParsedHost = { readonly host: string; readonly hostKind: NormalizedUrl['hostKind'] };

/**
 * Hosts already parsed, by scheme and host text: a log names few hosts, and the WHATWG parser
 * plus the IDN round trip cost ~1 us an event in replay (profile). A pure function of its
 * key, so the cache changes nothing but time; bounded (cleared when full).
 */
const hostCache = new Map<string, ParsedHost | string>();

/** The host as the WHATWG URL parser reads it, or why it is refused. */
function parseHost(scheme: string, hostPart: string): ParsedHost | string {
  const key = `${scheme}://${hostPart}`;
  let hit = hostCache.get(key);
  if (hit === undefined) {
    hit = parseHostUncached(scheme, hostPart);
    if (hostCache.size >= 4096) hostCache.clear();
    hostCache.set(key, hit);
  }
  return hit;
}

/** Labels of letters, digits and inner hyphens (RFC 1123), as punycode leaves IDN labels. */
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function parseHostUncached(scheme: string, hostPart: string): ParsedHost | string {
  // The WHATWG host parser: lowercase, IDN to punycode, numeric IPv4 forms to dotted quads.
  let host: string;
  try {
    host = new URL(`${scheme}://${hostPart}/`).hostname;
  } catch {
    return 'the host is not a valid host name or IP address';
  }
  if (host === '' || host.endsWith('.')) return 'the host is not a valid host name';
  let hostKind: NormalizedUrl['hostKind'] = 'name';
  if (host.startsWith('[')) {
    hostKind = 'ipv6';
    host = host.slice(1, -1);
  } else if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) {
    hostKind = 'ipv4';
  } else if (domainToASCII(host) !== host) {
    return 'the host does not survive IDN normalisation';
  } else if (!HOST_NAME.test(host) || host.length > 253) {
    // The WHATWG parser lets through what no DNS name holds ("a&b", "*", "{"): clients and
    // resolvers may read such a host differently from a policy's host patterns.
    return 'the host is not a DNS name (letters, digits and hyphens in labels of 1-63, RFC 1123)';
  }
  return { host, hostKind };
}

export function normalizeUrl(raw: unknown): UrlResult {
  if (typeof raw !== 'string') return bad('the URL is not a string');
  if (raw.length > 8192) return bad('the URL is longer than 8192 characters');
  // Control characters, white space and backslashes are refused anywhere: parsers differ on them.
  if (/[\u0000-\u0020\u007f\\]/.test(raw)) return bad('the URL holds a control character, white space or a backslash');
  if (raw.includes('#')) return bad('the URL has a fragment');
  const m = AUTHORITY.exec(raw);
  if (m === null) return bad('the URL is not scheme://host/path');
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') return bad(`the scheme "${scheme}" is not http or https`);
  const authority = m[2]!;
  if (authority.includes('@')) return bad('the URL has userinfo (user@host), which can disguise the host');
  if (authority.length === 0) return bad('the URL has no host');

  // Port: explicit and numeric, or the scheme's default.
  let hostPart = authority;
  let port = scheme === 'https' ? 443 : 80;
  let portText: string | null = null;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return bad('the IPv6 host is not closed by "]"');
    hostPart = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return bad('unexpected text after the IPv6 host');
      portText = rest.slice(1);
    }
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0) {
      hostPart = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
  }
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText)) return bad('the port is not a number');
    port = Number(portText);
  }
  if (port < 1 || port > 65535) return bad('the port is out of range');
  if (hostPart.endsWith('.')) return bad('the host ends with a dot');
  if (hostPart.includes('%')) return bad('the host is percent-encoded');

  const parsed = parseHost(scheme, hostPart);
  if (typeof parsed === 'string') return bad(parsed);
  const { host, hostKind } = parsed;

  // Path: decoded once, segment by segment, refusing what changes meaning when decoded.
  const path = m[3] ?? '/';
  const rawSegments = path.split('/').slice(1);
  if (rawSegments.length === 1 && rawSegments[0] === '') rawSegments.length = 0;
  const segments: string[] = [];
  for (let i = 0; i < rawSegments.length; i++) {
    const seg = rawSegments[i]!;
    if (seg === '') {
      if (i === rawSegments.length - 1) break; // one trailing slash: /v1/ is /v1
      return bad('the path has an empty segment (//)');
    }
    if (!seg.includes('%')) {
      // Nothing to decode: "/" cannot occur in a segment, "\\" and NUL were refused above.
      if (seg === '.' || seg === '..') return bad('the path has a dot segment (".", "..", or an encoded form)');
      if (seg.includes(';')) return bad(SEMICOLON);
      segments.push(seg);
      continue;
    }
    const decoded = decodeOnce(seg);
    if (decoded === null) return bad('the path has a "%" that is not a valid escape');
    if (decoded === '.' || decoded === '..') return bad('the path has a dot segment (".", "..", or an encoded form)');
    if (/[/\\\u0000]/.test(decoded)) return bad('the path encodes "/", "\\" or NUL');
    if (decoded.includes(';')) return bad(SEMICOLON);
    segments.push(decoded);
  }
  return { ok: true, url: { scheme, host, hostKind, port, segments, query: m[4] ?? null } };
}

/**
 * Path parameters: servers that cut a segment at ";" (Tomcat, Spring, Jetty) read "..;" as
 * "..", and "hooks;v=1" as "hooks", past a prefix that names the segment whole.
 */
const SEMICOLON = 'the path has a ";" in a segment, which some servers cut there (so "..;" is "..")';

/** Splits a policy path prefix ("/v1/items") into segments. */
export function prefixSegments(prefix: string): string[] {
  return prefix === '/' ? [] : prefix.split('/').slice(1);
}

/** Does a path (segments) start with a prefix (segments), on segment boundaries? */
export function hasPrefix(segments: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > segments.length) return false;
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}
