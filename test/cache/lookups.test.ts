// The cache's batch lookup (getMany) answers many keys in one query: each answer must go to its
// own key, equal to what a lookup of that key alone gives.
import test from 'ava'
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openStore} from '../../src/store/index.js'
import {ResultEntries} from '../../src/store/result-cache.js'

const keyOf = (s: string): string => createHash('sha256').update(s).digest('hex')

test('getMany answers each key with its own entry, as get does, in the order asked', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-lookups-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  const store = openStore(home)
  t.teardown(() => store.close())
  const entries = new ResultEntries(store)
  const stored = Array.from({length: 3000}, (_, i) => keyOf(`in ${i}`))
  entries.putMany(stored.map((key, i) => ({key, value: i % 3 === 0 ? {i, tag: `v${i}`} : i, origin: {runId: 'r', name: `t[${i}]`, task: 't'}})), () => t.fail('a put failed'))
  // asked: the stored keys backwards, keys never stored between them, and some twice
  const asked: string[] = []
  for (let i = stored.length - 1; i >= 0; i--) {
    asked.push(stored[i]!)
    if (i % 7 === 0) asked.push(keyOf(`missing ${i}`))
    if (i % 11 === 0) asked.push(stored[i]!)
  }
  const many = entries.getMany(asked)
  t.is(many.length, asked.length)
  t.deepEqual(many, asked.map((key) => entries.get(key)))
  for (let k = 0; k < asked.length; k++) {
    const i = stored.indexOf(asked[k]!)
    const got = many[k]!
    if (i < 0) t.false(got.hit, 'a key never stored is a miss')
    else t.deepEqual(got.hit && got.value, i % 3 === 0 ? {i, tag: `v${i}`} : i, `key ${k} has entry ${i}'s value`)
  }
  t.deepEqual(entries.getMany([]), [])
})
