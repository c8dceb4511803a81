/**
 * Policy versions compiled when they are read (history.ts's index, a worker's versions,
 * unit.ts): a version's compiled policy is ~25 KB, and a history may hold thousands.
 */
import { loadBundle, type LoadedBundle } from './bundle.js';
import { withReserved, type CompiledPolicy } from './compile.js';

/**
 * Compiled policies kept at once. A version's compiled policy is ~25 KB; compiling one again
 * from its texts takes ~0.3 ms, paid only by a log that names more versions than this in turn.
 */
export const COMPILED_KEPT = 256;

/** The most recently used compiled policies, by bundle hash (least recently used dropped first). */
export class CompiledCache {
  private readonly kept = new Map<string, CompiledPolicy>();
  /** The last one asked for: a replay asks for the same version event after event. */
  private lastHash = '';
  private last: CompiledPolicy | null = null;

  constructor(private readonly max: number) {}

  get(hash: string, make: () => CompiledPolicy): CompiledPolicy {
    if (hash === this.lastHash && this.last !== null) return this.last;
    let p = this.kept.get(hash);
    if (p !== undefined) {
      this.kept.delete(hash);
    } else {
      p = make();
      if (this.kept.size >= this.max) this.kept.delete(this.kept.keys().next().value!);
    }
    this.kept.set(hash, p);
    this.lastHash = hash;
    this.last = p;
    return p;
  }
}

/**
 * A valid version whose policy is compiled from its texts when it is first read, and again after `cache` dropped it: memory grows
 * with the versions a log names, not with those the history holds (16 000 versions, every
 * one compiled, peaked at 660 MB).
 */
export function compiledOnDemand(hash: string, texts: ReadonlyMap<string, string>, inherited: readonly (readonly [string, string])[], cache: CompiledCache): LoadedBundle {
  const make = (): CompiledPolicy => {
    const read = loadBundle(texts);
    if (!read.ok || read.hash !== hash) throw new Error(`bundle ${hash} reloads as ${read.hash ?? 'invalid'}`);
    return withReserved(read.policy, inherited);
  };
  return {
    ok: true,
    hash,
    texts,
    get policy(): CompiledPolicy {
      return cache.get(hash, make);
    },
  };
}
