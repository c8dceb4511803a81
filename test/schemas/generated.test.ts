/** The generated validators are ajv's standalone code for the schemas as they are now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateValidator, moduleName, schemaFiles } from '../../src/schemas/generate.js';
import { isLedgerPath, isSelTimestamp } from '../../src/schemas/formats.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('generated validators', () => {
  for (const file of schemaFiles(ROOT)) {
    it(`src/schemas/generated/${moduleName(file)}.ts is current (run \`npm run schemas\`)`, () => {
      const want = generateValidator(readFileSync(join(ROOT, 'schemas', file), 'utf8'));
      expect(readFileSync(join(ROOT, 'src', 'schemas', 'generated', `${moduleName(file)}.ts`), 'utf8')).toBe(want);
    });
  }
});

describe('formats', () => {
  it('sel-timestamp accepts real UTC instants with milliseconds only', () => {
    for (const ok of ['2026-11-01T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z']) expect(isSelTimestamp(ok), ok).toBe(true);
    for (const bad of ['2026-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-31T00:00:00.000Z',
      '2026-11-01T12:60:00.000Z', '2026-11-01 12:00:00.000Z', '2026-11-01T12:00:00.000z', '2026-11-01T12:00:00.00Z', '+02026-11-01T12:00:00.000Z']) {
      expect(isSelTimestamp(bad), bad).toBe(false);
    }
  });
  it('sel-ledger-path names only files under the repository root', () => {
    for (const ok of ['ledger/reviews/ab.json', 'ledger/exceptions/EX-1.json']) expect(isLedgerPath(ok), ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'ledger/../../x', 'ledger//x', 'ledger/./x', 'ledger\\x', 'a\u0000b']) expect(isLedgerPath(bad), bad).toBe(false);
  });
});
