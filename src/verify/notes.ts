/**
 * What a command notes of each accepted event: a release gate's facts (src/gate/facts.ts), or
 * impact's decision under another version (src/replay/impact.ts). A note is made where the
 * event is parsed, by the same code on every thread: with `--jobs N` in the thread that
 * checked the line, which sends it with the event's record only when there is something to
 * note, so that replay stays in the workers and no whole event crosses; on one thread by the
 * run (run.ts), before the record reaches the command. Either way the command reads
 * `rec.note` and nothing else of the event, so what it reads cannot depend on how many
 * threads made it.
 */
import type { SelEvent } from '../envelope/types.js';
import { gateFacts, type GateFacts } from '../gate/facts.js';
import type { ImpactNote } from '../replay/impact.js';
import type { BundleFiles } from './worker-protocol.js';

/** What to note, as data: every thread makes its noter from it (makeNoter). */
export type NoteSpec =
  /** A release gate: `policyHash` is the bundle --policy-at names (null: none). */
  | { readonly kind: 'gate'; readonly policyHash: string | null }
  /** `sel impact`: each event evaluated under this version, with this ledger (files by path). */
  | { readonly kind: 'impact'; readonly bundle: BundleFiles; readonly ledger: readonly [string, Uint8Array][] };

export type EventNote = GateFacts | ImpactNote;

/** The note of an accepted record's event (null: its line failed a check); null: nothing to note. */
export type Noter = (e: SelEvent | null) => EventNote | null;

export async function makeNoter(spec: NoteSpec): Promise<Noter> {
  if (spec.kind === 'gate') {
    const policyHash = spec.policyHash;
    return (e) => (e === null ? null : gateFacts(e, policyHash));
  }
  const [{ impactOf }, { loadBundleFiles, ledgerFromFiles }] = await Promise.all([import('../replay/impact.js'), import('./bundle-files.js')]);
  const loaded = loadBundleFiles(spec.bundle);
  if (!loaded.ok) throw new Error(`bundle ${spec.bundle.hash} is not valid`);
  const ledger = ledgerFromFiles(spec.ledger);
  return (e) => impactOf(loaded.policy, e, ledger);
}

/** A gate's note of a record (null: nothing to note). A run makes one kind of note only. */
export function gateNote(rec: { readonly note?: EventNote }): GateFacts | null {
  const n = rec.note;
  if (n === undefined) return null;
  if (n.type !== 'gate') throw new Error(`a gate read an ${n.type} note`);
  return n;
}

/** impact's note of a record (null: evaluated, and it would decide as recorded). */
export function impactNote(rec: { readonly note?: EventNote }): ImpactNote | null {
  const n = rec.note;
  if (n === undefined) return null;
  if (n.type !== 'impact') throw new Error(`impact read a ${n.type} note`);
  return n;
}
