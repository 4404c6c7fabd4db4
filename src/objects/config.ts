// What a worker needs to write a run's objects; the runner sends it to each worker once.

export interface ObjectsConfig {
  readonly run: string
  /** the run's hot folder: tmpfs (/dev/shm) when there is one */
  readonly dir: string
  /** where objects go past the memory budget or when tmpfs is full: on disk under $RAYTS_HOME */
  readonly spill: string
  /** results whose encoded size is under this many bytes cross inline, as before */
  readonly inlineMax: number
}

/**
 * Results under this many bytes cross the IPC pipe inline. Measured here (bench in
 * docs/objects.md): a Float64Array through structured clone vs written to /dev/shm and read
 * back by the consumer, both including the hop to the runner; the store path wins from
 * about 64 KiB and is twice as fast at 1 MiB. Ray inlines under 100 KiB; so do we.
 */
export const INLINE_MAX = 100 * 1024

/** present in the hot folder when the run is over its memory budget: workers spill to disk */
export const FULL_FLAG = '.full'
