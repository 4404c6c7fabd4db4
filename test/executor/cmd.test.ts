import test from 'ava'
import {createLocalExecutor} from '../../src/executor/index.js'
import type {Executor} from '../../src/executor/types.js'
import {cmdJob, RecordingSink} from './helpers.js'

const rec = new RecordingSink()
let ex: Executor
let inst = 0
test.before(() => {
  ex = createLocalExecutor(rec.sink)
})
test.after.always(async () => {
  await ex?.close()
})

async function run(command: Parameters<typeof cmdJob>[1], extra: Parameters<typeof cmdJob>[2] = {}) {
  const i = inst++
  ex.submit([cmdJob(i, command, extra)])
  await rec.waitDone(rec.done.length + 1)
  return {i, out: rec.outcome(i)}
}

test.serial('argv runs without a shell; shell runs /bin/sh -c as written', async (t) => {
  t.like((await run({argv: ['echo', '$HOME', 'a b']})).out, {ok: true, value: '$HOME a b'})
  t.like((await run({shell: 'echo one two | wc -w'})).out, {ok: true, value: '2'})
})

test.serial('stdin (text or bytes), env additions, cwd', async (t) => {
  t.like((await run({argv: ['cat']}, {stdin: 'from stdin\n'})).out, {ok: true, value: 'from stdin'})
  t.like((await run({argv: ['wc', '-c']}, {stdin: new Uint8Array([0, 1, 2, 255])})).out, {ok: true, value: '4'})
  t.like((await run({argv: ['cat']})).out, {ok: true, value: ''}, 'no stdin: empty input')
  t.like((await run({shell: 'echo "$RAYTS_A-$PATH_IS_SET"'}, {env: {RAYTS_A: 'x', PATH_IS_SET: process.env.PATH ? 'y' : 'n'}})).out, {ok: true, value: 'x-y'})
  t.like((await run({argv: ['pwd']}, {cwd: '/tmp'})).out, {ok: true, value: '/tmp'})
})

test.serial('output modes: text, json, lines; invalid json names the task', async (t) => {
  t.like((await run({shell: 'printf "a\\nb\\n\\n"'})).out, {ok: true, value: 'a\nb\n'})
  t.like((await run({shell: `echo '{"n": [1, 2]}'`}, {output: 'json'})).out, {ok: true, value: {n: [1, 2]}})
  t.like((await run({shell: 'printf "a\\nb\\n"'}, {output: 'lines'})).out, {ok: true, value: ['a', 'b']})
  t.like((await run({shell: 'printf "a\\n\\nb"'}, {output: 'lines'})).out, {ok: true, value: ['a', '', 'b']})
  const {i, out} = await run({argv: ['echo', 'not json']}, {output: 'json'})
  t.like(out, {ok: false, error: {kind: 'error', name: 'SyntaxError'}})
  if (!out.ok) t.true(out.error.message.startsWith(`output of cmd[${i}] is not valid JSON`))
})

test.serial('stderr is the log; a non-zero exit is an ExitError with the code and last stderr lines', async (t) => {
  const {i, out} = await run({shell: 'echo partial; echo "first problem" >&2; echo "second problem" >&2; exit 3'})
  t.like(out, {ok: false, error: {kind: 'error', name: 'ExitError', exitCode: 3}})
  if (!out.ok) t.is(out.error.message, 'command exited with code 3\nfirst problem\nsecond problem')
  t.is(rec.logText(i, 'stderr'), 'first problem\nsecond problem\n')
})

test.serial('killed by a signal not sent by rayts: crash with the signal', async (t) => {
  t.like((await run({shell: 'kill -SEGV $$'})).out, {ok: false, error: {kind: 'crash', signal: 'SIGSEGV'}})
})

test.serial('a command that cannot start is an error of the task', async (t) => {
  t.like((await run({argv: ['/nonexistent/program']})).out, {ok: false, error: {kind: 'error', name: 'SpawnError'}})
})

test.serial('each attempt runs in its own process group, announced alive then gone', async (t) => {
  const {i, out} = await run({shell: 'ps -o pgid= -p $$'})
  t.true(out.ok)
  const groups = rec.events.filter((e) => e.type === 'process-group' && e.inst === i)
  t.is(groups.length, 2)
  const [on, off] = groups as Extract<(typeof groups)[number], {type: 'process-group'}>[]
  t.true(on!.alive)
  t.false(off!.alive)
  t.is(on!.pgid, out.pid!)
  t.is(Number(out.ok && String(out.value).trim()), on!.pgid)
  t.true(rec.started.some((s) => s.inst === i && s.pid === out.pid))
})

test.serial('stdout beyond 64 MiB is an error of the task', async (t) => {
  const {i, out} = await run({shell: 'head -c 70000000 /dev/zero'})
  t.like(out, {ok: false, error: {kind: 'error', name: 'OutputLimitError'}})
  if (!out.ok) t.is(out.error.message, `stdout of cmd[${i}] exceeded 64 MiB`)
})

test.serial('E2BIG names the limit: one argument or env value over 128 KiB, or all of them together over the total; stdin takes it', async (t) => {
  const big = 'x'.repeat(200_000)
  const one = (await run({argv: ['echo', 'a', big]})).out
  t.like(one, {ok: false, error: {name: 'SpawnError'}})
  t.regex(one.ok ? '' : one.error.message, /^cannot run echo: the argument list is too long \(E2BIG\): its argument 2 is 196 KiB, over Linux's limit of 128 KiB \(MAX_ARG_STRLEN, 131072 bytes\) for one argument or env value\. Pass big values on stdin/)
  const env = (await run({shell: 'echo "$BIG" | wc -c'}, {env: {BIG: big}})).out
  t.regex(env.ok ? '' : env.error.message, /^cannot run \/bin\/sh: .*E2BIG.*: its env BIG is 196 KiB, over Linux's limit of 128 KiB \(MAX_ARG_STRLEN/)
  const total = (await run({argv: ['echo', ...Array.from({length: 40}, () => 'y'.repeat(100_000))]})).out
  t.regex(total.ok ? '' : total.error.message, /E2BIG.*: its arguments and environment take \d+ KiB together, over Linux's limit for all of them \(a quarter of the stack limit, ulimit -s/)
  t.like((await run({argv: ['wc', '-c']}, {stdin: big})).out, {ok: true, value: '200000'})
})
