/**
 * Where a JSON Pointer points in a JSON text, as a 1-based line number, so that findings
 * about policy files name the line a person should edit. The text has already passed the
 * strict scanner; this walks it once with an explicit stack (no recursion).
 */

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The 1-based line of `text` that UTF-16 offset `offset` is on (where a text stops being strict JSON, which is not walked). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * `lineOf` for many pointers into one text: the text is walked once, and each answer is a
 * lookup (a bundle's findings can be many, and walking a 4 MiB file per finding made
 * `sel policy check` of a hostile bundle run for hours; found by review).
 *
 * The values are kept as a tree, one node per value, each under its container: keyed by the
 * whole path, a value at depth d cost a key of d segments, and a 2.8 MB file of a million
 * numbers 120 arrays deep took 24 s and 1.1 GB (found by review).
 */
export function lineIndex(text: string): (pointer: string) => number {
  // The root value hangs under this node, as its only child, named ''.
  const top: PathNode = { line: 1, children: null };
  walk<PathNode>(text, top, (parent, segment, line) => {
    const name = segment ?? '';
    const children = (parent.children ??= new Map<string, PathNode>());
    let node = children.get(name);
    if (node === undefined) children.set(name, (node = { line, children: null }));
    return node;
  });
  return (pointer) => {
    let node = top.children?.get('');
    if (node === undefined) return 1;
    let line = node.line;
    for (const segment of decodePointer(pointer)) {
      node = node.children?.get(segment);
      if (node === undefined) break;
      line = node.line;
    }
    return line;
  };
}

/** A value of the text: the line it starts on, and the values it contains by key or index. */
interface PathNode {
  readonly line: number;
  children: Map<string, PathNode> | null;
}

/** The line of the value at `pointer` (or of its deepest existing ancestor); 1 if none. */
export function lineOf(text: string, pointer: string): number {
  return lineIndex(text)(pointer);
}

/**
 * Calls `visit` at every value's start, in text order, with what `visit` returned for its
 * container (`root` for the top value), its key or index (null for the top value) and its line.
 */
function walk<T>(text: string, root: T, visit: (parent: T, segment: string | null, line: number) => T): void {
  const path: string[] = [];
  const stack: { kind: 'object' | 'array'; index: number; key: string | null; value: T }[] = [];
  let line = 1;
  let expectKey = false;
  // Inside a container, `path` ends with the key or index of the value that starts.
  const atValue = (): T => (stack.length === 0 ? visit(root, null, line) : visit(stack[stack.length - 1]!.value, path[path.length - 1]!, line));
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
      // An empty object leaves no key to read: a string after it is a value, not a key.
      expectKey = false;
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
      const value = atValue();
      const kind = c === '{' ? 'object' : 'array';
      stack.push({ kind, index: 0, key: null, value });
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
