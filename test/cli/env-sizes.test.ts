// Sizes in the environment (issue 21 item 19, issue 24 item 6): a value that is not a size
// is refused before the run starts, with exit 2 and a line naming the variable and the
// accepted forms, where it used to be ignored ($RAYTS_OBJECT_STORE_MEMORY, the log caps)
// or warned about after the run ($RAYTS_HOME_BUDGET).
import test from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import * as ray from '../../src/index.js'
import {hasStackOrOtherStyle, tempCli} from './helpers.js'

const FORMS = 'a size greater than 0: a whole number of bytes, or a number with a unit K, M, G or T (powers of 1024; KB, KiB alike), like 64K, 500MiB, 1.5G'

test.serial('rayts run and submit refuse a bad size in the environment: exit 2, one line, nothing run', async (t) => {
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(base, 'g.yaml')
  writeFileSync(graph, 'version: 1\nname: g\ntasks:\n  hi: { cmd: "echo hi" }\noutputs: [hi]\n')
  const cases: [string, string, string][] = [
    ['RAYTS_OBJECT_STORE_MEMORY', 'abc', FORMS],
    ['RAYTS_OBJECT_STORE_MEMORY', '-5', FORMS],
    ['RAYTS_OBJECT_STORE_MEMORY', '0', FORMS],
    ['RAYTS_LOG_RUN_MAX', '1.5x', FORMS],
    ['RAYTS_LOG_ATTEMPT_MAX', 'lots', FORMS],
    ['RAYTS_HOME_BUDGET', 'lots', `off, or ${FORMS}`],
  ]
  for (const [name, value, forms] of cases) {
    const r = await cli(['run', graph], {[name]: value})
    t.is(r.exitCode, 2, `${name}=${value}: ${String(r.stderr)}`)
    t.is(String(r.stderr).trim(), `Error: ${name}: expected ${forms}; got "${value}"`)
    t.is(String(r.stdout), '', 'nothing ran')
    t.false(hasStackOrOtherStyle(String(r.stderr)))
  }
  const submit = await cli(['submit', graph], {RAYTS_OBJECT_STORE_MEMORY: '0'})
  t.is(submit.exitCode, 2)
  t.regex(String(submit.stderr), /^Error: RAYTS_OBJECT_STORE_MEMORY: expected a size greater than 0/)
  const list = await cli(['list', '--json'])
  t.deepEqual(JSON.parse(String(list.stdout)), [], 'no run was recorded')
  const flag = await cli(['run', graph, '--object-store-memory', '1.5m3'])
  t.is(flag.exitCode, 2)
  t.regex(String(flag.stderr), /--object-store-memory: expected a size greater than 0: .*; got "1\.5m3"/)
  const ok = await cli(['run', graph], {RAYTS_OBJECT_STORE_MEMORY: '1GB', RAYTS_LOG_RUN_MAX: '1.5m', RAYTS_HOME_BUDGET: 'off'})
  t.is(ok.exitCode, 0, String(ok.stderr))
})

test.serial('the library refuses a bad size in the environment when a session starts', async (t) => {
  process.env.RAYTS_OBJECT_STORE_MEMORY = '-5'
  try {
    await t.throwsAsync(ray.init({numCpus: 1}), {name: 'RaytsError', message: /^init: RAYTS_OBJECT_STORE_MEMORY: expected a size greater than 0: .*; got "-5"$/})
  } finally {
    delete process.env.RAYTS_OBJECT_STORE_MEMORY
  }
})
