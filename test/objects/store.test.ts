// The object store in one process: every supported type comes back identical, small values
// stay inline, and the safety rules (0700/0600, no symlinks, whole files only) hold.
import test from 'ava'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {INLINE_MAX, type ObjectsConfig} from '../../src/objects/config.js'
import {ObjectError} from '../../src/objects/errors.js'
import {checkPrivateDir} from '../../src/objects/object-files.js'
import {collectRefs, loadRefs, readObject} from '../../src/objects/read.js'
import {isObjectPointer, objectId, type ObjectPointer} from '../../src/objects/ref.js'
import {ObjectWriter} from '../../src/objects/writer.js'
import {fill, typedValues} from './values.js'

function store(t: {teardown(f: () => void): void}): {config: ObjectsConfig; writer: ObjectWriter} {
  const base = mkdtempSync(join(tmpdir(), 'objects-'))
  t.teardown(() => rmSync(base, {recursive: true, force: true}))
  const dir = join(base, 'hot')
  const spill = join(base, 'spill')
  mkdirSync(dir, {mode: 0o700})
  mkdirSync(spill, {mode: 0o700})
  const config: ObjectsConfig = {run: 'run1', dir, spill, inlineMax: INLINE_MAX}
  return {config, writer: new ObjectWriter(config)}
}

const N = 40_000 // elements: every typed array below is over the threshold
const BIG_VALUES: Record<string, () => unknown> = {
  ...typedValues(N * 4),
  Map: () => new Map(Array.from({length: 20_000}, (_, i) => [i, `v${i}`])),
  Set: () => new Set(Array.from({length: 30_000}, (_, i) => `s${i}`)),
  'BigInt in an array': () => Array.from({length: 20_000}, (_, i) => BigInt(i) ** 3n),
  'Date in an array': () => Array.from({length: 20_000}, (_, i) => new Date(1_700_000_000_000 + i)),
  'nested objects': () => ({a: {b: [1, 2, {c: new Float64Array(N)}], m: new Map([['k', new Set([1n, 2n])]])}, when: new Date(0), s: 'x'.repeat(10)}),
  string: () => 'é'.repeat(INLINE_MAX),
  'array of numbers': () => Array.from({length: 30_000}, (_, i) => i / 7),
}

for (const [name, make] of Object.entries(BIG_VALUES)) {
  test(`a big ${name} goes to the store and comes back identical`, (t) => {
    const {config, writer} = store(t)
    const value = make()
    const stored = writer.store(value)
    t.true(isObjectPointer(stored), 'stored, not inline')
    const ref = stored as ObjectPointer
    t.is(ref.dir, config.dir)
    t.is(statSync(join(config.dir, objectId(ref))).size, ref.size)
    const back = readObject(ref)
    t.deepEqual(back, value)
    if (ArrayBuffer.isView(value)) t.is((back as object).constructor, (value as object).constructor)
  })
}

test('typed arrays come back as views over the read buffer, aligned, without a copy', (t) => {
  const {writer} = store(t)
  const ref = writer.store(fill(new Float64Array(N))) as ObjectPointer
  const back = readObject(ref) as Float64Array
  t.is(back.byteOffset, 16, 'the payload after the 16-byte header, in the one buffer read')
  t.is(back.buffer.byteLength, ref.size)
})

test('small values stay inline and equal what the store path gives', (t) => {
  const {config, writer} = store(t)
  const small: unknown[] = [1, 'x', null, undefined, 5n, new Date(3), new Map([[1, 2]]), new Set([1]), new Float64Array(100), {a: [1, 2]}, Buffer.from('hi')]
  for (const v of small) t.is(writer.store(v), v, 'the same object: nothing written')
  t.deepEqual(readdirSync(config.dir), [])
  // the slow path (forced with a threshold of 0) agrees with the fast one
  const all = new ObjectWriter({...config, inlineMax: 0})
  for (const v of small) {
    const stored = all.store(v)
    if (v === null || typeof v !== 'object') continue
    t.true(isObjectPointer(stored))
    t.deepEqual(readObject(stored as ObjectPointer), v)
  }
})

test('two different values never share an object', (t) => {
  const {writer} = store(t)
  const a = writer.store(new Float64Array(N).fill(1)) as ObjectPointer
  const b = writer.store(new Float64Array(N).fill(2)) as ObjectPointer
  t.not(objectId(a), objectId(b))
  t.is((readObject(a) as Float64Array)[5], 1)
  t.is((readObject(b) as Float64Array)[5], 2)
})

