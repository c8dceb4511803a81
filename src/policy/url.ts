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
 * key, so the cache changes nothing but time; bounded (cleared when full). One map per scheme,
 * so the key is the host text as it is (no string built per lookup).
 */
const hostCache: Readonly<Record<Scheme, Map<string, ParsedHost | string>>> = { http: new Map(), https: new Map() };

/** The host as the WHATWG URL parser reads it, or why it is refused. */
function parseHost(scheme: Scheme, hostPart: string): ParsedHost | string {
  const cache = hostCache[scheme];
  let hit = cache.get(hostPart);
  if (hit === undefined) {
    hit = parseHostUncached(scheme, hostPart);
    if (cache.size >= 4096) cache.clear();
    cache.set(hostPart, hit);
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

const SLASH = 0x2f;
const QUESTION = 0x3f;
const HASH = 0x23;
const BACKSLASH = 0x5c;

/**
 * Where `raw` has `scheme://`: the index of its ":" when the scheme is a letter and then
 * letters, digits, "+", "." or "-" (RFC 3986), else -1.
 */
function schemeEnd(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i) | 0x20; // ASCII letters to lowercase; ":" and the rest unchanged or not letters
    const letter = c >= 0x61 && c <= 0x7a;
    if (i === 0 && !letter) return -1;
    if (letter) continue;
    const d = raw.charCodeAt(i);
    if ((d >= 0x30 && d <= 0x39) || d === 0x2b || d === 0x2e || d === 0x2d) continue;
    return d === 0x3a && raw.charCodeAt(i + 1) === SLASH && raw.charCodeAt(i + 2) === SLASH ? i : -1;
  }
  return -1;
}

export function normalizeUrl(raw: unknown): UrlResult {
  if (typeof raw !== 'string') return bad('the URL is not a string');
  const n = raw.length;
  if (n > 8192) return bad('the URL is longer than 8192 characters');
  // Control characters, white space and backslashes are refused anywhere: parsers differ on
  // them. One pass over the characters, which also notes a fragment's "#".
  let fragment = false;
  let nonAscii = false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === BACKSLASH) return bad('the URL holds a control character, white space or a backslash');
    if (c === HASH) fragment = true;
    else if (c > 0x7f) nonAscii = true;
  }
  if (fragment) return bad('the URL has a fragment');
  // scheme://authority[/path][?query]: the authority runs to the first "/" or "?", the path
  // from that "/" to the first "?", the query is the rest.
  const colon = schemeEnd(raw);
  if (colon < 0) return bad('the URL is not scheme://host/path');
  const schemeText = raw.slice(0, colon).toLowerCase();
  if (schemeText !== 'https' && schemeText !== 'http') return bad(`the scheme "${schemeText}" is not http or https`);
  const scheme: Scheme = schemeText;
  const hostStart = colon + 3;
  let pathStart = hostStart;
  while (pathStart < n) {
    const c = raw.charCodeAt(pathStart);
    if (c === SLASH || c === QUESTION) break;
    pathStart++;
  }
  const question = raw.indexOf('?', pathStart);
  const pathEnd = question < 0 ? n : question;
  const authority = raw.slice(hostStart, pathStart);
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
  // Before the port: `%5b::1%5d` split at its first colon was "the port is not a number".
  if (hostPart.includes('%')) return bad('the host is percent-encoded');
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText)) return bad('the port is not a number');
    port = Number(portText);
  }
  if (port < 1 || port > 65535) return bad('the port is out of range');
  if (hostPart.endsWith('.')) return bad('the host ends with a dot');

  const parsed = parseHost(scheme, hostPart);
  if (typeof parsed === 'string') return bad(parsed);
  const { host, hostKind } = parsed;

  // Path: decoded once, segment by segment, refusing what changes meaning when decoded. No
  // path, or "/" alone, has no segments, and one trailing slash ends the last: /v1/ is /v1.
  const segments: string[] = [];
  for (let start = pathStart + 1; start < pathEnd;) {
    let end = raw.indexOf('/', start);
    if (end < 0 || end > pathEnd) end = pathEnd;
    if (end === start) return bad('the path has an empty segment (//)');
    const seg = raw.slice(start, end);
    start = end + 1;
    if (!seg.includes('%')) {
      // Nothing to decode: "/" cannot occur in a segment, "\\" and NUL were refused above.
      if (seg === '.' || seg === '..') return bad('the path has a dot segment (".", "..", or an encoded form)');
      if (seg.includes(';')) return bad(SEMICOLON);
      // (ASCII control characters and spaces were refused above: only other ones are left.)
      if (nonAscii && SPACE_OR_CONTROL.test(seg)) return bad(ENCODED_SPACE);
      segments.push(seg);
      continue;
    }
    const decoded = decodeOnce(seg);
    if (decoded === null) return bad('the path has a "%" that is not a valid escape');
    if (decoded === '.' || decoded === '..') return bad('the path has a dot segment (".", "..", or an encoded form)');
    if (/[/\\\u0000]/.test(decoded)) return bad('the path encodes "/", "\\" or NUL');
    if (decoded.includes(';')) return bad(SEMICOLON);
    // Decoded, what the raw check refuses: a control character (a CR/LF or tab split, read
    // differently by each server), and white space at either end, which servers trim (Spring's
    // AntPathMatcher made /admin%20 /admin, CVE-2016-5007): hooks%20 passed a deny rule on hooks.
    if (SPACE_OR_CONTROL.test(decoded)) return bad(ENCODED_SPACE);
    segments.push(decoded);
  }
  return { ok: true, url: { scheme, host, hostKind, port, segments, query: question < 0 ? null : raw.slice(question + 1) } };
}

