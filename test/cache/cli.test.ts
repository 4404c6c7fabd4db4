// The result cache through the CLI: validate's warning, status, why, cache ls | rm | clear,
// and two runs computing the same keys at once.
import test from 'ava'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {hasStackOrOtherStyle, tempCli} from '../cli/helpers.js'

const MOD = `export async function slow(n) { await new Promise((r) => setTimeout(r, 300)); return new Float64Array(n).fill(n) }
export function total(a) { let s = 0; for (const v of a) s += v; return s }
`
const GRAPH = `version: 1
module: ./m.mjs
defaults: {cache: true}
tasks:
  big: {fn: slow, foreach: [200000, 3], args: [!item]}
  sum: {fn: total, foreach: !ref big, args: [!item]}
  say: {cmd: [echo, hi]}
`

/** the CLI with its output as text */
function textCli(cli: ReturnType<typeof tempCli>['cli']) {
  return async (args: string[]) => {
    const r = await cli(args)
    return {exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr)}
  }
}

function setup() {
  const env = tempCli()
  const dir = join(env.base, 'proj')
  mkdirSync(dir)
  writeFileSync(join(dir, 'm.mjs'), MOD)
  writeFileSync(join(dir, 'g.yaml'), GRAPH)
  return {...env, cli: textCli(env.cli), graph: join(dir, 'g.yaml')}
}

test('validate and run warn once about a cached cmd task without inputs; status, why and cache ls|rm|clear', async (t) => {
  const {cli, graph, home, cleanup} = setup()
  t.teardown(cleanup)
  const v = await cli(['validate', graph])
  t.is(v.exitCode, 0, v.stderr)
  t.regex(v.stderr, /g\.yaml:\d+:\d+: warning: task say has cache: true but no inputs/)
  const first = await cli(['run', graph])
  t.is(first.exitCode, 0, first.stderr)
  t.is(first.stderr.match(/task say has cache: true but no inputs/g)?.length, 1)
  const second = await cli(['run', graph])
  t.is(second.exitCode, 0, second.stderr)
  const status = await cli(['status', 'last', '--json'])
  const s = JSON.parse(status.stdout) as {counts: Record<string, number>}
  t.is(s.counts.cached, 5)
  const text = await cli(['status', 'last'])
  t.regex(text.stdout, /5 cached/)
  const only = JSON.parse((await cli(['status', 'last', '--state', 'cached', '--json'])).stdout) as {instances: {instance: string; state: string}[]}
  t.deepEqual(only.instances.map((i) => i.instance).sort(), ['big[0]', 'big[1]', 'say', 'sum[0]', 'sum[1]'])
  t.true(only.instances.every((i) => i.state === 'cached'))
  t.deepEqual((JSON.parse((await cli(['status', 'last', '--state', 'succeeded', '--json'])).stdout) as {instances: unknown[]}).instances, [])
  const summary = JSON.parse((await cli(['summary', 'last', '--json'])).stdout) as {tasks: {task: string; total: number; states: Record<string, number>}[]}
  t.deepEqual(Object.fromEntries(summary.tasks.map((s) => [s.task, s.states])), {big: {cached: 2}, sum: {cached: 2}, say: {cached: 1}})
  t.regex((await cli(['summary', 'last'])).stdout, /big\s+2\s+2 cached/)

  const why = await cli(['why', 'last', 'sum[0]'])
  t.is(why.exitCode, 0, why.stderr)
  t.regex(why.stdout, /sum\[0\] of run \w+ was reused \(cached\)/)
  const whyJson = JSON.parse((await cli(['why', 'last', 'sum[0]', '--json'])).stdout) as {verdict: string}
  t.is(whyJson.verdict, 'reused')
  const bad = await cli(['why', 'last', 'nope'])
  t.is(bad.exitCode, 2)
  t.false(hasStackOrOtherStyle(bad.stderr), bad.stderr)

  const ls = JSON.parse((await cli(['cache', 'ls', '--json'])).stdout) as {key: string; name: string}[]
  t.is(ls.length, 5)
  const lsText = await cli(['cache', 'ls'])
  t.regex(lsText.stdout, /5 entries/)
  const one = ls.find((e) => e.name === 'say')!
  const rm = await cli(['cache', 'rm', one.key.slice(0, 16)])
  t.is(rm.exitCode, 0, rm.stderr)
  t.regex(rm.stdout, /removed 1 entry/)
  const rmBad = await cli(['cache', 'rm', 'ffffffffffffffff'])
  t.is(rmBad.exitCode, 2)
  t.regex(rmBad.stderr, /no cache entry/)
  const third = await cli(['run', graph])
  t.regex(third.stderr, /✓ say \d/) // ran
  const whySay = await cli(['why', 'last', 'say'])
  t.regex(whySay.stdout, /no entry: run \w+ computed the same key, but its entry is gone/)

  mkdirSync(join(home, 'cache', 'exports'), {recursive: true})
  writeFileSync(join(home, 'cache', 'exports', 'keep.json'), '{}')
  const clear = await cli(['cache', 'clear'])
  t.is(clear.exitCode, 0)
  t.regex(clear.stdout, /removed 5 entries/)
  t.true(existsSync(join(home, 'cache', 'exports', 'keep.json')))
  t.is(JSON.parse((await cli(['cache', 'ls', '--json'])).stdout).length, 0)
  const nc = await cli(['run', graph, '--no-cache'])
  t.is(nc.exitCode, 0)
  t.is(JSON.parse((await cli(['cache', 'ls', '--json'])).stdout).length, 0)
  const whyNc = await cli(['why', 'last', 'big[1]'])
  t.regex(whyNc.stdout, /--no-cache/)
})

test('two runs computing the same keys at once store one entry each, and both print the right values', async (t) => {
  const {cli, graph, cleanup} = setup()
  t.teardown(cleanup)
  const [a, b] = await Promise.all([cli(['run', graph, '--json']), cli(['run', graph, '--json'])])
  t.is(a.exitCode, 0, a.stderr)
  t.is(b.exitCode, 0, b.stderr)
  const values = (out: string) =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as {type: string; instance: string; value: unknown})
      .filter((r) => r.type === 'result')
      .map((r) => [r.instance, r.value])
      .sort()
  t.deepEqual(values(a.stdout), values(b.stdout))
  t.deepEqual(values(a.stdout).find(([i]) => i === 'sum[0]'), ['sum[0]', 200000 * 200000])
  const ls = JSON.parse((await cli(['cache', 'ls', '--json'])).stdout) as {key: string}[]
  t.is(ls.length, 5)
  t.is(new Set(ls.map((e) => e.key)).size, 5)
  const c = await cli(['run', graph, '--json'])
  t.deepEqual(values(c.stdout), values(a.stdout))
  const s = JSON.parse((await cli(['status', 'last', '--json'])).stdout) as {counts: Record<string, number>}
  t.is(s.counts.cached, 5)
})
