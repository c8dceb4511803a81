/**
 * `sel policy check`: the bundle's validity problems and lints, as findings at file:line.
 * Pure: takes the loaded bundle (and the texts, for line numbers).
 */
import { getPublicSuffix } from 'tldts';
import { makeFinding, type Finding } from '../findings/finding.js';
import type { FindingCode } from '../findings/codes.js';
import type { LoadedBundle } from './bundle.js';
import { ACTION_RANK, hostMatches, hostPattern } from './compile.js';
import { workspaceSegments, ZONE_RANK } from './evaluate.js';
import { lineIndex } from './positions.js';
import { lowerSegments, prefixSegments, unmatchableUrlPrefix } from './url.js';
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

/** Combinations the deny-gap lint looks at in one bundle, and open ones a finding lists. */
const LINT_COMBINATIONS = 20_000_000;
const MAX_LISTED = 20;

export function lintBundle(loaded: LoadedBundle, dirLabel: string): Finding[] {
  const out: Finding[] = [];
  const indexes = new Map<string, (pointer: string) => number>();
  const lineIn = (file: string, pointer: string): number => {
    let index = indexes.get(file);
    if (index === undefined) indexes.set(file, (index = lineIndex(loaded.texts.get(file) ?? '')));
    return index(pointer);
  };
  const at = (file: string, pointer: string) => ({ file: `${dirLabel}/${file}`, line: lineIn(file, pointer) });
  const add = (code: FindingCode, file: string, pointer: string, message: string, detail?: Record<string, unknown>, line?: number) =>
    out.push(makeFinding(code, { location: line === undefined ? at(file, pointer) : { file: `${dirLabel}/${file}`, line }, message, detail: { pointer, ...detail } }));

  if (!loaded.ok) {
    // A file that is not strict JSON at the line where it stops being (its text is not walked).
    for (const p of loaded.problems) add('POLICY_INVALID', p.file, p.pointer, p.message, { problem: p.kind }, p.line);
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

  // Each rule's lists as sets, made once: a rule may list every port (65 535) or thousands of
  // hosts and aliases, and a lookup in a list per combination took minutes (found by review).
  type Sets = { hosts: ReadonlySet<string>; aliases: ReadonlySet<string>; modes: ReadonlySet<string>; ports: ReadonlySet<number>; schemes: ReadonlySet<string>; methods: ReadonlySet<string> };
  const setsOf = new Map<object, Sets>();
  const sets = (r: { hosts?: readonly string[]; host?: string; aliases?: readonly string[]; modes?: readonly string[]; ports?: readonly number[]; schemes?: readonly string[]; methods?: readonly string[] }): Sets => {
    let s = setsOf.get(r);
    if (s === undefined) {
      setsOf.set(r, (s = {
        hosts: new Set(r.hosts ?? (r.host === undefined ? [] : [r.host])),
        aliases: new Set(r.aliases ?? []),
        modes: new Set(r.modes ?? []),
        ports: new Set(r.ports ?? [443]),
        schemes: new Set(r.schemes ?? ['https']),
        methods: new Set(r.methods ?? []),
      }));
    }
    return s;
  };
  const secretSets = sets;
  // Overlaps that only the tie-break resolves: each item is reported once, with the first item
  // before it that it ties with (a finding per pair made 3 000 grants for one principal 4.5
  // million findings; found by review). `f` says whether the two tie.
  const pairs = <T>(items: readonly T[], f: (a: T, b: T, i: number, j: number) => boolean) => {
    for (let j = 1; j < items.length; j++) for (let i = 0; i < j; i++) if (f(items[i]!, items[j]!, i, j)) break;
  };
  const overlap = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined, dflt: readonly T[]) =>
    (a ?? dflt).some((x) => (b ?? dflt).includes(x));
  pairs(b.capabilities.grants, (x, y, _i, j) => {
    if (x.principal === y.principal && x.zones.some((z) => y.zones.includes(z))) {
      add('POLICY_TIE_BREAK', 'capabilities.json', `/grants/${j}`, `grants ${x.id} and ${y.id} both apply to principal ${x.principal} in a shared zone; only the smallest id (${x.id < y.id ? x.id : y.id}) is used`);
      return true;
    }
    return false;
  });
  const gate = (effect: string, severity: keyof PolicyBundle['severity-gating']['gates']) =>
    effect === 'deny' ? ACTION_RANK.block : ACTION_RANK[b['severity-gating'].gates[severity]];
  // Path prefixes two rules share as the evaluator compares them: a deny rule's in any case.
  // Each rule's prefixes as a set, as written and lowercased: made once, not once per pair.
  const pathSets = new Map<object, { exact: ReadonlySet<string>; folded: ReadonlySet<string> }>();
  const pathsOf = (y: { paths?: readonly string[] }) => {
    let s = pathSets.get(y);
    if (s === undefined) pathSets.set(y, (s = { exact: new Set(y.paths ?? ['/']), folded: new Set((y.paths ?? ['/']).map(foldPrefix)) }));
    return s;
  };
  const sharedPaths = (x: { paths?: readonly string[]; effect: string }, y: { paths?: readonly string[]; effect: string }): string[] => {
    const fold = x.effect === 'deny' || y.effect === 'deny';
    const theirs = fold ? pathsOf(y).folded : pathsOf(y).exact;
    return (x.paths ?? ['/']).filter((p) => theirs.has(fold ? foldPrefix(p) : p));
  };
  pairs(b['network-egress'].rules, (x, y, _i, j) => {
    if (x.host !== y.host || !overlap(x.schemes, y.schemes, ['https']) || !overlap(x.ports, y.ports, [443]) || !overlap(x.methods, y.methods, [])) return false;
    const shared = sharedPaths(x, y);
    if (shared.length === 0) return false;
    const how = gate(x.effect, x.severity) === gate(y.effect, y.severity) ? 'the smallest id' : 'the strictest action';
    add('POLICY_TIE_BREAK', 'network-egress.json', `/rules/${j}`, `egress rules ${x.id} and ${y.id} match ${x.host}${shared[0]} with equal specificity; ${how} decides`);
    return true;
  });
  pairs(b['secrets-boundary'].rules, (x, y, _i, j) => {
    const sy = secretSets(y);
    if (!x.aliases.some((a) => sy.aliases.has(a)) || !x.modes.some((m) => sy.modes.has(m))) return false;
    if (!x.hosts.some((h) => sy.hosts.has(h)) || !(x.ports ?? [443]).some((p) => sy.ports.has(p))) return false;
    if (sharedPaths(x, y).length === 0) return false;
    add('POLICY_TIE_BREAK', 'secrets-boundary.json', `/rules/${j}`, `secrets rules ${x.id} and ${y.id} cover the same alias, mode, host and path with equal specificity`);
    return true;
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
  // Folded as the evaluator folds them (url.ts lowerSegments: upper case, then lower), not by
  // toLowerCase: a deny rule on `/hookſ` (long s) denies `/hooks` there, and was left out of the
  // rules covering it (a gap reported that the evaluator closes, found by review).
  // Made once per prefix: a rule may list thousands of prefixes, compared with thousands.
  const segsMade = new Map<string, string[]>();
  const segsOf = (p: string): string[] => {
    let s = segsMade.get(p);
    if (s === undefined) segsMade.set(p, (s = lowerSegments(prefixSegments(p))));
    return s;
  };
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
  // The combinations looked at for gaps, over the whole bundle, and the open ones a finding
  // lists: bounded, so a hostile bundle cannot make the gate run for hours or hold gigabytes
  // (a 164 KB secrets-boundary.json listed 9 million open combinations in one message). Past
  // the budget, a deny rule still to be checked is reported as not checked: a warning, never a
  // silent pass.
  let budget = LINT_COMBINATIONS;
  /** The first MAX_LISTED open combinations, and whether there are more. */
  class Open {
    readonly first = new Set<string>();
    more = false;
    add(what: string): void {
      if (this.first.size < MAX_LISTED) this.first.add(what);
      else if (!this.first.has(what)) this.more = true;
    }
    get size(): number {
      return this.first.size;
    }
    toString(): string {
      return `${[...this.first].join(', ')}${this.more ? ' and more' : ''}`;
    }
  }
  const egress = b['network-egress'].rules;
  // The prefixes a denied path is compared with spend the budget too: a deny rule of 5 000
  // prefixes in an allow rule of 3 000 took a minute before any combination was counted (found
  // by mutation testing).
  const denyPrefixes = new Map<string, number>();
  for (const o of egress) if (o.effect === 'deny') denyPrefixes.set(o.host, (denyPrefixes.get(o.host) ?? 0) + (o.paths ?? ['/']).length);
  egress.forEach((d, j) => {
    if (d.effect !== 'deny') return;
    for (const a of egress) {
      if (a.effect !== 'allow' || a.host !== d.host) continue;
      const open = new Open();
      let unchecked = false;
      const compared = (a.paths ?? ['/']).length + denyPrefixes.get(d.host)!;
      for (const path of d.paths ?? ['/']) {
        if (compared > budget) {
          unchecked = true;
          break;
        }
        budget -= compared;
        const mine = prefixDepth(path, a.paths);
        if (mine < 0 || (a.max_depth !== undefined && a.max_depth < segsOf(path).length)) continue;
        const over = egress.filter((o) => o.effect === 'deny' && o.host === d.host && prefixDepth(path, o.paths) >= mine);
        const combinations = (a.schemes ?? ['https']).length * (a.ports ?? [443]).length * a.methods.length * Math.max(1, over.length);
        if (combinations > budget) {
          unchecked = true;
          break;
        }
        budget -= combinations;
        for (const scheme of a.schemes ?? ['https']) {
          for (const port of a.ports ?? [443]) {
            for (const method of a.methods) {
              const covering = over.filter((o) => sets(o).schemes.has(scheme) && sets(o).ports.has(port) && sets(o).methods.has(method));
              const reach = covering.some((o) => o.max_depth === undefined) ? undefined : Math.max(-1, ...covering.map((o) => o.max_depth!));
              const what = `${method} ${scheme}:${port}${path === (d.paths ?? ['/'])[0] ? '' : ` on ${path}`}`;
              if (covering.length === 0) open.add(what);
              else if (reach !== undefined && (a.max_depth === undefined || a.max_depth > reach)) open.add(`${what} deeper than ${reach} segments`);
            }
          }
        }
      }
      if (unchecked) add('POLICY_DENY_GAP', 'network-egress.json', `/rules/${j}`, `egress rule ${d.id} was not checked for gaps against ${a.id}: the bundle has more than ${LINT_COMBINATIONS} scheme, port and method combinations to check; narrow the rules`, { unchecked: true });
      else if (open.size > 0) add('POLICY_DENY_GAP', 'network-egress.json', `/rules/${j}`, `egress rule ${d.id} denies ${d.host}${(d.paths ?? ['/'])[0]} but not ${String(open)}, which ${a.id} allows there`);
    }
  });
  // A deny rule on a wildcard host does not reach a host a more specific rule names: the
  // evaluator takes only the exact-host rules for a host that has any, and the longest wildcard
  // among wildcards, whatever their paths (found by review: a deny rule on *.example.com/admin
  // let GET https://api.example.com/admin pass an allow rule on api.example.com). Where a deny
  // rule names that host too, the gap check above compares them.
  const deniedHosts = new Set(egress.filter((o) => o.effect === 'deny').map((o) => o.host));
  egress.forEach((d, j) => {
    const dh = hostPattern(d.host);
    if (d.effect !== 'deny' || !dh.wildcard) return;
    for (const a of egress) {
      const meets = a.effect === 'allow' && hostMatches(dh, hostPattern(a.host).base, true) && !deniedHosts.has(a.host) &&
        overlap(a.schemes, d.schemes, ['https']) && overlap(a.ports, d.ports, [443]) && overlap(a.methods, d.methods, []);
      // Each pair looked at spends the budget, one whose paths are compared a pair of prefixes
      // each: a bundle of many rules cannot run for hours.
      const cost = meets ? (d.paths ?? ['/']).length * (a.paths ?? ['/']).length : 1;
      if (cost > budget) {
        add('POLICY_DENY_GAP', 'network-egress.json', `/rules/${j}`, `egress rule ${d.id} was not checked for gaps on the hosts more specific rules name: the bundle has more than ${LINT_COMBINATIONS} combinations to check; narrow the rules`, { unchecked: true });
        break;
      }
      budget -= cost;
      if (!meets) continue;
      // A path under a prefix of each, within both rules' max_depth.
      const path = (d.paths ?? ['/']).find((p) => (a.paths ?? ['/']).some((q) => {
        if (prefixDepth(p, [q]) < 0 && prefixDepth(q, [p]) < 0) return false;
        const deepest = Math.max(segsOf(p).length, segsOf(q).length);
        return (a.max_depth ?? Infinity) >= deepest && (d.max_depth ?? Infinity) >= deepest;
      }));
      if (path !== undefined) {
        add('POLICY_DENY_GAP', 'network-egress.json', `/rules/${j}`, `egress rule ${d.id} denies ${d.host}${path} but not on ${a.host}, where the more specific ${a.id} is the rule that applies and allows it`, { host: a.host });
      }
    }
  });
  const secrets = b['secrets-boundary'].rules;
  const secretDenyPrefixes = secrets.reduce((n, o) => n + (o.effect === 'deny' ? (o.paths ?? ['/']).length : 0), 0);
  secrets.forEach((d, j) => {
    if (d.effect !== 'deny') return;
    const ds = sets(d);
    for (const a of secrets) {
      // A rule that shares no host or alias with the deny rule leaves it no combination to check.
      if (a.effect !== 'allow' || !a.hosts.some((h) => ds.hosts.has(h)) || !a.aliases.some((x) => ds.aliases.has(x))) continue;
      const open = new Open();
      let unchecked = false;
      const compared = (a.paths ?? ['/']).length + secretDenyPrefixes;
      for (const path of d.paths ?? ['/']) {
        if (compared > budget) {
          unchecked = true;
          break;
        }
        budget -= compared;
        const mine = prefixDepth(path, a.paths);
        if (mine < 0) continue;
        const over = secrets.filter((o) => o.effect === 'deny' && prefixDepth(path, o.paths) >= mine);
        const hosts = a.hosts.filter((h) => ds.hosts.has(h));
        const aliases = a.aliases.filter((x) => ds.aliases.has(x));
        const combinations = hosts.length * aliases.length * (a.ports ?? [443]).length * a.modes.length * Math.max(1, over.length);
        if (combinations > budget) {
          unchecked = true;
          break;
        }
        budget -= combinations;
        for (const host of hosts) {
          for (const alias of aliases) {
            for (const port of a.ports ?? [443]) {
              for (const mode of a.modes) {
                if (!over.some((o) => sets(o).hosts.has(host) && sets(o).aliases.has(alias) && sets(o).ports.has(port) && sets(o).modes.has(mode))) open.add(`${alias} ${mode} to ${host}:${port}`);
              }
            }
          }
        }
      }
      if (unchecked) add('POLICY_DENY_GAP', 'secrets-boundary.json', `/rules/${j}`, `secrets rule ${d.id} was not checked for gaps against ${a.id}: the bundle has more than ${LINT_COMBINATIONS} host, alias, port and mode combinations to check; narrow the rules`, { unchecked: true });
      else if (open.size > 0) add('POLICY_DENY_GAP', 'secrets-boundary.json', `/rules/${j}`, `secrets rule ${d.id} denies its paths but not ${String(open)}, which ${a.id} allows there`);
    }
  });
  // As for egress: a secrets deny rule's wildcard host does not reach a host that a more
  // specific allow rule for the same alias names (found by review: a deny rule for GITHUB_TOKEN
  // on *.github.com/repos/acme let it be injected on api.github.com/repos/acme/x).
  const secretDeniedHosts = new Set(secrets.filter((o) => o.effect === 'deny').flatMap((o) => o.hosts));
  secrets.forEach((d, j) => {
    const wild = d.hosts.map(hostPattern).filter((h) => h.wildcard);
    if (d.effect !== 'deny' || wild.length === 0) return;
    const ds = sets(d);
    for (const a of secrets) {
      const meets = a.effect === 'allow' && a.aliases.some((x) => ds.aliases.has(x)) && a.modes.some((m) => ds.modes.has(m)) && (a.ports ?? [443]).some((p) => ds.ports.has(p));
      const cost = meets ? a.hosts.length * wild.length * (d.paths ?? ['/']).length * (a.paths ?? ['/']).length : 1;
      if (cost > budget) {
        add('POLICY_DENY_GAP', 'secrets-boundary.json', `/rules/${j}`, `secrets rule ${d.id} was not checked for gaps on the hosts more specific rules name: the bundle has more than ${LINT_COMBINATIONS} combinations to check; narrow the rules`, { unchecked: true });
        break;
      }
      budget -= cost;
      if (!meets) continue;
      const host = a.hosts.find((h) => !secretDeniedHosts.has(h) && wild.some((w) => hostMatches(w, hostPattern(h).base, true)));
      if (host === undefined) continue;
      const path = (d.paths ?? ['/']).find((p) => (a.paths ?? ['/']).some((q) => prefixDepth(p, [q]) >= 0 || prefixDepth(q, [p]) >= 0));
      if (path !== undefined) {
        add('POLICY_DENY_GAP', 'secrets-boundary.json', `/rules/${j}`, `secrets rule ${d.id} denies its aliases on ${path} but not on ${host}, where the more specific ${a.id} is the rule that applies and allows them`, { host });
      }
    }
  });
  // The evaluator refuses a request that goes to the same zone or down before it looks for a
  // rule, so such a rule never applies (found by mutation testing of the evaluator).
  b['trust-zones'].elevations.forEach((r, i) => {
    if (ZONE_RANK[r.to] <= ZONE_RANK[r.from]) {
      add('POLICY_NOT_AN_ELEVATION', 'trust-zones.json', `/elevations/${i}`, `elevation rule ${r.id} names ${r.from} to ${r.to}, which is no elevation: the evaluator blocks such a request before it looks for a rule, so this one never applies`);
    }
  });
  pairs(b['trust-zones'].elevations, (x, y, _i, j) => {
    if (x.principal !== y.principal || x.from !== y.from || x.to !== y.to) return false;
    add('POLICY_TIE_BREAK', 'trust-zones.json', `/elevations/${j}`, `elevation rules ${x.id} and ${y.id} name the same principal and zones; only the smallest id is used`);
    return true;
  });
  // Items the evaluator keeps one of per key (compile.ts: the smallest id), so the others are
  // never read: a second MCP server entry's tools and url, a second pin's artifacts. Each later
  // item is reported with the first of its key, naming the one compile.ts kept. By key, not by
  // pairs: a bundle of many pins costs one pass.
  const compiled = loaded.policy;
  const sameKey = <T extends { id: string }>(items: readonly T[], key: (t: T) => string, report: (first: T, later: T, j: number, used: string) => void) => {
    const firstOf = new Map<string, T>();
    items.forEach((y, j) => {
      const k = key(y);
      const x = firstOf.get(k);
      if (x === undefined) firstOf.set(k, y);
      else report(x, y, j, k);
    });
  };
  sameKey(b['trust-zones'].mcp_servers, (m) => m.server, (x, y, j, server) => {
    add('POLICY_TIE_BREAK', 'trust-zones.json', `/mcp_servers/${j}`, `MCP server entries ${x.id} and ${y.id} both declare server ${server}; only the smallest id (${compiled.mcpByServer.get(server)!.id}) is used, with its url and tools`);
  });
  sameKey(b.extensions.pins, (p) => `${p.extension}@${p.version}`, (x, y, j, pinned) => {
    add('POLICY_TIE_BREAK', 'extensions.json', `/pins/${j}`, `pins ${x.id} and ${y.id} both pin ${pinned}; only the smallest id (${compiled.pins.get(pinned)!.id}) is used, with its artifacts`);
  });

  // Path prefixes no request path can be under: the evaluator refuses such paths before any
  // rule sees them (url.ts, evaluate.ts), so a deny rule on one never denies, and an allow rule
  // or grant on one never allows.
  const neverMatches = (file: string, pointer: string, what: string, effect: 'allow' | 'deny', prefix: string, why: string | null) => {
    if (why === null) return;
    const consequence = effect === 'deny' ? 'it never denies anything' : 'it never allows anything';
    add('POLICY_PATH_UNMATCHABLE', file, pointer, `${what}: no request path is under ${JSON.stringify(prefix)}, since ${why}; ${consequence}`, { effect });
  };
  // A prefix deeper than the rule's own max_depth is one too: a path under it has at least as
  // many segments, more than the rule takes (found by review: a deny rule on
  // /repos/acme/app/hooks with max_depth 3 never denied, and nothing said so).
  egress.forEach((r, i) => {
    (r.paths ?? []).forEach((p, k) => {
      const depth = prefixSegments(p).length;
      const why = unmatchableUrlPrefix(p) ?? (r.max_depth !== undefined && depth > r.max_depth ? `the rule takes paths of at most ${r.max_depth} segments and it has ${depth}` : null);
      neverMatches('network-egress.json', `/rules/${i}/paths/${k}`, `egress rule ${r.id}`, r.effect, p, why);
    });
  });
  secrets.forEach((r, i) => {
    (r.paths ?? []).forEach((p, k) => neverMatches('secrets-boundary.json', `/rules/${i}/paths/${k}`, `secrets rule ${r.id}`, r.effect, p, unmatchableUrlPrefix(p)));
  });
  b.capabilities.grants.forEach((g, i) => {
    for (const access of ['read', 'write'] as const) {
      (g.workspace?.[access] ?? []).forEach((p, k) => {
        // A prefix the evaluator's own path check refuses is under no path it takes (the
        // schema leaves it only "." and ".." segments to refuse).
        const dot = prefixSegments(p).find((s) => s === '.' || s === '..');
        const why = workspaceSegments(p) !== null ? null : dot === undefined ? 'the evaluator refuses every path it starts' : `a request path with a "${dot}" segment is refused`;
        neverMatches('capabilities.json', `/grants/${i}/workspace/${access}/${k}`, `grant ${g.id} (workspace ${access})`, 'allow', p, why);
      });
    }
  });
  return out;
}

/** A deny rule's path prefix as the evaluator compares it, in any case (compile.ts, url.ts lowerSegments). */
function foldPrefix(p: string): string {
  return `/${lowerSegments(prefixSegments(p)).join('/')}`;
}
