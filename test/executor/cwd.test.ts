// A task whose cwd does not exist (issue 12 item 9): the message names the folder, for
// commands and for fn tasks (which honour cwd too), and the worker lives on.
import test from 'ava'
import {createLocalExecutor} from '../../src/executor/index.js'
import type {Executor} from '../../src/executor/types.js'
import {cmdJob, fnJob, RecordingSink} from './helpers.js'

const MISSING = '/nonexistent/rayts-missing-folder'
const rec = new RecordingSink()
let ex: Executor
test.before(() => {
  ex = createLocalExecutor(rec.sink)
})
test.after.always(async () => {
  await ex?.close()
})

test.serial('a command whose cwd does not exist: SpawnError naming the folder, not /bin/sh', async (t) => {
  ex.submit([cmdJob(0, {shell: 'true'}, {cwd: MISSING})])
  ex.submit([cmdJob(1, {argv: ['true']}, {cwd: MISSING})])
  await rec.waitDone(2)
  for (const inst of [0, 1]) {
    const out = rec.outcome(inst)
    t.false(out.ok)
    if (out.ok) continue
    t.is(out.error.name, 'SpawnError')
    t.is(out.error.message, `cwd ${MISSING} does not exist`)
  }
})

test.serial('an fn task whose cwd does not exist: CwdError naming the folder; the batch goes on', async (t) => {
  const before = rec.done.length
  ex.submit([fnJob(10, 'cwd', [], {cwd: MISSING}), fnJob(11, 'cwd', [], {cwd: '/tmp'})])
  await rec.waitDone(before + 2)
  t.like(rec.outcome(10), {ok: false, error: {kind: 'error', name: 'CwdError', message: `cwd ${MISSING} does not exist`}})
  t.like(rec.outcome(11), {ok: true, value: '/tmp'})
})

test.serial('a cwd that is a file is named as not a folder', async (t) => {
  const before = rec.done.length
  ex.submit([cmdJob(20, {shell: 'true'}, {cwd: '/etc/hostname'})])
  await rec.waitDone(before + 1)
  t.like(rec.outcome(20), {ok: false, error: {name: 'SpawnError', message: 'cwd /etc/hostname is not a folder'}})
})
