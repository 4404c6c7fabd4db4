// Arenas (objects/arena.ts): a worker appends its stored results to one shared-memory file in
// /dev/shm, and references name (arena, offset, size). Every value kind comes back exact
// through both reads of an arena (a mapped view, as the runner's get reads; a copy, as a
// task's arguments are read), and agrees with the file-per-object path; two different values
// never come back as each other; settling keeps what is referred to as object files and
// leaves nothing in /dev/shm.
import test from 'ava'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {arenaPath} from '../../src/objects/arena.js'
import {forgetArenas, mappedArena} from '../../src/objects/arena-map.js'
import type {ObjectsConfig} from '../../src/objects/config.js'
import {loadRefs, readObject} from '../../src/objects/read.js'
import {isObjectPointer, objectId, type ObjectPointer} from '../../src/objects/ref.js'
import {settleFolders} from '../../src/objects/run-object-store.js'
import {ObjectWriter} from '../../src/objects/writer.js'
import {fill, typedValues} from './values.js'

const SHM = '/dev/shm'
const hasShm = existsSync(SHM)

interface Setup {
  readonly config: ObjectsConfig
  readonly spill: string
  /** every entry of /dev/shm that belongs to this store */
  shmEntries(): string[]
}

/** a store whose hot folder is in /dev/shm (so arenas can be mapped), cleaned up after the test */
function setup(t: {teardown(f: () => void): void}, arenaMax: number | null = 16 * 1024 * 1024): Setup {
  const base = mkdtempSync(join(tmpdir(), 'arena-'))
  const dir = mkdtempSync(join(hasShm ? SHM : base, 'rayts-arenatest-'))
  const spill = join(base, 'spill')
  mkdirSync(spill, {mode: 0o700})
  const shmEntries = (): string[] => readdirSync(hasShm ? SHM : base).filter((n) => n.startsWith(basename(dir)))
  t.teardown(() => {
    for (const n of shmEntries()) rmSync(join(hasShm ? SHM : base, n), {recursive: true, force: true})
    rmSync(base, {recursive: true, force: true})
  })
  const config: ObjectsConfig = {run: 'run1', dir, spill, inlineMax: 0, ...(arenaMax === null ? {} : {arenaMax})}
  return {config, spill, shmEntries}
}

function cyclic(): unknown {
  const a: Record<string, unknown> = {name: 'a', data: new Float64Array([1.5, 2.5])}
  const b = {name: 'b', back: a, list: [a]}
  a.next = b
  const m = new Map<string, unknown>([['self', null]])
  m.set('self', m)
  return {a, b, m}
}

const N = 3000
const VALUES: Record<string, () => unknown> = {
  ...typedValues(N * 8),
  'an odd-length Int8Array': () => fill(new Int8Array(N + 3)),
  Map: () => new Map(Array.from({length: 300}, (_, i) => [i, `v${i}`])),
  Set: () => new Set(Array.from({length: 300}, (_, i) => `s${i}`)),
  'BigInt in an array': () => [2n ** 200n + 7n, -5n],
  'Date in an array': () => [new Date(1_700_000_000_123)],
  'cyclic values': cyclic,
  'nested values': () => ({a: {b: [1, 2, {c: new Float64Array(500)}], m: new Map([['k', new Set([1n, 2n])]])}, when: new Date(0), s: 'x'.repeat(10)}),
  'a long string': () => 'é'.repeat(5000),
}

