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

/** The versions whose policy is compiled and kept, at most `max` (the least recently used let go first). */
export class CompiledCache {
  /** In the order they were last read, least recently first. */
  private readonly kept = new Set<OnDemandBundle>();
  /** The last one read: a replay reads the same version event after event. */
  private last: OnDemandBundle | null = null;

  constructor(private readonly max: number) {}

  /** `v`'s policy was just read (compiled or kept). */
  touch(v: OnDemandBundle): void {
    if (this.last === v) return;
    this.last = v;
    this.kept.delete(v);
    this.kept.add(v);
    if (this.kept.size > this.max) {
      const oldest = this.kept.values().next().value!;
      this.kept.delete(oldest);
      oldest.drop();
    }
  }
}

/**
 * A valid version whose policy is compiled from its texts when it is first read, and again
 * after its cache let it go: memory grows with the versions a log names, not with those the
 * history holds (16 000 versions, every one compiled, peaked at 660 MB). A class with the
 * policy in a field: read twice an event by replay, a getter that looked the version up in the
 * cache by its hash made a 100 MB replay ~3% slower.
 */
class OnDemandBundle {
  readonly ok = true as const;
  private compiled: CompiledPolicy | null = null;

  constructor(
    readonly hash: string,
    readonly texts: ReadonlyMap<string, string>,
    private readonly inherited: readonly (readonly [string, string])[],
    private readonly cache: CompiledCache,
  ) {}

  get policy(): CompiledPolicy {
    let p = this.compiled;
    if (p === null) {
      const read = reloadBundle(this.hash, this.texts, this.inherited);
      if (!read.ok) throw new Error(`bundle ${this.hash} reloads as invalid`);
      p = this.compiled = read.policy;
    }
    this.cache.touch(this);
    return p;
  }

  /** Lets the compiled policy go (CompiledCache): read again, it is compiled again. */
  drop(): void {
    this.compiled = null;
  }
}

/**
 * A version from its files, compiled with the reserved names its history adds (history.ts), as
 * the index first read it: files that load as another version are an internal error.
 */
export function reloadBundle(hash: string, texts: ReadonlyMap<string, string>, inherited: readonly (readonly [string, string])[]): LoadedBundle {
  const read = loadBundle(texts);
  if (read.hash !== hash) throw new Error(`bundle ${hash} reloads as ${read.hash}`);
  return read.ok ? { ...read, policy: withReserved(read.policy, inherited) } : read;
}

export function compiledOnDemand(hash: string, texts: ReadonlyMap<string, string>, inherited: readonly (readonly [string, string])[], cache: CompiledCache): LoadedBundle {
  return new OnDemandBundle(hash, texts, inherited, cache);
}
