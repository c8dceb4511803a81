/**
 * Private addresses (issue 3): `private_ip_mode` is deny and cannot be turned off, so every
 * address a request resolved to is checked here, with ipaddr.js's range tables rather than
 * hand-written ones. Anything that is not global unicast is refused: loopback, RFC 1918,
 * link-local (the cloud metadata address 169.254.169.254 among them), CGNAT 100.64/10,
 * 0/8, multicast, broadcast, 198.18/15 and the other reserved blocks, IPv6 ULA and
 * link-local. An IPv4 address embedded in IPv6 (mapped ::ffff:0:0/96, compatible ::/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo) is judged as the IPv4 address it carries.
 */
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function judgeV4(a: ipaddr.IPv4, shown: string): AddressVerdict {
  const range = a.range();
  return range === 'unicast' ? { ok: true } : { ok: false, reason: `${shown} is not a public address (${range})` };
}

/** The IPv4 address an IPv6 address carries, if it is of an embedding form. */
function embeddedV4(a: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = a.range();
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(p[6]!, p[7]!); // ::ffff:a.b.c.d, ::ffff:0:a.b.c.d
  // NAT64's well-known prefix 64:ff9b::/96 only. ipaddr.js puts the local-use 64:ff9b:1::/48
  // (RFC 8215) in the same range, but there the operator picks the prefix length, and so where
  // the IPv4 address sits (RFC 6052 2.2): read from the last 32 bits, 64:ff9b:1:7f00:0:100:808:808
  // passed as 8.8.8.8 while a /48 translator sends it to 127.0.0.1. It is outside 2000::/3: refused.
  if (range === 'rfc6052') return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? v4(p[6]!, p[7]!) : null;
  if (range === '6to4') return v4(p[1]!, p[2]!); // 2002:AABB:CCDD::/48
  if (range === 'teredo') return v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff); // obfuscated client address
  // IPv4-compatible ::a.b.c.d (deprecated): the first 96 bits zero, but not :: or ::1.
  if (p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7]! > 1)) return v4(p[6]!, p[7]!);
  return null;
}

/**
 * An IPv6 text that ends in a dotted IPv4 part (::ffff:1.2.3.4) holds it in strict dotted-decimal
 * form, as an IPv4 address in the evidence must be: ipaddr.js reads the part of ::ffff:012.0.0.1
 * as decimal, 12.0.0.1, a public address, where a reader of octal goes to 10.0.0.1, and takes
 * hex parts (::ffff:0x8.0x8.0x8.0x8) too (found by review).
 */
function strictDottedTail(text: string): boolean {
  if (!text.includes('.')) return true;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  return DOTTED_QUAD.test(tail) && ipaddr.IPv4.isValidFourPartDecimal(tail);
}

/** Is this recorded address one a request may go to? */
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const verdicts = new Map<string, AddressVerdict>();

/**
 * Is this recorded address one a request may go to? Memoised (bounded): the same few
 * addresses recur across events, and parsing IPv6 text is costly (ipaddr.js was measured at
 * tens of microseconds for an IPv6 string when asked whether it is a dotted quad first).
 */
export function checkAddress(text: unknown): AddressVerdict {
  if (typeof text !== 'string' || text.length > 64) return { ok: false, reason: 'a recorded address is not a string' };
  const known = verdicts.get(text);
  if (known !== undefined) return known;
  const v = judge(text);
  if (verdicts.size >= 4096) verdicts.clear();
  verdicts.set(text, v);
  return v;
}

function judge(text: string): AddressVerdict {
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // Strict forms only: ipaddr.parse would also accept "0x7f.1" and other IPv4 shorthands.
    if (DOTTED_QUAD.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) a = ipaddr.IPv4.parse(text);
    else if (ipaddr.IPv6.isValid(text) && !text.includes('%')) {
      if (!strictDottedTail(text)) return { ok: false, reason: `${JSON.stringify(text)} is an IPv6 address whose IPv4 part is not in strict dotted-decimal form (a leading zero or a hex part: resolvers read it differently)` };
      a = ipaddr.IPv6.parse(text);
    } else return { ok: false, reason: `${JSON.stringify(text)} is not an IPv4 address in dotted-decimal form or an IPv6 address` };
  } catch {
    return { ok: false, reason: `${JSON.stringify(text)} is not an IP address` };
  }
  if (a.kind() === 'ipv4') return judgeV4(a as ipaddr.IPv4, text);
  const v6 = a as ipaddr.IPv6;
  const inner = embeddedV4(v6);
  if (inner !== null) return judgeV4(inner, `${text} (embedding ${inner.toString()})`);
  const range = v6.range();
  if (range !== 'unicast') return { ok: false, reason: `${text} is not a public address (${range})` };
  // ipaddr.js calls every address it has no other name for unicast; global unicast is 2000::/3
  // only (4000::/3 and up are unassigned, and ::/8 holds other embeddings).
  return (v6.parts[0]! & 0xe000) === 0x2000 ? { ok: true } : { ok: false, reason: `${text} is not a public address (outside 2000::/3, global unicast)` };
}
