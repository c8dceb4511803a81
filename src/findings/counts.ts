/** Tallies of findings: by severity, class and code (codes in sorted order). */
import { CODES, type FindingClass, type FindingCode, type Severity } from './codes.js';
import type { Finding } from './finding.js';

export interface FindingCounts {
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byClass: Readonly<Record<FindingClass, number>>;
  readonly byCode: Readonly<Partial<Record<FindingCode, number>>>;
  /** Findings not listed because of the --max-findings limit (still counted above). */
  readonly omitted: number;
}

/** A running tally, for streams of findings that are not all kept. */
export class FindingTally {
  total = 0;
  omitted = 0;
  readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  readonly byClass: Record<FindingClass, number> = { integrity: 0, diverged: 0, unverifiable: 0, policy: 0 };
  private readonly byCode = new Map<FindingCode, number>();

  add(f: Finding): void {
    this.total++;
    this.bySeverity[f.severity]++;
    this.byClass[CODES[f.code].class]++;
    this.byCode.set(f.code, (this.byCode.get(f.code) ?? 0) + 1);
  }

  counts(): FindingCounts {
    const byCode: Partial<Record<FindingCode, number>> = {};
    for (const code of [...this.byCode.keys()].sort()) byCode[code] = this.byCode.get(code)!;
    return { total: this.total, bySeverity: { ...this.bySeverity }, byClass: { ...this.byClass }, byCode, omitted: this.omitted };
  }
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const t = new FindingTally();
  for (const f of findings) t.add(f);
  return t.counts();
}
