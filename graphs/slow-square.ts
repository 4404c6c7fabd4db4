// A TypeScript module: rayts loads .ts and .mts modules as they are.
import {setTimeout as sleep} from 'node:timers/promises'

/** n squared, after sleeping n seconds. */
export async function slowSquare(n: number): Promise<number> {
  await sleep(n * 1000)
  return n * n
}
