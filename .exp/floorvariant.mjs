import { hash } from 'node:crypto';
const EMPTY = { findings: [] };
export function checkLine(bytes) { JSON.parse(bytes.toString('utf8')); hash('sha256', bytes, 'hex'); return EMPTY; }
