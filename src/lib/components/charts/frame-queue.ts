// One piece of a screen per frame: charts, deferred sections and batches of long lists are built each in a task of its own and laid out in the frame after it.

type Job = () => void;

/** Waiting pieces by owner, in the order they asked; an owner that asks again keeps its place with its latest job. */
const jobs = new Map<object, Job>();
let isScheduled = false;

/** A hidden tab runs no animation frames: go on with a timer there rather than never. */
const FRAME_FALLBACK_MS = 100;

function schedule(afterFrame: boolean): void {
  if (isScheduled || jobs.size === 0) return;
  isScheduled = true;
  if (!afterFrame) {
    setTimeout(runNext, 0);
    return;
  }
  // After the next frame (which lays out and paints the piece just built), then in a task of its own rather than inside
  // the frame's work: one task then never both builds a piece and lays out the one before it.
  let isDone = false;
  const go = () => {
    if (isDone) return;
    isDone = true;
    clearTimeout(fallback);
    setTimeout(runNext, 0);
  };
  const fallback = setTimeout(go, FRAME_FALLBACK_MS);
  requestAnimationFrame(go);
}

function runNext(): void {
  const first = jobs.entries().next();
  if (first.done) {
    isScheduled = false;
    return;
  }
  const [owner, job] = first.value;
  jobs.delete(owner);
  // Still scheduled while the job runs: a piece it queues waits for the frame like every other.
  try {
    job();
  } finally {
    isScheduled = false;
    schedule(true);
  }
}

/**
 * Queues `job`, one piece of `owner` (a chart's drawing, a deferred section, a batch of rows). The first waiting piece
 * runs in the next task; every further one after the frame that shows the piece before it. A job queued again for the
 * same owner replaces its waiting one; an owner that queues its next piece from within a job goes to the back, so
 * several long lists fill in turn.
 */
export function queueStep(owner: object, job: Job): void {
  jobs.set(owner, job);
  schedule(false);
}

/** Drops the waiting piece of `owner` (it is gone, or no longer needs it). */
export function cancelStep(owner: object): void {
  jobs.delete(owner);
}