/**
 * Path parameters: servers that cut a segment at ";" (Tomcat, Spring, Jetty) read "..;" as
 * "..", and "hooks;v=1" as "hooks", past a prefix that names the segment whole.
 */
const SEMICOLON = 'the path has a ";" in a segment, which some servers cut there (so "..;" is "..")';

/** A segment that holds (decoded) a C0 or C1 control character, or white space at an end. */
const SPACE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f]|^\s|\s$/;
const ENCODED_SPACE = 'the path holds a control character, or white space at the start or end of a segment, which servers may trim';

/**
 * Why no URL path normalizeUrl accepts can be under the policy path prefix `prefix`, or null
 * when some can: a segment that normalizeUrl refuses in every path (a dot segment, a ";", a
 * control character, white space at an end) never equals a segment of an accepted path.
 */
export function unmatchableUrlPrefix(prefix: string): string | null {
  for (const seg of prefixSegments(prefix)) {
    if (seg === '.' || seg === '..') return `a URL with a "${seg}" segment is refused`;
    if (seg.includes(';')) return 'a URL with a ";" in a segment is refused';
    if (SPACE_OR_CONTROL.test(seg)) return 'a URL whose segment holds a control character, or white space at its start or end, is refused';
  }
  return null;
}

/** Splits a policy path prefix ("/v1/items") into segments. */
export function prefixSegments(prefix: string): string[] {
  return prefix === '/' ? [] : prefix.split('/').slice(1);
}

/**
 * The segments in one case, for the rules that match paths in any case. Built by push, as
 * parsed paths and prefixes are: arrays from `map` are of another kind, and hasPrefix, having
 * seen one kind, was thrown out of its optimised code at the first array of the other.
 */
export function lowerSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of segments) out.push(foldCase(s));
  return out;
}

/**
 * Case folded as case-insensitive servers may compare: upper case first, then lower, so that
 * long s (U+017F) is s and dotless i is i, as Java's equalsIgnoreCase has them (lower case
 * alone left hookſ apart from hooks, past a deny rule); the dot U+0130 leaves after an i is
 * dropped (İ is i there too). ASCII text folds as toLowerCase does. Locale-independent.
 */
function foldCase(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  return ascii ? s.toLowerCase() : s.toUpperCase().toLowerCase().replace(/\u0307/g, '');
}

/** Does a path (segments) start with a prefix (segments), on segment boundaries? */
export function hasPrefix(segments: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > segments.length) return false;
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}
