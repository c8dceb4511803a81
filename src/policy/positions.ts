/**
 * Where a JSON Pointer points in a JSON text, as a 1-based line number, so that findings
 * about policy files name the line a person should edit. The text has already passed the
 * strict scanner; this walks it once with an explicit stack (no recursion).
 */

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * `lineOf` for many pointers into one text: the text is walked once, and each answer is a
 * lookup (a bundle's findings can be many, and walking a 4 MiB file per finding made
 * `sel policy check` of a hostile bundle run for hours; found by review).
 */
export function lineIndex(text: string): (pointer: string) => number {
  const lines = new Map<string, number>();
  walk(text, (path, line) => {
    const key = JSON.stringify(path);
    if (!lines.has(key)) lines.set(key, line);
  });
  return (pointer) => {
    const want = decodePointer(pointer);
    for (let k = want.length; k >= 0; k--) {
      const line = lines.get(JSON.stringify(want.slice(0, k)));
      if (line !== undefined) return line;
    }
    return 1;
  };
}

/** The line of the value at `pointer` (or of its deepest existing ancestor); 1 if none. */
export function lineOf(text: string, pointer: string): number {
  const want = decodePointer(pointer);
  let best = 1;
  let bestDepth = -1;
  walk(text, (path, line) => {
    // A value starts here, at `path`: is it (a prefix of) the pointer?
    const depth = path.length;
    if (depth <= want.length && path.every((p, i) => p === want[i]) && depth > bestDepth) {
      best = line;
      bestDepth = depth;
    }
  });
  return best;
}

/** Calls `visit` with the path and line of every value's start, in text order. */
function walk(text: string, visit: (path: readonly string[], line: number) => void): void {
  const path: string[] = [];
  const stack: { kind: 'object' | 'array'; index: number; key: string | null }[] = [];
  let line = 1;
  let expectKey = false;
  const atValue = () => {
    visit(path, line);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ':') continue;
    if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') {
        top.index++;
        path[path.length - 1] = String(top.index);
      } else if (top?.kind === 'object') {
        expectKey = true;
        path.pop();
      }
      continue;
    }
    if (c === '}' || c === ']') {
      const top = stack.pop();
      if (top !== undefined && (top.kind === 'array' ? top.index >= 0 : top.key !== null)) path.pop();
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          s += text.slice(j, j + 2);
          j += 2;
        } else s += text[j++];
      }
      const str = JSON.parse(`"${s}"`) as string;
      i = j;
      if (expectKey) {
        expectKey = false;
        const top = stack[stack.length - 1]!;
        top.key = str;
        path.push(str);
        continue;
      }
      atValue();
      continue;
    }
    if (c === '{' || c === '[') {
      atValue();
      const kind = c === '{' ? 'object' : 'array';
      stack.push({ kind, index: 0, key: null });
      if (kind === 'object') expectKey = true;
      else {
        // Peek: an empty array has no element 0.
        let k = i + 1;
        while (k < text.length && /\s/.test(text[k]!)) {
          if (text[k] === '\n') line++;
          k++;
        }
        i = k - 1;
        if (text[k] === ']') stack[stack.length - 1]!.index = -1;
        else path.push('0');
      }
      continue;
    }
    // A number or literal.
    atValue();
    while (i + 1 < text.length && !/[,\]}\s]/.test(text[i + 1]!)) i++;
  }
}
