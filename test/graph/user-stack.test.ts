// userStack: the frames below the user's code are rayts' and node's, and are cut.
import {fileURLToPath} from 'node:url'
import test from 'ava'
import {toTaskFailure, userStack} from '../../src/executor/worker/errors.js'

const own = fileURLToPath(new URL('../../src/', import.meta.url))

test('frames below the last user frame are cut, frames above it kept', (t) => {
  const stack = [
    'RangeError: bad 1',
    '    at Object.openSync (node:fs:573:18)',
    '    at inner (file:///home/u/m.mjs:2:27)',
    '    at Array.map (<anonymous>)',
    '    at sync (file:///home/u/m.mjs:3:34)',
    `    at FnBatchRunner.runOne (${own}executor/worker/fn-batch.ts:79:17)`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    `    at async FnBatchRunner.run (file://${own}executor/worker/fn-batch.js:50:43)`,
  ].join('\n')
  t.is(userStack(stack), stack.split('\n').slice(0, 5).join('\n'))
})

test('a stack with no user frame keeps only its message part', (t) => {
  const stack = ['file:///home/u/m.mjs:1', 'const x = 1 2', '          ^', '', 'SyntaxError: Unexpected number', '    at compileSourceTextModule (node:internal/modules/esm/utils:340:16)', `    at loadFunction (${own}executor/worker/load-module.ts:19:34)`].join('\n')
  t.is(userStack(stack), stack.split('\n').slice(0, 5).join('\n'))
  t.is(userStack('Error: no frames'), 'Error: no frames')
})

test('toTaskError strips the stack of a real error thrown through rayts code', (t) => {
  const e = toTaskFailure(new Error('x'))
  // thrown here, in the test (a user frame), called from ava (user frames too): kept
  t.true(e.kind === 'error' && e.stack!.includes('user-stack.test.ts'))
})
