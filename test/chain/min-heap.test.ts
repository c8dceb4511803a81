/** The binary min-heap the chain check and the file order share: it gives back what a sort gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/chain/min-heap.js';

describe('MinHeap', () => {
  it('takes its numbers lowest first, whatever the order of pushes and pops, repeats included', () => {
    // An operation: push a number, or pop (null).
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { freq: 3 }), { maxLength: 200 }), (ops) => {
      const heap = new MinHeap();
      const model: number[] = [];
      for (const op of ops) {
        if (op === null) {
          if (model.length === 0) continue;
          model.sort((a, b) => a - b);
          expect(heap.peek()).toBe(model[0]);
          expect(heap.pop()).toBe(model.shift());
        } else {
          heap.push(op);
          model.push(op);
        }
        expect(heap.size).toBe(model.length);
      }
      const rest: number[] = [];
      while (heap.size > 0) rest.push(heap.pop());
      expect(rest).toEqual(model.sort((a, b) => a - b));
      expect(heap.peek()).toBeUndefined();
    }));
  });
});
