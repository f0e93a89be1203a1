import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { createInProcessLock } from '../../src/store/in-process-lock.js';

describe('createInProcessLock', () => {
  it('hands the lock to waiters in the order they asked', async () => {
    const locks = createInProcessLock();
    const release = await locks.acquire('entry');
    const order: number[] = [];
    const waiters = [1, 2, 3].map((index) => locks.acquire('entry').then((next) => (order.push(index), next())));
    release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(locks.isHeld('entry')).toBe(false);
  });

  it('skips a waiter that gave up and serves the next one', async () => {
    const locks = createInProcessLock();
    const release = await locks.acquire('entry');
    const impatient = locks.acquire('entry', { timeoutMs: 20, describe: 'lock "entry" of a test' });
    const patient = locks.acquire('entry');
    await expect(impatient).rejects.toThrow(new StoreError('lock "entry" of a test was not released within 20 ms: another caller is still computing this entry; wait longer or raise timeoutMs'));
    release();
    (await patient)();
    expect(locks.isHeld('entry')).toBe(false);
  });

  it('rejects at once with the reason of a signal that is already aborted, even when the lock is free', async () => {
    const locks = createInProcessLock();
    const controller = new AbortController();
    controller.abort(new Error('cancelled before asking'));
    await expect(locks.acquire('entry', { signal: controller.signal })).rejects.toThrow('cancelled before asking');
    expect(locks.isHeld('entry')).toBe(false);
  });

  it('keeps separate queues for separate lock objects and names', async () => {
    const first = createInProcessLock();
    const second = createInProcessLock();
    const held = await first.acquire('entry');
    (await second.acquire('entry'))();
    (await first.acquire('other'))();
    expect(first.isHeld('entry')).toBe(true);
    held();
    held();
    expect(first.isHeld('entry')).toBe(false);
  });
});