test('num_returns parts are stored one by one; loadRefs puts them back', (t) => {
  const {writer} = store(t)
  const parts = [new Float64Array(N).fill(3), 7, {label: 'small'}, new Map([[1, 'x'.repeat(INLINE_MAX)]])]
  const stored = writer.storeResult(parts, 4) as unknown[]
  t.true(isObjectPointer(stored[0]))
  t.is(stored[1], 7)
  t.deepEqual(stored[2], {label: 'small'})
  t.true(isObjectPointer(stored[3]))
  t.is(collectRefs(stored).size, 2)
  t.deepEqual(loadRefs(stored), parts)
  // refs inside arrays and plain objects built from templates are read too
  t.deepEqual(loadRefs({args: [stored[0], {deep: stored[3]}]}), {args: [parts[0], {deep: parts[3]}]})
})

test('objects are 0600 in a folder that must be 0700', (t) => {
  const {config, writer} = store(t)
  const ref = writer.store(new Float64Array(N)) as ObjectPointer
  t.is(lstatSync(join(config.dir, objectId(ref))).mode & 0o777, 0o600)
  const open = mkdtempSync(join(tmpdir(), 'open-'))
  t.teardown(() => rmSync(open, {recursive: true, force: true}))
  chmodSync(open, 0o755)
  const e = t.throws(() => checkPrivateDir(open), {instanceOf: ObjectError})
  t.regex(e!.message, /open to other users.*refused/)
  const w = new ObjectWriter({...config, dir: open, spill: open})
  t.throws(() => w.store(new Float64Array(N)), {instanceOf: ObjectError})
  t.deepEqual(readdirSync(open), [], 'nothing written there')
})

test('symlinks are refused: as the folder and as the object', (t) => {
  const {config, writer} = store(t)
  const link = `${config.dir}-link`
  symlinkSync(config.dir, link)
  t.regex(t.throws(() => checkPrivateDir(link), {instanceOf: ObjectError})!.message, /symlink: refused/)
  const ref = writer.store(new Float64Array(N)) as ObjectPointer
  const target = join(config.dir, objectId(ref))
  const id = 'planted-1'
  symlinkSync(target, join(config.dir, id))
  const planted: ObjectPointer = {...ref, '$rayts.object': id}
  t.regex(t.throws(() => readObject(planted), {instanceOf: ObjectError})!.message, /object planted-1 of run run1 is a symlink .*refused/)
})

test('a missing or corrupt object is a clear error naming the object and the run', (t) => {
  const {config, writer} = store(t)
  const ref = writer.store(new Float64Array(N)) as ObjectPointer
  const path = join(config.dir, objectId(ref))
  writeFileSync(path, Buffer.alloc(ref.size - 8))
  t.regex(t.throws(() => readObject(ref), {instanceOf: ObjectError})!.message, new RegExp(`object ${objectId(ref)} of run run1 is corrupt`))
  rmSync(path)
  t.regex(t.throws(() => readObject(ref), {instanceOf: ObjectError})!.message, new RegExp(`object ${objectId(ref)} of run run1 is missing`))
  const bad: ObjectPointer = {...ref, '$rayts.object': '../../etc/passwd'}
  t.regex(t.throws(() => readObject(bad), {instanceOf: ObjectError})!.message, /not a valid object id/)
})

test('over the budget (the runner marks the folder full) objects spill to disk', (t) => {
  const {config, writer} = store(t)
  writeFileSync(join(config.dir, '.full'), '')
  const ref = writer.store(new Float64Array(N).fill(4)) as ObjectPointer
  t.is(ref.dir, config.spill)
  t.is((readObject(ref) as Float64Array)[0], 4)
})

test('references inside cyclic and shared values are read, and the cycles and sharing kept', (t) => {
  const {writer} = store(t)
  const big = new Float64Array(N).fill(0.5)
  const ref = writer.store(big) as ObjectPointer
  t.true(isObjectPointer(ref))
  const shared: Record<string, unknown> = {ref}
  const args: unknown[] = [{shared, again: shared}, [ref]]
  ;(args[1] as unknown[]).push(args) // the list holds the whole
  shared.self = shared
  const out = loadRefs(args) as [{shared: Record<string, unknown>; again: unknown}, unknown[]]
  t.deepEqual(out[0].shared.ref, big)
  t.is(out[0].shared.self, out[0].shared)
  t.is(out[0].again, out[0].shared)
  t.is(out[1][0], out[0].shared.ref) // one reference, read once
  t.is(out[1][1], out)
  t.deepEqual([...collectRefs(args).keys()], [objectId(ref)])
  // a cycle with no reference in it is given back as it is
  const plain: unknown[] = [1]
  plain.push(plain)
  t.is(loadRefs(plain), plain)
})
