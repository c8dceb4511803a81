/**
 * A request whose members are parsed as they are read, for a consumer that only reads them
 * by name (replay's evaluator reads 2-4 of them): JSON.parse of the whole request was the
 * largest single cost of a replay (~16% of the samples, more than both SHA-256 calls).
 *
 * `lazyRequest` gives a Proxy that behaves as JSON.parse's object would: any use other than
 * reading a member by name (keys, `in`, a descriptor, JSON.stringify, a write) first parses
 * the whole text into the proxy's target; values already read keep their identity. A reader
 * that knows it only reads by name takes the handler itself (`lazyFields`) and calls `field`,
 * skipping the proxy's trap and its invariant checks on every read (~4 reads an event).
 */

import type { SelEvent } from './types.js';

const QUOTE = 0x22;

/** The key under which a lazy request's get trap hands out its handler (no JSON key is a symbol). */
const FIELDS = Symbol('sel.lazyRequest');

/** Gives members of a plain object the prototype lookup a missing one has on JSON.parse's. */
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

export class LazyRequest implements ProxyHandler<Record<string, unknown>> {
  private whole = false;
  private values: unknown[] | null = null;

  constructor(
    private readonly text: string,
    /** Per member: key start, key end, value start, value end, relative to `text`. */
    private readonly spans: readonly number[],
    /** The proxy's target: empty until the whole text is parsed into it. */
    private readonly target: Record<string, unknown>,
  ) {}

  /** The member `name`, as `request[name]` reads it, without the proxy. */
  field(name: string): unknown {
    if (this.whole) return this.target[name];
    const k = this.find(name);
    return k >= 0 ? this.value(k) : EMPTY[name];
  }

  /**
   * The text of member `name`'s value as the line holds it (a JSON value, never with a raw
   * line break: a line has none), or undefined when there is no such member. Equal texts parse
   * to equal values, so a result computed from a member's value may be kept under its text.
   */
  rawField(name: string): string | undefined {
    const k = this.find(name);
    return k < 0 ? undefined : this.text.substring(this.spans[4 * k + 2]!, this.spans[4 * k + 3]!);
  }

  get(target: Record<string, unknown>, name: string | symbol, receiver: unknown): unknown {
    if (name === FIELDS) return this;
    return typeof name === 'string' ? this.field(name) : Reflect.get(target, name, receiver);
  }

  has(target: Record<string, unknown>, name: string | symbol): boolean {
    return Reflect.has(this.parsed(target), name);
  }

  ownKeys(target: Record<string, unknown>): (string | symbol)[] {
    return Reflect.ownKeys(this.parsed(target));
  }

  getOwnPropertyDescriptor(target: Record<string, unknown>, name: string | symbol): PropertyDescriptor | undefined {
    return Reflect.getOwnPropertyDescriptor(this.parsed(target), name);
  }

  set(target: Record<string, unknown>, name: string | symbol, value: unknown, receiver: unknown): boolean {
    return Reflect.set(this.parsed(target), name, value, receiver);
  }

  defineProperty(target: Record<string, unknown>, name: string | symbol, desc: PropertyDescriptor): boolean {
    return Reflect.defineProperty(this.parsed(target), name, desc);
  }

  deleteProperty(target: Record<string, unknown>, name: string | symbol): boolean {
    return Reflect.deleteProperty(this.parsed(target), name);
  }

  /** The member named `name`, or -1. Keys are compared on the text (they have no escapes). */
  private find(name: string): number {
    const spans = this.spans;
    for (let k = 0; k < spans.length; k += 4) {
      if (spans[k + 1]! - spans[k]! === name.length && this.text.startsWith(name, spans[k]!)) return k >> 2;
    }
    return -1;
  }

  private value(k: number): unknown {
    const values = (this.values ??= new Array<unknown>(this.spans.length >> 2));
    if (k in values) return values[k];
    const vs = this.spans[4 * k + 2]!;
    const ve = this.spans[4 * k + 3]!;
    let v: unknown;
    if (this.text.charCodeAt(vs) === QUOTE) {
      const body = this.text.substring(vs + 1, ve - 1);
      v = body.indexOf('\\') < 0 ? body : JSON.parse(this.text.substring(vs, ve));
    } else v = JSON.parse(this.text.substring(vs, ve));
    values[k] = v;
    return v;
  }

  /**
   * The whole request as a plain object, as JSON.parse gives it: the proxy's target, parsed.
   * What crosses to another thread (a proxy cannot be cloned).
   */
  plain(): Record<string, unknown> {
    return this.parsed(this.target);
  }

  /** The target, holding every member as JSON.parse gives it (values read before kept). */
  private parsed(target: Record<string, unknown>): Record<string, unknown> {
    if (this.whole) return target;
    this.whole = true;
    const all = JSON.parse(this.text) as Record<string, unknown>;
    const read = new Map<string, unknown>();
    if (this.values !== null) {
      for (let k = 0; k < this.values.length; k++) {
        if (k in this.values) read.set(this.text.substring(this.spans[4 * k]!, this.spans[4 * k + 1]!), this.values[k]);
      }
    }
    // defineProperty, not assignment: a member named __proto__ is data, as in JSON.parse; and
    // Object.keys orders the target's keys as it orders JSON.parse's (integer-like keys first).
    for (const key of Object.keys(all)) {
      const value = read.has(key) ? read.get(key) : all[key];
      Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    }
    return target;
  }
}

/** A request over `text` (a JSON object, canonical) whose members `spans` locates. */
export function lazyRequest(text: string, spans: readonly number[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, new LazyRequest(text, spans, target));
}

/** The handler behind a lazy request, or undefined for any other object (a plain JSON.parse result). */
export function lazyFields(request: Readonly<Record<string, unknown>>): LazyRequest | undefined {
  return (request as { readonly [FIELDS]?: LazyRequest })[FIELDS];
}

/**
 * The event with its request as JSON.parse gives it: a request parsed as it is read (a proxy)
 * is parsed whole into a plain object: what crosses to another thread (a proxy cannot be
 * cloned).
 */
export function plainEvent(e: SelEvent | null): SelEvent | null {
  const fields = e === null ? undefined : lazyFields(e.request);
  return fields === undefined ? e : { ...e!, request: fields.plain() };
}
