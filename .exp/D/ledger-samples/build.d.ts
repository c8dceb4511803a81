import { type EventInput } from '../src/producer/producer.js';
/** A plausible SEL event for position i of a chain (deterministic). */
export declare function sampleEvent(i: number, chain: string, stepMs?: number): EventInput;
export interface Expected {
    readonly code: string;
    readonly line: number;
    readonly seq: number | null;
}
/** Writes every sample under `root` (the `ledger-samples` directory). */
export declare function buildSamples(root: string): void;
