/**
 * A copy of a string that keeps nothing else alive. A text read from a log line is a slice of
 * it (or of the chunk it came in): kept as a key or a value beyond its line, it would keep the
 * whole line in memory. Code unit by code unit, so every string stays itself, a lone surrogate
 * too (a UTF-8 round trip made two such names one). `(' ' + s).slice(1)`: V8 flattens the
 * joined string into a new one, of which the result is a slice or a copy; ~50 ns for 40
 * characters, against ~300 ns through a Buffer and ~550 ns by split and join.
 */
export function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}
