// What a worker needs to write a run's objects; the runner sends it to each worker once.

export interface ObjectsConfig {
  readonly run: string
  /** the run's hot folder: tmpfs (/dev/shm) when there is one */
  readonly dir: string
  /** where objects go past the memory budget or when tmpfs is full: on disk under $RAYTS_HOME */
  readonly spill: string
  /** results whose encoded size is under this many bytes cross inline, as before */
  readonly inlineMax: number
  /** stored objects up to this many bytes go to the worker's arena (arena.ts); absent: a file each */
  readonly arenaMax?: number
}

/**
 * Results under this many bytes cross the IPC pipe inline. Measured with
 * scripts/object-threshold.ts (docs/objects.md): the runner's CPU per value handed from one
 * worker to another grows with the bytes inline (0.8 ms at 64 KiB, 1.4 ms at 1 MiB) and
 * stays ~0.1-0.3 ms through the store, which loses under 16 KiB (file create, rename and
 * read cost more than the copies saved). Ray inlines under 100 KiB; so do we.
 */
export const INLINE_MAX = 1024

/** present in the hot folder when the run is over its memory budget: workers spill to disk */
export const FULL_FLAG = '.full'
