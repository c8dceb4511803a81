const SURROGATE_ESCAPE = /\\u[dD][89abAB]/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
let text = '', pos = 0, escapes = false, limit = 0;
export function matchCanonical(t, value, maxDepth) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  escapes = t.indexOf('\\') >= 0;
  if (escapes && SURROGATE_ESCAPE.test(t)) return null;
  text = t; limit = maxDepth;
  const r = top(value);
  text = '';
  return r;
}
function top(obj) {
  if (text.charCodeAt(0) !== 0x7b) return null;
  pos = 1;
  let hash = null, request = null, prev = null;
  for (const key in obj) {
    if (prev !== null) { if (!(prev < key) || text.charCodeAt(pos) !== 0x2c) return null; pos++; }
    const start = pos;
    if (!key_(key)) return null;
    const valueStart = pos;
    if (!value(obj[key], 1)) return null;
    if (key === 'hash') hash = { start, valueStart, end: pos };
    else if (key === 'request') request = { start, valueStart, end: pos };
    prev = key;
  }
  if (text.charCodeAt(pos) !== 0x7d || pos + 1 !== text.length) return null;
  return { hash, request };
}
function key_(key) {
  const c = key.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39 && ARRAY_INDEX.test(key)) return false;
  if (!string(key)) return false;
  if (text.charCodeAt(pos) !== 0x3a) return false;
  pos++;
  return true;
}
function string(s) {
  if (text.charCodeAt(pos) !== 0x22) return false;
  if (!escapes) {
    const end = pos + 1 + s.length;
    if (text.charCodeAt(end) !== 0x22) return false;
    pos = end + 1;
    return true;
  }
  const quoted = JSON.stringify(s);
  if (text.slice(pos, pos + quoted.length) !== quoted) return false;
  pos += quoted.length;
  return true;
}
function number(v) {
  // Non-negative safe integers: read the digits from the text instead of making a string.
  if (v >= 0 && v <= 9007199254740991 && Math.floor(v) === v && !(v === 0 && 1 / v < 0)) {
    let p = pos, n = 0;
    let c = text.charCodeAt(p);
    if (c === 0x30) { p++; }
    else { while (c >= 0x30 && c <= 0x39) { n = n * 10 + (c - 0x30); p++; c = text.charCodeAt(p); } }
    if (p === pos || n !== v) return false;
    c = text.charCodeAt(p);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45) return false;
    pos = p;
    return true;
  }
  const s = String(v);
  if (text.slice(pos, pos + s.length) !== s) return false;
  pos += s.length;
  const c = text.charCodeAt(pos);
  return !((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45);
}
function value(v, depth) {
  switch (typeof v) {
    case 'string': return string(v);
    case 'number': return number(v);
    case 'boolean':
      if (v) { if (text.charCodeAt(pos) !== 0x74 || text.charCodeAt(pos + 3) !== 0x65 || text.slice(pos, pos + 4) !== 'true') return false; pos += 4; }
      else { if (text.slice(pos, pos + 5) !== 'false') return false; pos += 5; }
      return true;
    case 'object': {
      if (v === null) { if (text.slice(pos, pos + 4) !== 'null') return false; pos += 4; return true; }
      if (depth >= limit) return false;
      if (Array.isArray(v)) {
        if (text.charCodeAt(pos) !== 0x5b) return false;
        pos++;
        for (let k = 0; k < v.length; k++) {
          if (k > 0) { if (text.charCodeAt(pos) !== 0x2c) return false; pos++; }
          if (!value(v[k], depth + 1)) return false;
        }
        if (text.charCodeAt(pos) !== 0x5d) return false;
        pos++;
        return true;
      }
      if (text.charCodeAt(pos) !== 0x7b) return false;
      pos++;
      let prev = null;
      for (const key in v) {
        if (prev !== null) { if (!(prev < key) || text.charCodeAt(pos) !== 0x2c) return false; pos++; }
        if (!key_(key)) return false;
        if (!value(v[key], depth + 1)) return false;
        prev = key;
      }
      if (text.charCodeAt(pos) !== 0x7d) return false;
      pos++;
      return true;
    }
    default: return false;
  }
}
