// The frame queue: one piece per frame, each in a task of its own, in the order asked; replaced and cancelled pieces.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cancelStep, queueStep } from './frame-queue';

/** Animation frames run only when the test says a frame happens, as a browser runs them between tasks. */
let frameCallbacks: (() => void)[] = [];
/** One task's turn: timers due now run (1 ms, well short of the 100 ms no-frame fallback). */
const task = () => vi.advanceTimersByTime(1);
const frame = () => {
  const callbacks = frameCallbacks;
  frameCallbacks = [];
  for (const cb of callbacks) cb();
};

beforeEach(() => {
  vi.useFakeTimers();
  frameCallbacks = [];
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frameCallbacks.push(cb));
});

afterEach(() => {
  vi.runAllTimers();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('queueStep', () => {
  it('runs the first piece in the next task and each further one after a frame, in the order asked', () => {
    const ran: string[] = [];
    for (const name of ['a', 'b', 'c']) queueStep({}, () => ran.push(name));
    expect(ran).toEqual([]);

    task();
    expect(ran).toEqual(['a']);
    // No frame yet: the next piece waits, however many tasks run meanwhile.
    vi.advanceTimersByTime(50);
    expect(ran).toEqual(['a']);

    frame();
    // The piece runs in a task after the frame, not inside the frame's own work.
    expect(ran).toEqual(['a']);
    task();
    expect(ran).toEqual(['a', 'b']);

    frame();
    task();
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps one waiting piece per owner: asking again replaces the job and keeps its place', () => {
    const ran: string[] = [];
    const chart = {};
    queueStep({}, () => ran.push('first'));
    queueStep(chart, () => ran.push('width 300'));
    queueStep({}, () => ran.push('third'));
    queueStep(chart, () => ran.push('width 280'));

    task();
    frame();
    task();
    frame();
    task();
    frame();
    task();
    expect(ran).toEqual(['first', 'width 280', 'third']);
  });

  it('an owner that queues its next piece from its job goes to the back, so lists fill in turn', () => {
    const ran: string[] = [];
    const batches = (name: string, n: number) => {
      const owner = {};
      let i = 0;
      const step = () => {
        ran.push(`${name}${++i}`);
        if (i < n) queueStep(owner, step);
      };
      queueStep(owner, step);
    };
    batches('x', 3);
    batches('y', 2);
    task();
    // A piece queued from a job waits for a frame too.
    task();
    expect(ran).toEqual(['x1']);
    for (let i = 0; i < 5; i++) {
      frame();
      task();
    }
    expect(ran).toEqual(['x1', 'y1', 'x2', 'y2', 'x3']);
  });

  it('drops a cancelled piece', () => {
    const ran: string[] = [];
    const gone = {};
    queueStep(gone, () => ran.push('gone'));
    queueStep({}, () => ran.push('kept'));
    cancelStep(gone);
    task();
    expect(ran).toEqual(['kept']);
  });

  it('goes on without frames (a hidden tab runs none), on a timer', () => {
    const ran: string[] = [];
    queueStep({}, () => ran.push('a'));
    queueStep({}, () => ran.push('b'));
    task();
    expect(ran).toEqual(['a']);
    vi.advanceTimersByTime(100);
    task();
    expect(ran).toEqual(['a', 'b']);
  });
});
