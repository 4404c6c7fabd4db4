// Chain fusion through the CLI (the session's early pool, the store, the timeline): a chain
// run by `rayts run` with chains and with RAYTS_CHAIN=0 records the same instances, attempts
// and states, one timeline span per attempt; the link that fails once is retried alone.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEV = join(ROOT, 'bin/dev.js')
const MODULE = join(import.meta.dirname, 'fixtures', 'chain.mjs')
const N = 60
const FAIL = 45

function cli(home: string, args: string[], env: Record<string, string>) {
  return execa('node', ['--import', 'tsx', DEV, ...args], {
    cwd: ROOT,
    env: {RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', ...env},
    reject: false,
  })
}

interface Recorded {
  readonly instances: {instance: string; attempt: number; state: string}[]
  readonly spans: Map<string, number>
  readonly calls: string[]
}

async function runChain(chain: '1' | '0'): Promise<Recorded> {
  const dir = mkdtempSync(join(tmpdir(), `rayts-chain-cli-${chain}-`))
  const log = join(dir, 'calls.log')
  writeFileSync(log, '')
  const lines = ['version: 1', `module: ${JSON.stringify(MODULE)}`, 'defaults: {num_cpus: 1, max_retries: 1, retry_exceptions: true}', 'tasks:']
  for (let i = 0; i < N; i++) {
    const mark = i === FAIL ? JSON.stringify(join(dir, 'mark')) : 'null'
    lines.push(`  c${i}: {fn: step, args: [${i === 0 ? '[]' : `!ref c${i - 1}`}, ${i}, ${JSON.stringify(log)}, ${mark}]}`)
  }
  const file = join(dir, 'chain.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  const home = join(dir, 'home')
  const env = {RAYTS_CHAIN: chain}
  const run = await cli(home, ['run', file, '--json'], env)
  if (run.exitCode !== 0) throw new Error(`rayts run: ${run.stderr}`)
  const status = JSON.parse((await cli(home, ['status', 'last', '--json'], env)).stdout) as {instances: Recorded['instances']}
  const trace = join(dir, 'trace.json')
  await cli(home, ['timeline', 'last', '-o', trace], env)
  const spans = new Map<string, number>()
  const events = (JSON.parse(readFileSync(trace, 'utf8')) as {traceEvents: {ph: string; name: string; cat?: string}[]}).traceEvents
  for (const e of events) if (e.ph === 'X' && /^c\d+$/.test(e.name)) spans.set(e.name, (spans.get(e.name) ?? 0) + 1)
  return {instances: status.instances.map(({instance, attempt, state}) => ({instance, attempt, state})), spans, calls: readFileSync(log, 'utf8').trim().split('\n')}
}

test('rayts run of a chain: the store and the timeline hold the same instances and attempts with chains and with RAYTS_CHAIN=0', async (t) => {
  const fused = await runChain('1')
  const off = await runChain('0')
  const sort = (r: Recorded) => [...r.instances].sort((a, b) => a.instance.localeCompare(b.instance))
  t.deepEqual(sort(fused), sort(off))
  t.is(fused.instances.length, N)
  for (const i of fused.instances) {
    t.is(i.state, 'succeeded', i.instance)
    t.is(i.attempt, i.instance === `c${FAIL}` ? 2 : 1, i.instance)
  }
  for (const r of [fused, off]) {
    t.is(r.spans.size, N)
    t.is(r.spans.get(`c${FAIL}`), 2)
    // every link ran once, the failing one twice
    t.is(r.calls.length, N + 1)
  }
})
