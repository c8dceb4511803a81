/**
 * `sel policy check`: the bundle's validity problems and lints, as findings at file:line.
 * Pure: takes the loaded bundle (and the texts, for line numbers).
 */
import { getPublicSuffix } from 'tldts';
import { makeFinding, type Finding } from '../findings/finding.js';
import type { FindingCode } from '../findings/codes.js';
import type { LoadedBundle } from './bundle.js';
import { ACTION_RANK, hostPattern } from './compile.js';
import { lineOf } from './positions.js';
import { prefixSegments } from './url.js';
import { LEAK_PRONE_MODES, type PolicyBundle } from './types.js';

/**
 * Is `suffix` a public suffix? Both sections of the Public Suffix List count (ICANN: com,
 * co.uk; private: github.io), and an unlisted last label counts too (the PSL default rule
 * "*"), so a wildcard over a single label is always refused. The list is the one in the
 * pinned tldts version: the same on every machine.
 */
export function isPublicSuffix(suffix: string): boolean {
  return getPublicSuffix(suffix, { allowPrivateDomains: true }) === suffix;
}

export function lintBundle(loaded: LoadedBundle, dirLabel: string): Finding[] {
  const out: Finding[] = [];
  const at = (file: string, pointer: string) => ({
    file: `${dirLabel}/${file}`,
    line: lineOf(loaded.texts.get(file) ?? '', pointer),
  });
  const add = (code: FindingCode, file: string, pointer: string, message: string, detail?: Record<string, unknown>) =>
    out.push(makeFinding(code, { location: at(file, pointer), message, detail: { pointer, ...detail } }));

  if (!loaded.ok) {
    for (const p of loaded.problems) add('POLICY_INVALID', p.file, p.pointer, p.message, { problem: p.kind });
    return out;
  }
  const b: PolicyBundle = loaded.policy.bundle;

  // Wildcards directly over a public suffix.
  b['network-egress'].rules.forEach((r, i) => {
    const h = hostPattern(r.host);
    if (h.wildcard && isPublicSuffix(h.base)) {
      add('POLICY_WILDCARD_PUBLIC_SUFFIX', 'network-egress.json', `/rules/${i}/host`, `egress rule ${r.id}: "${r.host}" is a wildcard directly over the public suffix ${h.base}`);
    }
    if ((r.schemes ?? []).includes('http') && r.effect === 'allow') {
      add('POLICY_PLAIN_HTTP', 'network-egress.json', `/rules/${i}/schemes`, `egress rule ${r.id} allows plain http: each such request needs an exception artifact`);
    }
  });
  b['secrets-boundary'].rules.forEach((r, i) => {
    r.hosts.forEach((host, k) => {
      const h = hostPattern(host);
      if (h.wildcard && isPublicSuffix(h.base)) {
        add('POLICY_WILDCARD_PUBLIC_SUFFIX', 'secrets-boundary.json', `/rules/${i}/hosts/${k}`, `secrets rule ${r.id}: "${host}" is a wildcard directly over the public suffix ${h.base}`);
      }
    });
    const leaky = r.modes.filter((m) => LEAK_PRONE_MODES.has(m));
    if (leaky.length > 0 && r.effect === 'allow') {
      add('POLICY_LEAK_PRONE_MODE', 'secrets-boundary.json', `/rules/${i}/modes`, `secrets rule ${r.id} allows ${leaky.join(' and ')}: each such injection needs an exception artifact`);
    }
  });

  // References a grant makes to what the bundle defines.
  const egressIds = new Set(b['network-egress'].rules.map((r) => r.id));
  const servers = new Set(b['trust-zones'].mcp_servers.map((m) => m.server));
  const aliases = new Set(b['secrets-boundary'].rules.flatMap((r) => r.aliases));
  b.capabilities.grants.forEach((g, i) => {
    (g.http ?? []).forEach((id, k) => {
      if (!egressIds.has(id)) add('POLICY_UNKNOWN_REFERENCE', 'capabilities.json', `/grants/${i}/http/${k}`, `grant ${g.id} names egress rule ${id}, which the bundle does not define`);
    });
    (g.mcp ?? []).forEach((s, k) => {
      if (!servers.has(s)) add('POLICY_UNKNOWN_REFERENCE', 'capabilities.json', `/grants/${i}/mcp/${k}`, `grant ${g.id} names MCP server ${s}, which trust-zones.json does not declare`);
    });
    (g.secrets ?? []).forEach((a, k) => {
      if (!aliases.has(a)) add('POLICY_UNKNOWN_REFERENCE', 'capabilities.json', `/grants/${i}/secrets/${k}`, `grant ${g.id} names secret ${a}, which no secrets-boundary rule covers`);
    });
    if (g.zones.includes('userland')) add('POLICY_USERLAND_GRANT', 'capabilities.json', `/grants/${i}/zones`, `grant ${g.id} holds in userland`);
  });

  // Overlaps that only the tie-break resolves.
  const pairs = <T>(items: readonly T[], f: (a: T, b: T, i: number, j: number) => void) => {
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) f(items[i]!, items[j]!, i, j);
  };
  const overlap = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined, dflt: readonly T[]) =>
    (a ?? dflt).some((x) => (b ?? dflt).includes(x));
  pairs(b.capabilities.grants, (x, y, _i, j) => {
    if (x.principal === y.principal && x.zones.some((z) => y.zones.includes(z))) {
      add('POLICY_TIE_BREAK', 'capabilities.json', `/grants/${j}`, `grants ${x.id} and ${y.id} both apply to principal ${x.principal} in a shared zone; only the smallest id (${x.id < y.id ? x.id : y.id}) is used`);
    }
  });
  const gate = (effect: string, severity: keyof PolicyBundle['severity-gating']['gates']) =>
    effect === 'deny' ? ACTION_RANK.block : ACTION_RANK[b['severity-gating'].gates[severity]];
  // Path prefixes two rules share as the evaluator compares them: a deny rule's in any case.
  const sharedPaths = (x: { paths?: readonly string[]; effect: string }, y: { paths?: readonly string[]; effect: string }): string[] => {
    const fold = x.effect === 'deny' || y.effect === 'deny';
    const key = (p: string) => (fold ? p.toLowerCase() : p);
    const theirs = new Set((y.paths ?? ['/']).map(key));
    return (x.paths ?? ['/']).filter((p) => theirs.has(key(p)));
  };
  pairs(b['network-egress'].rules, (x, y, _i, j) => {
    if (x.host !== y.host || !overlap(x.schemes, y.schemes, ['https']) || !overlap(x.ports, y.ports, [443]) || !overlap(x.methods, y.methods, [])) return;
    const shared = sharedPaths(x, y);
    if (shared.length > 0) {
      const how = gate(x.effect, x.severity) === gate(y.effect, y.severity) ? 'the smallest id' : 'the strictest action';
      add('POLICY_TIE_BREAK', 'network-egress.json', `/rules/${j}`, `egress rules ${x.id} and ${y.id} match ${x.host}${shared[0]} with equal specificity; ${how} decides`);
    }
  });
  pairs(b['secrets-boundary'].rules, (x, y, _i, j) => {
    if (!x.aliases.some((a) => y.aliases.includes(a)) || !x.modes.some((m) => y.modes.includes(m))) return;
    if (!x.hosts.some((h) => y.hosts.includes(h)) || !overlap(x.ports, y.ports, [443])) return;
    if (sharedPaths(x, y).length > 0) {
      add('POLICY_TIE_BREAK', 'secrets-boundary.json', `/rules/${j}`, `secrets rules ${x.id} and ${y.id} cover the same alias, mode, host and path with equal specificity`);
    }
  });
  // A deny rule inside an allow rule's scope that leaves some of it open (found by review:
  // egress.github-admin, on the default port 443, let GET :8443/repos/acme/app/hooks/1 pass
  // egress.github-api, which allows 443 and 8443).
  // What the deny rules over a path cover together, combination by combination: a deny split
  // by port (one for 443, one for 8443) leaves no gap, but one for 443 with GET and POST next
  // to one for 8443 with POST only leaves GET on 8443 (both found by review). A deny rule counts
  // only where it wins: its matching prefix at least as long as the allow rule's (a deny on `/`
  // loses to an allow on `/repos`), on the same host. An allow rule whose max_depth stops short
  // of the denied path never reaches it.
  // Segments as the evaluator makes them from a prefix (url.ts), in any case: a deny rule's are.
  const segsOf = (p: string): string[] => prefixSegments(p.toLowerCase());
  /** The longest of `paths` that is a prefix of `path` (in segments), or -1. */
  const prefixDepth = (path: string, paths: readonly string[] | undefined): number => {
    const target = segsOf(path);
    let best = -1;
    for (const p of paths ?? ['/']) {
      const s = segsOf(p);
      if (s.length <= target.length && s.every((x, k) => target[k] === x)) best = Math.max(best, s.length);
    }
    return best;
  };
  const egress = b['network-egress'].rules;
  egress.forEach((d, j) => {
    if (d.effect !== 'deny') return;
    for (const a of egress) {
      if (a.effect !== 'allow' || a.host !== d.host) continue;
      const open: string[] = [];
      for (const path of d.paths ?? ['/']) {
        const mine = prefixDepth(path, a.paths);
        if (mine < 0 || (a.max_depth !== undefined && a.max_depth < segsOf(path).length)) continue;
        const over = egress.filter((o) => o.effect === 'deny' && o.host === d.host && prefixDepth(path, o.paths) >= mine);
        for (const scheme of a.schemes ?? ['https']) {
          for (const port of a.ports ?? [443]) {
            for (const method of a.methods) {
              const covering = over.filter((o) => (o.schemes ?? ['https']).includes(scheme) && (o.ports ?? [443]).includes(port) && o.methods.includes(method));
              const reach = covering.some((o) => o.max_depth === undefined) ? undefined : Math.max(-1, ...covering.map((o) => o.max_depth!));
              const what = `${method} ${scheme}:${port}${path === (d.paths ?? ['/'])[0] ? '' : ` on ${path}`}`;
              if (covering.length === 0) open.push(what);
              else if (reach !== undefined && (a.max_depth === undefined || a.max_depth > reach)) open.push(`${what} deeper than ${reach} segments`);
            }
          }
        }
      }
      if (open.length > 0) add('POLICY_DENY_GAP', 'network-egress.json', `/rules/${j}`, `egress rule ${d.id} denies ${d.host}${(d.paths ?? ['/'])[0]} but not ${[...new Set(open)].join(', ')}, which ${a.id} allows there`);
    }
  });
  const secrets = b['secrets-boundary'].rules;
  secrets.forEach((d, j) => {
    if (d.effect !== 'deny') return;
    for (const a of secrets) {
      if (a.effect !== 'allow') continue;
      const open: string[] = [];
      for (const path of d.paths ?? ['/']) {
        const mine = prefixDepth(path, a.paths);
        if (mine < 0) continue;
        const over = secrets.filter((o) => o.effect === 'deny' && prefixDepth(path, o.paths) >= mine);
        for (const host of a.hosts.filter((h) => d.hosts.includes(h))) {
          for (const alias of a.aliases.filter((x) => d.aliases.includes(x))) {
            for (const port of a.ports ?? [443]) {
              for (const mode of a.modes) {
                if (!over.some((o) => o.hosts.includes(host) && o.aliases.includes(alias) && (o.ports ?? [443]).includes(port) && o.modes.includes(mode))) open.push(`${alias} ${mode} to ${host}:${port}`);
              }
            }
          }
        }
      }
      if (open.length > 0) add('POLICY_DENY_GAP', 'secrets-boundary.json', `/rules/${j}`, `secrets rule ${d.id} denies its paths but not ${[...new Set(open)].join(', ')}, which ${a.id} allows there`);
    }
  });
  pairs(b['trust-zones'].elevations, (x, y, _i, j) => {
    if (x.principal === y.principal && x.from === y.from && x.to === y.to) {
      add('POLICY_TIE_BREAK', 'trust-zones.json', `/elevations/${j}`, `elevation rules ${x.id} and ${y.id} name the same principal and zones; only the smallest id is used`);
    }
  });
  return out;
}
