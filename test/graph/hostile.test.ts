// Hostile files: a clear problem each, never a hang, a crash or a stack trace.
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'

const dir = mkdtempSync(join(tmpdir(), 'rayts-hostile-'))
test.after.always(() => rmSync(dir, {recursive: true, force: true}))

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name)
  writeFileSync(file, content)
  return file
}

function messages(file: string): string[] {
  const r = compileGraphFile(file)
  t0(r.ok === false, `${file} compiled`)
  return r.ok ? [] : r.problems.map(formatProblem)
}

function t0(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg)
}

const good = 'version: 1\ntasks:\n  a: { cmd: [echo, hi] }\n'

test('a YAML alias bomb is cut off', (t) => {
  // a billion laughs: j holds 10^9 x's once its aliases are expanded
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i)
    const cur = String.fromCharCode(97 + i)
    lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`)
  }
  const file = write('bomb.yaml', `version: 1\ndescription: a bomb\ntasks:\n  t:\n    cmd: [echo]\n    stdin:\n${lines.map((l) => `      ${l}`).join('\n')}\n`)
  const m = messages(file)
  t.true(m.some((l) => / aliases expand to more than 10000 nodes \(an alias bomb\?\)$/.test(l)), m.join('\n'))
})

test('a 10 MB file is refused by size, before parsing', (t) => {
  const file = write('big.yaml', good + '# ' + 'x'.repeat(10 * 1024 * 1024) + '\n')
  t.deepEqual(messages(file), [`${file}: file is too large (10.0 MB; the limit is 8.0 MB)`])
})

test('10,000-deep nesting does not overflow the stack', (t) => {
  const flow = write('deep-flow.yaml', `version: 1\ntasks:\n  a: { cmd: [echo], stdin: ${'['.repeat(10000)}${']'.repeat(10000)} }\n`)
  const m = messages(flow)
  t.is(m.length, 1)
  t.regex(m[0]!, /:\d+:\d+: nesting too deep \(more than 64 levels\)$/)
  const block = write('deep-block.yaml', `version: 1\ntasks:\n  a:\n    cmd: [echo]\n    stdin:\n      ${'- '.repeat(10000)}1\n`)
  const b = messages(block)
  t.is(b.length, 1)
  t.regex(b[0]!, /nesting too deep/)
  const mid = write('deep-mid.yaml', `version: 1\ntasks:\n  a: { cmd: [echo], stdin: ${'['.repeat(100)}${']'.repeat(100)} }\n`)
  t.deepEqual(messages(mid), [`${mid}:3:90: nesting too deep (more than 64 levels)`])
})

test('binary garbage, bad UTF-8', (t) => {
  const bin = write('garbage.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff]))
  t.deepEqual(messages(bin), [`${bin}: binary data (a NUL byte at offset 6): not a YAML text file`])
  const latin = write('latin1.yaml', Buffer.from('version: 1\nname: caf\xe9\n', 'latin1'))
  t.deepEqual(messages(latin), [`${latin}: not valid UTF-8 text: not a YAML text file`])
  const noise = write('noise.yaml', '\u0001\u0002 }{ ][ :: !!\n')
  t.true(messages(noise).length >= 1)
})

test('tabs as indentation', (t) => {
  const file = write('tabs.yaml', 'version: 1\ntasks:\n\ta: { cmd: [echo] }\n')
  t.deepEqual(messages(file), [`${file}:3:1: Tabs are not allowed as indentation`])
})

test('a BOM is accepted', (t) => {
  const file = write('bom.yaml', '\ufeff' + good)
  const r = compileGraphFile(file)
  t.true(r.ok)
})

test('an empty file, a blank file', (t) => {
  const empty = write('empty.yaml', '')
  t.deepEqual(messages(empty), [`${empty}: file is empty: a graph needs at least \`version: 1\` and \`tasks\``])
  const blank = write('blank.yaml', '\n  \n')
  t.deepEqual(messages(blank), [`${blank}: file is empty: a graph needs at least \`version: 1\` and \`tasks\``])
  const comments = write('comments.yaml', '# nothing here\n')
  t.deepEqual(messages(comments), [`${comments}:1:1: the graph must be a mapping`])
})

test('a directory, an unreadable file, a missing file, a FIFO-like device', (t) => {
  const sub = join(dir, 'folder.yaml')
  mkdirSync(sub)
  t.deepEqual(messages(sub), [`${sub}: is a directory, not a graph file`])
  const missing = join(dir, 'missing.yaml')
  t.deepEqual(messages(missing), [`${missing}: no such file`])
  t.deepEqual(messages('/dev/null'), ['/dev/null: is not a regular file'])
  if (process.getuid?.() !== 0) {
    const locked = write('locked.yaml', good)
    chmodSync(locked, 0o000)
    t.deepEqual(messages(locked), [`${locked}: permission denied: cannot read the file`])
  } else t.pass('running as root: permissions are not enforced')
})

test('problems are formatted relative to the current folder', (t) => {
  const r = compileGraphFile(join(process.cwd(), 'test/fixtures/bad/version-2.yaml'))
  t.false(r.ok)
  if (!r.ok) t.deepEqual(r.problems.map(formatProblem), ['test/fixtures/bad/version-2.yaml:1:10: version must be 1'])
})

test('a typo in each of 20,000 refs: every one reported, without a quadratic "did you mean"', (t) => {
  const lines = ['version: 1', 'tasks:', '  t0: {cmd: [echo]}']
  for (let i = 1; i < 20_000; i++) lines.push(`  t${i}: {cmd: [echo, !ref x${i - 1}]}`)
  const file = write('typos.yaml', lines.join('\n') + '\n')
  const m = messages(file)
  t.is(m.length, 19_999)
  t.is(m[0], `${file}:4:20: unknown task "x0" (did you mean "t0"?)`)
  t.regex(m[m.length - 1]!, /unknown task "x19998"$/)
})
