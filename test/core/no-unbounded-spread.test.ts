// A spread of an array as call arguments (push(...xs), Math.max(...xs)) puts every item on the
// call stack: past ~120k items it throws RangeError, which once crashed the cancel of a big
// run. No line of src/ may do it unless it says why the array is small (`// bounded: …`).
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
// a spread straight inside the call's parentheses: `f(...xs)` or `f(a, ...xs)`
const SPREAD_CALL = /\b(?:push|unshift|max|min|fromCharCode|fromCodePoint|splice)\((?:[^()]*,\s*)?\.\.\.[\w[]/

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(path)
    else if (/\.tsx?$/.test(entry.name)) yield path
  }
}

test('no call spreads an array of unknown size', (t) => {
  const found: string[] = []
  for (const dir of ['src', 'commands']) {
    for (const file of sources(join(root, dir))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const code = line.split('//')[0]!
        if (SPREAD_CALL.test(code) && !line.includes('// bounded:')) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`)
      })
    }
  }
  t.deepEqual(found, [])
})

test('the check sees a spread when there is one', (t) => {
  t.true(SPREAD_CALL.test('out.push(...items)'))
  t.true(SPREAD_CALL.test('const m = Math.max(...xs.map((x) => x.n))'))
  t.false(SPREAD_CALL.test('const copy = [...xs]'))
  t.true(SPREAD_CALL.test('Math.max(h.length, ...rows.map((r) => r.length))'))
  t.false(SPREAD_CALL.test('f({...options})'))
  t.false(SPREAD_CALL.test('out.push([...path, i])'))
  t.false(SPREAD_CALL.test('problems.push({...pos, message})'))
})
