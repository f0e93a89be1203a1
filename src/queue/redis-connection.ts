// Node only: how geodata connects to Redis, and how it notices Redis is gone.
import type { ConnectionOptions } from 'bullmq';
import { QueueError } from './queue-error.js';

/** The queue's name in Redis unless given: every client and worker of one cluster must agree. */
export const DEFAULT_QUEUE = 'geodata';

/** How long Redis may stay unreachable before waiting callers fail (ms). */
export const DEFAULT_LOST_AFTER_MS = 5000;

/** Checks a `redis://` or `rediss://` URL and returns BullMQ connection options for it (`isClosed`: stop reconnecting). */
export function connectionFor(url: string, isClosed: () => boolean = () => false): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`${JSON.stringify(url)} is not a Redis URL: give one like redis://127.0.0.1:6379`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError(`${JSON.stringify(url)} is not a Redis URL (it starts with ${parsed.protocol}): give one like redis://127.0.0.1:6379`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking calls need commands that wait for a reconnection instead of failing;
    // geodata's own watchdog decides when Redis counts as lost.
    maxRetriesPerRequest: null,
    // Stop reconnecting once closed, or a process whose Redis is gone never exits.
    retryStrategy: (times: number) => (isClosed() ? null : Math.min(100 * times, 1000)),
  };
}

/** A Redis URL without its password, for messages. */
export function showUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** The ioredis client status ('ready' when usable), as BullMQ exposes it. */
export interface StatusSource {
  readonly status: string;
}

/**
 * Watches clients and calls `onLost` once when one of them has not been `ready` for `lostAfterMs`
 * (polled every 200 ms, so a reconnection within the grace period goes unnoticed), and `onBack`
 * once they are all `ready` again after that; then it watches for the next loss.
 */
export function watchConnection(clients: () => StatusSource[], lostAfterMs: number, onLost: (downForMs: number) => void, onBack?: () => void): () => void {
  let downSince: number | undefined;
  let fired = false;
  const timer = setInterval(() => {
    const down = clients().some((client) => client.status !== 'ready');
    if (!down) {
      downSince = undefined;
      if (fired) {
        fired = false;
        onBack?.();
      }
      return;
    }
    downSince ??= Date.now();
    if (!fired && Date.now() - downSince >= lostAfterMs) {
      fired = true;
      onLost(Date.now() - downSince);
    }
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}
