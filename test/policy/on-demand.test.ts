/**
 * The policy index and the workers keep a version's files and compile its policy when it is
 * read (on-demand.ts, compiledOnDemand): what is compiled again after the cache dropped it must
 * be the policy the version had, reserved names it inherits included.
 */
import { describe, expect, it } from 'vitest';
import { CompiledCache, compiledOnDemand } from '../../src/policy/on-demand.js';
import { loadBundleFiles } from '../../src/verify/bundle-files.js';
import { bundleOf, edited, run, input, d } from '../helpers/policy.js';

function version(edit: (f: Record<string, any>) => void) {
  const b = bundleOf(edited(edit));
  if (!b.ok) throw new Error(JSON.stringify(b.problems));
  return b;
}

describe('policies compiled on demand', () => {
  const a = version((f) => f['capabilities'].grants[0].caps = { ...f['capabilities'].grants[0].caps, memory_mb: 111 });
  const b = version((f) => f['capabilities'].grants[0].caps = { ...f['capabilities'].grants[0].caps, memory_mb: 222 });
  const inherited = [['deploy-prod', 'deploy-prod']] as const;

  it('compiles once while the version is kept, and again, with what it inherits, after it was dropped', () => {
    const cache = new CompiledCache(1);
    const va = compiledOnDemand(a.hash, a.texts, inherited, cache);
    const vb = compiledOnDemand(b.hash, b.texts, [], cache);
    if (!va.ok || !vb.ok) throw new Error('not ok');
    const first = va.policy;
    expect(va.policy).toBe(first);
    expect([...first.reserved.values()]).toContain('deploy-prod');
    expect([...a.policy.reserved.values()]).not.toContain('deploy-prod');
    expect([...vb.policy.reserved.values()]).not.toContain('deploy-prod');
    const again = va.policy; // b took the only place: a is compiled again
    expect(again).not.toBe(first);
    expect([...again.reserved]).toEqual([...first.reserved]);
    expect(again.hash).toBe(a.hash);
    // The inherited name still blocks a registration under the version compiled again.
    const register = input('tool.register', 'coder', 'executor', { name: 'deploy-prod' });
    expect(d(run(again, register))).toBe(d(run(first, register)));
    expect(d(run(again, register))).not.toBe(d(run(a.policy, register)));
  });

  it('keeps the most recently used', () => {
    const cache = new CompiledCache(2);
    const c = version((f) => f['capabilities'].grants[0].caps = { ...f['capabilities'].grants[0].caps, memory_mb: 333 });
    const [va, vb, vc] = [a, b, c].map((x) => compiledOnDemand(x.hash, x.texts, [], cache));
    if (!va!.ok || !vb!.ok || !vc!.ok) throw new Error('not ok');
    const pa = va!.policy;
    const pb = vb!.policy;
    expect(va!.policy).toBe(pa); // a is now the most recent: b is let go next
    void vc!.policy;
    expect(va!.policy).toBe(pa);
    expect(vb!.policy).not.toBe(pb);
    expect(vb!.policy.hash).toBe(b.hash);
  });

  it('refuses files that no longer load as the version they were read as', () => {
    const cache = new CompiledCache(4);
    const v = compiledOnDemand(a.hash, b.texts, [], cache);
    if (!v.ok) throw new Error('not ok');
    expect(() => v.policy).toThrow(/reloads as/);
  });

  it('a version sent as files (impact\'s notes on every thread) is compiled with the reserved names it inherits (from mutation testing)', () => {
    const loaded = loadBundleFiles({ hash: a.hash, files: [...a.texts], inherited });
    if (!loaded.ok) throw new Error('not ok');
    expect(loaded.hash).toBe(a.hash);
    expect([...loaded.policy.reserved.values()]).toContain('deploy-prod');
    const register = input('tool.register', 'coder', 'executor', { name: 'deploy-prod' });
    expect(d(run(loaded.policy, register))).not.toBe(d(run(a.policy, register)));
    expect(() => loadBundleFiles({ hash: a.hash, files: [...b.texts], inherited: [] })).toThrow(/reloads as/);
  });
});
