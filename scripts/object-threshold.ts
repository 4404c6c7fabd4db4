// Where the object store's inline threshold comes from (docs/objects.md): one value handed
// from a producer worker to a consumer worker through the runner, inline (structured clone
// in and out of the runner) against through the store (the producer writes a file in
// /dev/shm, a reference crosses, the consumer reads the file), for sizes 1 KiB to 4 MiB.
// Run: node --import tsx scripts/object-threshold.ts
import {fork} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

const SIZES = [1, 4, 16, 32, 64, 100, 128, 256, 1024, 4096].map((k) => k * 1024)
const ROUNDS = 200

if (process.argv[2] === 'child') {
  const {ObjectWriter} = await import('../src/objects/writer.js')
  const {loadRefs} = await import('../src/objects/read.js')
  let writer: InstanceType<typeof ObjectWriter> | null = null
  process.on('message', (m: {t: string; bytes?: number; v?: unknown; dir?: string; store?: boolean}) => {
    if (m.t === 'config') {
      writer = m.store ? new ObjectWriter({run: 'bench', dir: m.dir!, spill: m.dir!, inlineMax: 0}) : null
      process.send!({})
    }    else if (m.t === 'make') {
      const v = new Float64Array(m.bytes! / 8).fill(1)
      process.send!({v: writer ? writer.store(v) : v})
    } else if (m.t === 'use') {
      const v = loadRefs(m.v) as Float64Array
      process.send!({n: v.length})
    }
  })
  process.send!({ready: true})
} else {
  const dir = mkdtempSync('/dev/shm/rayts-threshold-')
  process.on('exit', () => rmSync(dir, {recursive: true, force: true}))
  const spawnWorker = () =>
    new Promise<ReturnType<typeof fork>>((resolve) => {
      const c = fork(new URL(import.meta.url), ['child'], {serialization: 'advanced', execArgv: ['--import', 'tsx']})
      c.once('message', () => resolve(c))
    })
  const [producer, consumer] = await Promise.all([spawnWorker(), spawnWorker()])
  const ask = (c: ReturnType<typeof fork>, m: object) => new Promise<{v?: unknown}>((resolve) => (c.once('message', resolve), c.send(m)))
  console.log('size KiB\tinline µs\tstore µs\tstore/inline\trunner CPU µs inline\tstore')
  for (const bytes of SIZES) {
    const per: number[] = []
    const cpu: number[] = []
    for (const store of [false, true]) {
      await ask(producer, {t: 'config', dir, store})
      for (let i = 0; i < 20; i++) await ask(consumer, {t: 'use', v: (await ask(producer, {t: 'make', bytes})).v})
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      for (let i = 0; i < ROUNDS; i++) {
        const {v} = await ask(producer, {t: 'make', bytes})
        await ask(consumer, {t: 'use', v})
      }
      per.push(((performance.now() - t0) * 1000) / ROUNDS)
      const c = process.cpuUsage(c0)
      cpu.push((c.user + c.system) / ROUNDS)
      for (const f of readdirSync(dir)) rmSync(join(dir, f))
    }
    console.log(`${bytes / 1024}\t${per[0]!.toFixed(0)}\t${per[1]!.toFixed(0)}\t${(per[1]! / per[0]!).toFixed(2)}\t${cpu[0]!.toFixed(0)}\t${cpu[1]!.toFixed(0)}`)
  }
  producer.kill()
  consumer.kill()
  rmSync(dir, {recursive: true, force: true})
}