for (const [kind, make] of Object.entries(VALUES)) {
  test(`${kind}: exact through a mapped arena, a copied one (from the file, from a new mapping, from a known one) and an object file`, (t) => {
    const arena = setup(t)
    const files = setup(t, null)
    const ref = new ObjectWriter(arena.config).store(make())
    t.true(isObjectPointer(ref), 'stored')
    t.truthy((ref as ObjectPointer).arena, 'in an arena')
    const fileRef = new ObjectWriter(files.config).store(make())
    t.true(isObjectPointer(fileRef) && (fileRef as ObjectPointer).arena === undefined, 'a file each (the slow path)')
    const expected = make()
    const fromArenaFile = readObject(ref as ObjectPointer, undefined, 'copy') // nothing mapped yet: read from the file
    const mappedCopy = readObject(ref as ObjectPointer, undefined, 'mapped-copy') // maps the arena, copies out of it
    const mapped = readObject(ref as ObjectPointer, undefined, 'map')
    const copied = readObject(ref as ObjectPointer, undefined, 'copy') // the mapping is known now: copied out of it
    const fromFile = readObject(fileRef as ObjectPointer)
    for (const got of [fromArenaFile, mappedCopy, mapped, copied, fromFile]) t.deepEqual(got, expected)
    t.deepEqual(mapped, fromFile, 'the fast path agrees with the slow one')
    if (ArrayBuffer.isView(expected)) {
      for (const got of [fromArenaFile, mappedCopy, mapped, copied]) t.is((got as object).constructor, (expected as object).constructor)
    }
  })
}

test('a mapped typed array is a view of the arena (no copy); a copied one is memory of its own', (t) => {
  if (!hasShm) return t.pass('no /dev/shm here')
  const {config} = setup(t)
  const ref = new ObjectWriter(config).store(fill(new Float64Array(10_000))) as ObjectPointer
  const a = readObject(ref, undefined, 'map') as Float64Array
  const b = readObject(ref, undefined, 'map') as Float64Array
  t.is(a.buffer, b.buffer, 'both views of one mapping')
  t.true(a.buffer.byteLength >= 256 * 1024 * 1024, 'the whole arena is mapped')
  const c = readObject(ref, undefined, 'copy') as Float64Array
  t.is(c.buffer.byteLength, 10_000 * 8 + 16)
  t.not(c.buffer, a.buffer)
})

test('two different arrays never come back as each other, in one arena or across writers', (t) => {
  const {config} = setup(t)
  const writers = [new ObjectWriter(config), new ObjectWriter(config)]
  const refs: ObjectPointer[] = []
  for (let i = 0; i < 400; i++) refs.push(writers[i % 2]!.store(new Float64Array(1000 + (i % 7)).fill(i)) as ObjectPointer)
  t.is(new Set(refs.map(objectId)).size, refs.length, 'ids are unique')
  t.is(new Set(refs.map((r) => `${r.arena}@${r.at}`)).size, refs.length, 'places are unique')
  t.is(new Set(refs.map((r) => r.arena)).size, 2, 'one arena per writer')
  for (const mode of ['map', 'copy'] as const) {
    refs.forEach((ref, i) => {
      const a = readObject(ref, undefined, mode) as Float64Array
      if (a.length !== 1000 + (i % 7) || a[0] !== i || a[a.length - 1] !== i) t.fail(`value ${i} came back as another (${mode})`)
    })
  }
  t.pass()
})

test('a read from an arena mapped before (no file checks) agrees with the first read and with a copy; a ref past a whole object is still refused', (t) => {
  if (!hasShm) return t.pass('no /dev/shm here')
  const {config} = setup(t)
  const writer = new ObjectWriter(config)
  const values = [...Object.values(typedValues(4096)).map((make) => make()), new Float64Array(3000).fill(1), new Float64Array(3000).fill(2), {a: [1, 2, 3]}]
  const refs = values.map((v) => writer.store(v)).filter(isObjectPointer)
  t.true(refs.length >= values.length - 1 && refs.every((r) => r.arena !== undefined), 'in the arena')
  const first = refs.map((r) => readObject(r, undefined, 'map')) // maps the arena: the slow path
  const again = refs.map((r) => readObject(r, undefined, 'map')) // the mapping is known: the fast path
  const copies = refs.map((r) => readObject(r, undefined, 'copy'))
  t.deepEqual(again, first)
  t.deepEqual(again, copies)
  // the two arrays of 3,000 doubles sit side by side: neither comes back as the other
  const [one, two] = refs.slice(-3, -1).map((r) => readObject(r, undefined, 'map') as Float64Array)
  t.true(one!.every((x) => x === 1) && two!.every((x) => x === 2))
  const last = refs.at(-2)!
  t.throws(() => readObject({...last, size: last.size + 16}, undefined, 'map'), {message: /corrupt|not a whole object/}, 'a size past the object: the slow path says so')
  t.throws(() => readObject({...last, at: last.at! + 8}, undefined, 'map'), {message: /corrupt|not a whole object/})
})

