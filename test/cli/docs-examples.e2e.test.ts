/**
 * The example runs the docs show are what the built CLI prints: README.md's tampered log and
 * sample governance incident (shown with "..." where lines are left out), and docs/ci.md's gate
 * on the shipped samples (passes on logs/audit.jsonl, fails on logs/incident.jsonl).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo } from '../../ledger-samples/governance.js';
import { sel } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The output block README.md shows for `$ COMMAND`: the command's words and its lines. */
function shownRun(command: string): { args: string[]; lines: string[] } {
  const start = README.indexOf(`\n$ ${command}\n`);
  if (start < 0) throw new Error(`README.md shows no run of ${command}`);
  const body = README.slice(start + 1, README.indexOf('\n```', start + 1)).split('\n');
  return { args: body[0]!.slice(2).split(' ').slice(1), lines: body.slice(1) };
}

/** The shown lines before and after "..." are the output's first and last lines. */
function expectShown(shown: string[], stdout: string): void {
  const out = stdout.replace(/\n$/, '').split('\n');
  const cut = shown.indexOf('...');
  const head = cut < 0 ? shown : shown.slice(0, cut);
  const tail = cut < 0 ? [] : shown.slice(cut + 1);
  expect(out.slice(0, head.length)).toEqual(head);
  if (tail.length > 0) expect(out.slice(-tail.length)).toEqual(tail);
}

describe("README.md's tampered log", () => {
  it('is what sel verify prints, byte for byte where shown', () => {
    const { args, lines } = shownRun('sel verify ledger-samples/logs/incident');
    const r = sel(args, { cwd: ROOT });
    expect(r.status).toBe(1);
    expectShown(lines, r.stdout);
  });
});

describe('the sample governance repository, as README.md and docs/ci.md show it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sel-docs-'));
  beforeAll(() => {
    buildGovernanceRepo(join(tmp, 'ledger-samples', 'governance'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("README.md's incident: each finding shown is a line of the report, in order", () => {
    const { args, lines } = shownRun('sel verify ledger-samples/governance/logs/incident.jsonl --repo ledger-samples/governance');
    const r = sel(args, { cwd: tmp });
    expect(r.status).toBe(1);
    const shown = lines.filter((l) => l !== '...');
    expect(r.stdout.split('\n').filter((l) => shown.includes(l))).toEqual(shown);
  });

  it("docs/ci.md's gate passes on logs/audit.jsonl and fails on logs/incident.jsonl", () => {
    const ci = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8').replace(/\s+/g, ' ');
    const m = /`npx sel (gate ledger-samples\/governance\/logs\/audit\.jsonl [^`]*)` passes; the same on `logs\/incident\.jsonl` fails/.exec(ci);
    expect(m).not.toBeNull();
    const args = m![1]!.split(' ');
    expect(sel(args, { cwd: tmp }).status).toBe(0);
    const incident = sel(args.map((a) => a.replace('logs/audit.jsonl', 'logs/incident.jsonl')), { cwd: tmp });
    expect(incident.status).toBe(1);
    expect(incident.stdout).toContain('gate: FAIL');
  });
});
