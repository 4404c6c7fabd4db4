// The lesson's form of bench granularity: one warm library session (`ray.init` once, as the
// lesson does), and per n, `trials` `.remote()` calls followed by one `ray.get` of them all.
// The timed part is the submits and the get; the session's end (its objects settled, its run
// recorded as ended) comes after every size, outside any timing.
import * as ray from '../api/index.js'
import {nowMicros} from '../core/clock.js'
import type {MakeArray} from './granularity-work.js'

export interface SessionSizeMeasure {
  readonly seconds: number
  /** CPU time of this process (the driver: submits, scheduling, recording, get) per task */
  readonly parentCpuMicrosPerTask: number
}

export interface LessonSession {
  measure(n: number): Promise<SessionSizeMeasure>
  /** seconds the session's end took (settling its objects): not in any measure */
  close(): Promise<number>
}

/**
 * A session whose home is `home` (set as $RAYTS_HOME while it lives), warmed up: its workers
 * started and the module loaded by `warmups` rounds of `trials` calls.
 */
export async function openLessonSession(home: string, modulePath: string, numCpus: number, trials: number): Promise<LessonSession> {
  const before = process.env.RAYTS_HOME
  process.env.RAYTS_HOME = home
  await ray.init({numCpus})
  const makeArray = ray.remote<MakeArray>(modulePath, 'make_array')
  const round = async (n: number): Promise<Float64Array[]> => {
    const refs = []
    for (let i = 0; i < trials; i++) refs.push(makeArray.remote(n))
    return ray.get(refs)
  }
  for (let i = 0; i < 3; i++) await round(100)
  return {
    async measure(n) {
      const cpu0 = process.cpuUsage()
      const t0 = nowMicros()
      const values = await round(n)
      const t1 = nowMicros()
      const cpu = process.cpuUsage(cpu0)
      const good = values.filter((v) => v instanceof Float64Array && v.length === n).length
      if (good !== trials) throw new Error(`n = ${n}: ${good} of ${trials} arrays came back from the session`)
      return {seconds: (t1 - t0) / 1e6, parentCpuMicrosPerTask: (cpu.user + cpu.system) / trials}
    },
    async close() {
      const t0 = nowMicros()
      try {
        await ray.shutdown()
      } finally {
        if (before === undefined) delete process.env.RAYTS_HOME
        else process.env.RAYTS_HOME = before
      }
      return (nowMicros() - t0) / 1e6
    },
  }
}
