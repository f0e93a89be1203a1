// Node only: who owns a lock or a staging folder, and whether that owner is provably gone.
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { errorCode } from './fs-errors-node.js';

/** The process that owns a lock or a staging folder. */
export interface ProcessOwner {
  pid: number;
  hostname: string;
  /** Linux only: the process start time from /proc, to recognise a reused pid. */
  startTicks?: string;
}

/**
 * On Linux, the start time of a process (clock ticks since boot, field 22 of /proc/<pid>/stat),
 * which tells a pid's current process from an earlier one, or 'zombie' for a killed process its
 * parent has not reaped yet (it still answers kill(pid, 0)). Undefined elsewhere or if unknown.
 */
export function processStart(pid: number): string | 'zombie' | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // Synchronous on purpose: a tiny procfs read.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? 'zombie' : fields[19];
  } catch {
    return undefined;
  }
}

/** This process's start time (see {@link processStart}). */
export const OWN_START: string | undefined = ((start) => (start === 'zombie' ? undefined : start))(processStart(process.pid));

/**
 * On Linux, the OS thread this JavaScript thread runs on (every worker_thread has its own) and its
 * start time, from /proc/thread-self. Undefined elsewhere.
 */
export function ownOsThread(): { tid: number; startTicks: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // Synchronous on purpose: only a call made on this thread reads this thread's link.
    const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    const start = taskStart(tid);
    return Number.isInteger(tid) && start !== undefined && start !== 'zombie' ? { tid, startTicks: start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the OS thread `thread` of this process has ended (a worker_thread that exited or was
 * terminated): its task is gone, a zombie, or now another thread (another start time).
 */
export function osThreadIsGone(thread: { tid: number; startTicks: string }): boolean {
  const start = taskStart(thread.tid);
  return start === undefined || start === 'zombie' || start !== thread.startTicks;
}

function taskStart(tid: number): string | 'zombie' | undefined {
  try {
    const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? 'zombie' : fields[19];
  } catch {
    return undefined;
  }
}

/** This process as an owner. */
export function ownProcess(): ProcessOwner {
  return { pid: process.pid, hostname: hostname(), ...(OWN_START ? { startTicks: OWN_START } : {}) };
}

/**
 * Whether `owner` is certainly gone: it ran on this host and its pid is free, a zombie, or now
 * another process (a different start time). Owners on other hosts are never judged: their pids
 * mean nothing here. This process itself is alive.
 */
export function ownerIsDead(owner: ProcessOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  const running = processStart(owner.pid);
  if (running !== undefined && owner.startTicks !== undefined && running !== owner.startTicks) return true;
  if (owner.pid === process.pid) return false;
  if (running === 'zombie') return true;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return errorCode(error) === 'ESRCH';
  }
}

/** Eight hex digits standing for a host name: enough to tell this host from others in a folder name. */
export function hostTag(name = hostname()): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 8);
}

/**
 * The owner part of a staging folder's name: `p<pid>.<start ticks or x>.<host tag>`. The name
 * carries its owner so that finding dead owners' folders takes one readdir and no file reads.
 */
export function ownerTag(owner: ProcessOwner = ownProcess()): string {
  return `p${owner.pid}.${owner.startTicks ?? 'x'}.${hostTag(owner.hostname)}`;
}

const TAG = /-p(\d+)\.(\d+|x)\.([0-9a-f]{8})-[^-]*$/;
const THREAD_TAG = /(?:^|-)t(\d+)\.(\d+)-p\d+\.(?:\d+|x)\.[0-9a-f]{8}-[^-]*$/;

/**
 * {@link ownerTag}, led on a worker_thread by its OS thread (`t<tid>.<start ticks>-`): a worker
 * terminated while its folders exist runs no exit handler, and its process lives on, so only the
 * thread in the name tells a later run of the process that they are debris ({@link nameOwnerIsGone}).
 */
export function threadOwnerTag(): string {
  const thread = isMainThread ? undefined : ownOsThread();
  return `${thread ? `t${thread.tid}.${thread.startTicks}-` : ''}${ownerTag()}`;
}

/**
 * Whether the owner a folder's name carries ({@link threadOwnerTag}) is certainly gone: a dead
 * process on this host, or an ended worker thread of this very process. Undefined when the name
 * carries no owner.
 */
export function nameOwnerIsGone(name: string): boolean | undefined {
  const owner = ownerOfName(name);
  if (!owner) return undefined;
  if (ownerIsDead(owner)) return true;
  const thread = THREAD_TAG.exec(name);
  return thread !== null && owner.pid === process.pid && owner.startTicks === OWN_START && osThreadIsGone({ tid: Number(thread[1]), startTicks: thread[2]! });
}

/**
 * Reads the owner tag of a staging folder's name (see {@link ownerTag}); undefined for names
 * without one (written by an older version). `hostname` is this host's name when the tag says
 * this host, else the tag itself (never equal to a host name, so never judged).
 */
export function ownerOfName(name: string): ProcessOwner | undefined {
  const match = TAG.exec(name);
  if (!match) return undefined;
  const here = hostname();
  return {
    pid: Number(match[1]),
    hostname: match[3] === hostTag(here) ? here : `host ${match[3]}`,
    ...(match[2] !== 'x' ? { startTicks: match[2] } : {}),
  };
}
