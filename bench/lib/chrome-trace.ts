/** An event of a Chrome trace (times in µs), as the benches that read page traces use it. */
export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event (µs). */
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}
