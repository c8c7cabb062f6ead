import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from '../src/work-queue.js';

/** A job the test finishes by hand, so nothing depends on timing. */
function job() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { run: () => done.then(() => 'ok'), finish };
}

describe('the password hashing queue', () => {
  it('runs at most `concurrency` jobs at once, queues up to `maxWaiting` more and turns the rest away at once', async () => {
    const queue = new WorkQueue({ concurrency: 2, maxWaiting: 2 });
    const jobs = Array.from({ length: 6 }, job);
    const outcomes = jobs.map((j) => queue.run(j.run));
    assert.deepEqual(queue.stats(), { running: 2, waiting: 2, peakRunning: 2, refused: 2 });
    assert.equal(queue.full(), true);
    assert.deepEqual(await outcomes[4], { done: false });
    assert.deepEqual(await outcomes[5], { done: false });
    jobs[0]!.finish();
    assert.deepEqual(await outcomes[0], { done: true, value: 'ok' });
    assert.equal(queue.stats().running, 2, 'a waiting job took the free place');
    assert.equal(queue.stats().waiting, 1);
    assert.equal(queue.full(), false, 'one more may wait');
    for (const j of jobs) j.finish();
    assert.deepEqual(
      await Promise.all(outcomes.slice(1, 4)),
      [1, 2, 3].map(() => ({ done: true, value: 'ok' })),
    );
    assert.deepEqual(queue.stats(), { running: 0, waiting: 0, peakRunning: 2, refused: 2 });
  });

  it('frees the place of a job that fails, and passes the failure on', async () => {
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 0 });
    await assert.rejects(
      queue.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.deepEqual(await queue.run(async () => 7), { done: true, value: 7 });
    assert.equal(queue.stats().running, 0);
  });
});
