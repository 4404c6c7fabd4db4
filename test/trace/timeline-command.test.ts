// `rayts timeline` end to end: a real run recorded in a temporary RAYTS_HOME, then its
// timeline read back from the store.
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {type ChromeTrace, formatForFile} from '../../src/trace/index.js'
import {validateTrace} from './validate-trace.js'
import {attemptSpans, overlaps} from './helpers.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'rayts-timeline-cmd-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

const rayts = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bin/dev.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: {...process.env, RAYTS_HOME: join(tmp, 'home'), OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'},
  })

test('the format follows the extension', (t) => {
  t.is(formatForFile('a.html'), 'html')
  t.is(formatForFile('A.HTM'), 'html')
  t.is(formatForFile('a.json'), 'json')
  t.is(formatForFile('trace'), 'json')
})

test.serial('run --timeline, then timeline last -o json/html, the same spans', (t) => {
  const run = rayts('run', join(root, 'graphs/commands.yaml'), '--timeline', join(tmp, 'run.json'))
  t.is(run.status, 0, run.stderr)
  const fromRun = JSON.parse(readFileSync(join(tmp, 'run.json'), 'utf8')) as ChromeTrace
  t.deepEqual(validateTrace(fromRun), [])

  const json = rayts('timeline', 'last', '-o', join(tmp, 'stored.json'), '--json')
  t.is(json.status, 0, json.stderr)
  const summary = JSON.parse(json.stdout) as {file: string; format: string; events: number; traceEvents: number; spans: number}
  t.like(summary, {file: join(tmp, 'stored.json'), format: 'json'})
  const stored = JSON.parse(readFileSync(join(tmp, 'stored.json'), 'utf8')) as ChromeTrace
  t.deepEqual(validateTrace(stored), [])
  t.deepEqual(overlaps(stored), [])
  t.is(summary.spans, attemptSpans(stored).length)
  t.is(summary.traceEvents, stored.traceEvents.length)
  t.true(summary.events > summary.spans)
  // the stored events draw the same attempts as the live ones
  const names = (tr: ChromeTrace) => attemptSpans(tr).map((s) => `${s.name}#${String(s.args['attempt'])}:${s.cat}`).sort()
  t.deepEqual(names(stored), names(fromRun))
  t.is(stored.otherData.runId, fromRun.otherData.runId)

  const html = rayts('timeline', fromRun.otherData.runId, '-o', join(tmp, 'stored.html'))
  t.is(html.status, 0, html.stderr)
  t.regex(html.stdout, /stored\.html: html timeline of \d+ attempts/)
  t.regex(readFileSync(join(tmp, 'stored.html'), 'utf8'), /^<!doctype html>/)

  const forced = rayts('timeline', 'last', '-o', join(tmp, 'forced.html'), '--format', 'json')
  t.is(forced.status, 0, forced.stderr)
  t.deepEqual(validateTrace(JSON.parse(readFileSync(join(tmp, 'forced.html'), 'utf8'))), [])
})

test.serial('unknown runs and unwritable files: a message, no stack, exit codes 2 and 1', (t) => {
  const unknown = rayts('timeline', 'nosuchrun', '-o', join(tmp, 'x.json'))
  t.is(unknown.status, 2)
  t.regex(unknown.stderr, /^Error: no run nosuchrun/)
  t.notRegex(unknown.stderr, /\n\s+at /)
  const bad = rayts('timeline', 'last', '-o', join(tmp, 'no/such/dir/x.json'))
  if (bad.stderr.includes('no runs yet')) {
    t.is(bad.status, 2)
  } else {
    t.is(bad.status, 1)
    t.regex(bad.stderr, /cannot write .*ENOENT/)
  }
  const missing = rayts('timeline', 'last')
  t.is(missing.status, 2)
})

test.serial('run --timeline to a file that cannot be written: the results stand, one Error line, exit 1, and the run can be drawn again', (t) => {
  const run = rayts('run', join(root, 'graphs/commands.yaml'), '--timeline', join(tmp, 'no/such/dir/run.json'))
  t.is(run.status, 1, run.stderr)
  t.true(run.stdout.length > 0, 'the results were printed')
  const errors = run.stderr.split('\n').filter((l) => /Error|ENOENT|Code:/.test(l))
  t.is(errors.length, 1, run.stderr)
  t.regex(errors[0]!, /^Error: cannot write \S+run\.json: ENOENT \(the run is recorded: rayts timeline \w+ -o FILE\)$/)
  t.notRegex(run.stderr, /\n\s+at /)
  const id = /rayts timeline (\w+) -o FILE/.exec(errors[0]!)![1]!
  const again = rayts('timeline', id, '-o', join(tmp, 'again.json'))
  t.is(again.status, 0, again.stderr)
})
