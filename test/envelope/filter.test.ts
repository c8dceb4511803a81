/**
 * matchesFilter (src/envelope/filter.ts): which events `sel explain` and `sel timeline` take,
 * on the main thread and in the workers alike. (From mutation testing: only end-to-end runs
 * covered it, and none pinned its bounds.)
 */
import { describe, expect, it } from 'vitest';
import { matchesFilter, type EventFilter } from '../../src/envelope/filter.js';
import type { SelEvent } from '../../src/envelope/types.js';

const event = (ts: string): SelEvent => ({
  v: 'sel.audit/1', chain: 'prod', seq: 7, ts, kind: 'tool.invoke', actor: { id: 'agent-1', zone: 'executor' },
  request: { tool: 'git' }, request_fingerprint: `sha256:${'0'.repeat(64)}`, policy_hash: `sha256:${'0'.repeat(64)}`,
  decision: { action: 'allow', rule: null, severity: 'info' }, prev_hash: `sha256:${'0'.repeat(64)}`, hash: `sha256:${'0'.repeat(64)}`,
});
const at = '2026-11-01T12:00:00.000Z';
const rec = { chain: 'prod', seq: 7 };
const match = (f: EventFilter, e: SelEvent | null = event(at), r = rec): boolean => matchesFilter(f, r, e);

describe('matchesFilter', () => {
  it('takes events from --from on, and before --to: an event at --from is in, one at --to is out', () => {
    expect(match({ from: at })).toBe(true);
    expect(match({ from: '2026-11-01T12:00:00.001Z' })).toBe(false);
    expect(match({ to: at })).toBe(false);
    expect(match({ to: '2026-11-01T12:00:00.001Z' })).toBe(true);
    expect(match({ from: at, to: '2026-11-01T12:00:00.001Z' })).toBe(true);
  });

  it('needs every member given to match', () => {
    expect(match({})).toBe(true);
    expect(match({ chain: 'prod', seq: 7, actor: 'agent-1', kind: 'tool.invoke', action: 'allow', tool: 'git' })).toBe(true);
    for (const f of [{ chain: 'dev' }, { seq: 8 }, { actor: 'agent-2' }, { kind: 'net.fetch' }, { action: 'block' }, { tool: 'shell.exec' }] as EventFilter[]) {
      expect(match(f), JSON.stringify(f)).toBe(false);
      expect(match({ chain: 'prod', ...f }), JSON.stringify(f)).toBe(false);
    }
  });

  it('matches an event that did not pass its line checks (null) only by its place', () => {
    expect(match({ chain: 'prod', seq: 7 }, null)).toBe(true);
    expect(match({ chain: 'dev' }, null)).toBe(false);
    for (const f of [{ actor: 'agent-1' }, { kind: 'tool.invoke' }, { action: 'allow' }, { tool: 'git' }, { from: '2000-01-01T00:00:00.000Z' }, { to: '9999-01-01T00:00:00.000Z' }] as EventFilter[]) {
      expect(match(f, null), JSON.stringify(f)).toBe(false);
    }
  });
});

describe('matchesFilter: exact values (from mutation testing)', () => {
  const with_ = (over: Partial<SelEvent>): SelEvent => ({ ...event(at), ...over });

  it('matches actor, kind, action and tool exactly: no case folding, no prefix, no trimming', () => {
    for (const f of [{ actor: 'Agent-1' }, { actor: 'agent' }, { actor: 'agent-1 ' }, { kind: 'tool' }, { kind: 'TOOL.INVOKE' }, { action: 'allo' }, { action: 'Allow' }, { tool: 'gi' }, { tool: 'GIT' }, { tool: ' git' }] as EventFilter[]) {
      expect(match(f), JSON.stringify(f)).toBe(false);
    }
  });

  it('matches --tool only to a request.tool that is that string: not a number, an array, null, or a request without one', () => {
    for (const [tool, name] of [[1, '1'], [['git'], 'git'], [null, 'null'], [true, 'true'], [undefined, 'undefined'], [{ toString: 'git' }, '[object Object]']] as const) {
      const request: Record<string, unknown> = tool === undefined ? {} : { tool };
      expect(match({ tool: name }, with_({ request })), `${JSON.stringify(tool)} / ${name}`).toBe(false);
    }
    // A tool named by an empty string is such a string (--tool '' is not refused).
    expect(match({ tool: '' }, with_({ request: { tool: '' } }))).toBe(true);
    expect(match({ tool: '' }, with_({ request: {} }))).toBe(false);
  });
});
