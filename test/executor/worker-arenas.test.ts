// A worker reads a task's arguments through its run's arena mappings (worker/objects.ts), and
// forgets those mappings when a warm pool hands it to another run, so that the garbage
// collector can unmap them: a mapping kept would hold the memory of arenas their run removed.
import test from 'ava'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {readArgs, useObjects} from '../../src/executor/worker/objects.js'
import {arenaPath} from '../../src/objects/arena.js'
import {mappedArena} from '../../src/objects/arena-map.js'
import type {ObjectsConfig} from '../../src/objects/config.js'
import type {ObjectPointer} from '../../src/objects/ref.js'
import {ObjectWriter} from '../../src/objects/writer.js'

const SHM = '/dev/shm'

function runConfig(t: {teardown(f: () => void): void}, run: string): ObjectsConfig {
  const dir = mkdtempSync(join(SHM, 'rayts-workerarenas-'))
  const spill = mkdtempSync(join(tmpdir(), 'rayts-workerarenas-spill-'))
  t.teardown(() => {
    for (const n of readdirSync(SHM)) if (n.startsWith(basename(dir))) rmSync(join(SHM, n), {recursive: true, force: true})
    rmSync(spill, {recursive: true, force: true})
  })
  return {run, dir, spill, inlineMax: 1024, arenaMax: 16 * 1024 * 1024}
}

test("a worker's arguments come from its run's arena mapping, as copies; the mapping is forgotten when it goes on to another run", (t) => {
  if (!existsSync(SHM)) return t.pass('no /dev/shm here')
  const first = runConfig(t, 'run1')
  const second = runConfig(t, 'run2')
  try {
    useObjects(first)
    const ref = new ObjectWriter(first).store(new Float64Array(3000).fill(3)) as ObjectPointer
    const path = arenaPath(first.dir, ref.arena!)
    const [a] = readArgs([ref]) as [Float64Array]
    const [b] = readArgs([ref]) as [Float64Array]
    t.true(a.every((x) => x === 3) && b.every((x) => x === 3))
    // booleans only: on failure ava would print a 256 MiB mapping
    t.true(mappedArena(path) !== undefined, 'the first read mapped the arena')
    t.true(a.buffer !== mappedArena(path)!.buffer, 'an argument is a copy, not a view of the arena')
    t.true(a.buffer !== b.buffer, 'each read its own copy')
    a[0] = 99
    t.is((readArgs([ref]) as [Float64Array])[0][0], 3, 'changing an argument changes nothing another read sees')
    useObjects(second)
    t.true(mappedArena(path) === undefined, "the first run's arena is forgotten")
    useObjects(second)
    t.true(mappedArena(path) === undefined)
  } finally {
    useObjects(null)
  }
})
