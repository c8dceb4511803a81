import fs from 'node:fs';
const data = fs.readFileSync('/work/main/bench/data/log-10mb.jsonl');
const spans = []; { let s = 0; for (;;) { const e = data.indexOf(10, s); if (e < 0) break; spans.push([s, e]); s = e + 1; } }
const variants = {};
for (const f of process.argv.slice(2)) variants[f] = (await import(f)).checkLine;
const best = {};
const ref = { file: 'x', line: 1, ordinal: 0 };
for (let r = 0; r < 6; r++) for (const [name, fn] of Object.entries(variants)) {
  const t = process.hrtime.bigint(); let x = 0;
  for (const [s, e] of spans) if (fn(data.subarray(s, e), ref, { maxDepth: 128, keepEvent: false }).findings.length === 0) x++;
  const ns = Number(process.hrtime.bigint() - t) / spans.length;
  if (x !== spans.length) throw new Error(name + ' found problems ' + (spans.length - x));
  best[name] = Math.min(best[name] ?? 1e9, ns);
}
for (const [k, v] of Object.entries(best)) console.log(k.split('/').slice(-4).join('/'), v.toFixed(0), 'ns/event');
