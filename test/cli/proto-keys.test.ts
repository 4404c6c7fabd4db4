// `__proto__`, `constructor` and `toString` as task ids, env names and resource names (issue
// 21 item 8): keys like any other from the graph file and --set through the run, the store,
// and get / status / wait --json.
import test from 'ava'
import {join} from 'node:path'
import {toModelOptions} from '../../src/api/options.js'
import {envTemplate} from '../../src/api/remote-function.js'
import {RefCollector} from '../../src/api/task-specs.js'
import {tempCli} from './helpers.js'

const graph = join(import.meta.dirname, 'fixtures', 'proto-keys.yaml')

test('__proto__, constructor and toString as task ids, env and resource names: every path keeps them', async (t) => {
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const validate = await cli(['validate', graph, '--set', 'tasks.__proto__.env.X=[1]', '--set', 'tasks.constructor.bogus=1'])
  t.is(validate.exitCode, 2)
  t.regex(String(validate.stderr), /--set tasks\.constructor\.bogus=1: unknown path "tasks\.constructor\.bogus": unknown option "bogus"/)

  const run = await cli(['run', graph, '--resources', 'constructor=1', '--set', 'tasks.__proto__.env.X=set'])
  t.is(run.exitCode, 0, String(run.stderr))
  const runId = /run (\S+) succeeded/.exec(String(run.stderr))![1]!

  const all = JSON.parse(String((await cli(['get', runId, '__proto__', 'constructor', 'toString', 'env', '--json'])).stdout)) as Record<string, unknown>
  t.deepEqual(Object.keys(all).sort(), ['__proto__', 'constructor', 'env', 'toString'].sort())
  t.is(Object.getOwnPropertyDescriptor(all, '__proto__')?.value, 'P=set', 'the --set env reached the __proto__ task')
  t.is(all['constructor'] as unknown, 'C=')
  t.deepEqual(all.toString, {['__proto__']: 'own', constructor: '__proto__,constructor', toString: 'function'})
  t.is(all.env, '__proto__=a constructor=b toString=c ', 'env names that are Object.prototype names')

  const one = await cli(['get', runId, '__proto__', '--json'])
  t.is(one.stdout, '{"__proto__":"P=set"}')
  const waited = JSON.parse(String((await cli(['wait', runId, '__proto__', 'constructor', 'toString', '--num-returns', '3', '--json'])).stdout)) as {ready: string[]}
  t.deepEqual(waited.ready.slice().sort(), ['__proto__', 'constructor', 'toString'].sort())
  const status = JSON.parse(String((await cli(['status', runId, '--json'])).stdout)) as {instances: {instance: string; state: string}[]}
  t.deepEqual(status.instances.map((i) => `${i.instance} ${i.state}`).sort(), ['__proto__ succeeded', 'constructor succeeded', 'env succeeded', 'toString succeeded'])
})

test('the library keeps resources and env named __proto__, constructor and toString', (t) => {
  const options = toModelOptions({resources: JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as Record<string, number>}, 'fn', 'f')
  t.deepEqual(Object.entries(options.resources), [['__proto__', 1], ['constructor', 2], ['toString', 3]])
  const env = envTemplate(JSON.parse('{"__proto__": "a", "constructor": "b", "toString": "c"}') as Record<string, string>, new RefCollector({}))
  t.deepEqual(Object.entries(env), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']])
})
