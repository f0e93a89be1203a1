import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestPersistentStorage } from '../../src/browser/persistent-storage.js';

/** A stand-in for `navigator.storage` that records which of its methods were called. */
function fakeStorage(answers: { persisted?: boolean; persist?: boolean | Error; estimate?: StorageEstimate | Error }) {
  const calls: string[] = [];
  const answer = <T>(name: string, value: T | Error) => async () => {
    calls.push(name);
    if (value instanceof Error) throw value;
    return value;
  };
  const storage = {
    persisted: answer('persisted', answers.persisted ?? false),
    persist: answer('persist', answers.persist ?? false),
    estimate: answer('estimate', answers.estimate ?? {}),
  };
  vi.stubGlobal('navigator', { storage });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('requestPersistentStorage', () => {
  it('asks navigator.storage.persist() when storage is not persistent yet, and returns its answer with the estimate', async () => {
    const calls = fakeStorage({ persist: true, estimate: { usage: 1234, quota: 5_000_000 } });
    expect(await requestPersistentStorage()).toEqual({ persisted: true, usage: 1234, quota: 5_000_000 });
    expect(calls).toEqual(['persisted', 'persist', 'estimate']);
  });

  it('reports persisted: false when the browser refuses', async () => {
    const calls = fakeStorage({ persist: false, estimate: { usage: 10, quota: 20 } });
    expect(await requestPersistentStorage()).toEqual({ persisted: false, usage: 10, quota: 20 });
    expect(calls).toEqual(['persisted', 'persist', 'estimate']);
  });

  it('does not ask again when storage is persistent already', async () => {
    const calls = fakeStorage({ persisted: true, persist: false });
    expect(await requestPersistentStorage()).toEqual({ persisted: true });
    expect(calls).toEqual(['persisted', 'estimate']);
  });

  it('reports persisted: false, without usage or quota, when a call fails', async () => {
    fakeStorage({ persist: new DOMException('denied', 'SecurityError'), estimate: new TypeError('no estimate') });
    expect(await requestPersistentStorage()).toEqual({ persisted: false });
  });

  it('reports persisted: false, without usage or quota, where navigator.storage is missing', async () => {
    vi.stubGlobal('navigator', {});
    expect(await requestPersistentStorage()).toEqual({ persisted: false });
    vi.stubGlobal('navigator', undefined);
    expect(await requestPersistentStorage()).toEqual({ persisted: false });
  });
});
