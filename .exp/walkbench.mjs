import fs from 'node:fs';
const data = fs.readFileSync('/work/main/bench/data/log-10mb.jsonl');
const texts = []; { let s = 0; for (;;) { const e = data.indexOf(10, s); if (e < 0) break; texts.push(data.toString('utf8', s, e)); s = e + 1; } }
const objs = texts.map(t => JSON.parse(t));
const variants = {};
for (const f of process.argv.slice(2)) variants[f] = (await import(f)).matchCanonical;
const best = {};
for (let r = 0; r < 8; r++) for (const [name, fn] of Object.entries(variants)) {
  const t = process.hrtime.bigint(); let x = 0;
  for (let i = 0; i < texts.length; i++) if (fn(texts[i], objs[i], 128) !== null) x++;
  const ns = Number(process.hrtime.bigint() - t) / texts.length;
  if (x !== texts.length) throw new Error(name + ' rejected ' + (texts.length - x));
  best[name] = Math.min(best[name] ?? 1e9, ns);
}
for (const [k, v] of Object.entries(best)) console.log(k.split('/').pop(), v.toFixed(0), 'ns/event');