test('a plain copy read maps nothing (a long-lived reader such as the dashboard keeps no arena mapped); a mapped copy maps once and still copies', (t) => {
  if (!hasShm) return t.pass('no /dev/shm here')
  const {config} = setup(t)
  const ref = new ObjectWriter(config).store(new Float64Array(2000).fill(5)) as ObjectPointer
  const path = arenaPath(config.dir, ref.arena!)
  const plain = readObject(ref, undefined, 'copy') as Float64Array
  t.true(plain.every((x) => x === 5))
  t.true(mappedArena(path) === undefined, 'copy: read from the file, nothing mapped')
  const viaMap = readObject(ref, undefined, 'mapped-copy') as Float64Array
  t.true(mappedArena(path) !== undefined, 'mapped-copy: the arena is mapped for the next reads')
  t.true(viaMap.buffer !== mappedArena(path)!.buffer, 'and the value is a copy of its own')
  t.deepEqual(viaMap, plain)
  forgetArenas(config.dir)
})

test('settling keeps the arenas that hold what is referred to (one file each, on disk), and leaves nothing in /dev/shm; a value already read stays whole', (t) => {
  const {config, spill, shmEntries} = setup(t)
  const writer = new ObjectWriter(config)
  const kept = writer.store(new Float64Array(5000).fill(7)) as ObjectPointer
  const dropped = writer.store(new Float64Array(5000).fill(8)) as ObjectPointer
  const held = readObject(dropped, undefined, 'map') as Float64Array
  t.true(shmEntries().some((n) => n.includes('.a-')), 'an arena beside the hot folder')
  settleFolders({run: config.run, dir: config.dir, spill, pid: process.pid, pidStart: null}, new Map([[objectId(kept), kept]]), () => {})
  forgetArenas(config.dir) // as a run's settle does: its arenas are read from the kept folder from now on
  t.deepEqual(shmEntries(), [], 'the hot folder and its arenas are gone')
  t.deepEqual(readdirSync(spill), [kept.arena], 'one file for the arena, up to its last kept object')
  t.is(statSync(join(spill, kept.arena!)).size, 8 + kept.at! + kept.size)
  t.deepEqual(readObject(kept, spill), new Float64Array(5000).fill(7), 'read back from the kept arena')
  t.deepEqual(readObject({...kept, dir: spill}, undefined), new Float64Array(5000).fill(7), 'a relocated reference (--resume) reads it too')
  t.deepEqual(loadRefs([kept], spill, 'map'), [new Float64Array(5000).fill(7)])
  t.true(held.every((x) => x === 8), 'the mapping outlives the removed arena')
  t.throws(() => readObject(dropped, spill), {message: new RegExp(`object ${objectId(dropped)} of run run1 is missing`)})
})

test('an arena name that is not one of ours is refused', (t) => {
  t.throws(() => arenaPath('/dev/shm/rayts-x', '../../etc/passwd'), {message: /not a valid arena name/})
  t.throws(() => arenaPath('/dev/shm/rayts-x', 'a-1-2'), {message: /not a valid arena name/})
  t.is(arenaPath('/dev/shm/rayts-x', 'a-1k-0123abcd-0'), '/dev/shm/rayts-x.a-1k-0123abcd-0')
})
