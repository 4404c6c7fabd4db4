// Benchmark (not a test): how fast the dashboard's page of a 100,000-instance run loads in
// the system's Chromium, beside the floor of the same page for a 7-instance run, measured in
// the same sitting; and the server's answer times and memory for that run.
//
//   node --import tsx benchmark/dashboard-100k.ts [rounds]
//
// Both runs are real `rayts run`s (the built CLI when dist/ is there) into a temporary store.
// Page load = navigation start → the page's `rayts-ready` mark (its data drawn), read from
// the page's own performance timeline.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {startDashboard} from '../src/dashboard/index.js'
import {openStore} from '../src/store/index.js'
import {median} from '../src/bench/stats.js'
import {BUILT, DEV, ROOT, isBuilt} from '../test/cli/helpers.js'
import {launch} from '../test/dashboard/browser.js'

const rounds = Number(process.argv[2] ?? 7)
const base = mkdtempSync(join(tmpdir(), 'rayts-dash-bench-'))
const home = join(base, 'home')
const range = (xs: number[]): string => `median ${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})` // bounded: `rounds` numbers

function run(graph: string): string {
  const bin = isBuilt() ? BUILT : DEV
  const args = [...(bin === DEV ? ['--import', 'tsx'] : []), bin, 'run', join(ROOT, 'test/dashboard/fixtures', graph), '--json']
  const t0 = Date.now()
  try {
    execFileSync('node', args, {cwd: ROOT, env: {...process.env, RAYTS_HOME: home, NODE_ENV: ''}, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26})
  } catch {
    // shown.yaml has a failing task on purpose: exit 1
  }
  const store = openStore(home)
  const id = (store.db.prepare('SELECT id FROM runs ORDER BY created_ms DESC LIMIT 1').get() as {id: string}).id
  store.close()
  console.error(`ran ${graph} (${id}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return id
}

try {
  const big = run('wide.yaml')
  const small = run('shown.yaml')
  const browser = await launch()
  const page = await browser.newPage()
  await page.setViewport({width: 1280, height: 900})
  const load = async (url: string, id: string): Promise<number> => {
    await page.goto(`${url}runs/${id}`)
    await page.waitForFunction(() => performance.getEntriesByName('rayts-ready').length > 0, {timeout: 60_000})
    return page.evaluate(() => performance.getEntriesByName('rayts-ready')[0]!.startTime)
  }
  // warm the browser's cache of the page's script and style, and the OS's of the database
  const warm = await startDashboard({home})
  await load(warm.url, small)
  await load(warm.url, big)
  await warm.close()
  // each round a new server, so nothing it keeps (an ended run's counts, the task graph) helps
  const bigTimes: number[] = []
  const smallTimes: number[] = []
  const bigAgain: number[] = []
  for (let i = 0; i < rounds; i++) {
    const fresh = await startDashboard({home})
    smallTimes.push(await load(fresh.url, small))
    bigTimes.push(await load(fresh.url, big))
    bigAgain.push(await load(fresh.url, big))
    await fresh.close()
  }
  const dash = await startDashboard({home})
  const api = async (path: string): Promise<number> => {
    const t0 = performance.now()
    const res = await fetch(`${dash.url}${path.slice(1)}`)
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    return performance.now() - t0
  }
  const heapBefore = process.memoryUsage()
  const b = `/api/runs/${big}`
  const apis: Record<string, string> = {
    'summary (counts by state)': b,
    'first page of 100': `${b}/instances?offset=0&limit=100`,
    'last page (offset 99,900)': `${b}/instances?offset=99900&limit=100`,
    'filter state=succeeded, page 500': `${b}/instances?state=succeeded&offset=50000&limit=100`,
    'search "99[" ': `${b}/instances?q=${encodeURIComponent('[99')}&limit=100`,
    'runs list': '/api/runs',
    'task graph picture (graph cached)': `${b}/graph.svg`,
  }
  const apiTimes: Record<string, number[]> = {}
  for (let i = 0; i < rounds; i++) for (const [k, p] of Object.entries(apis)) (apiTimes[k] ??= []).push(await api(p))
  const heapAfter = process.memoryUsage()
  await browser.close()
  await dash.close()
  const [l1, l5] = loadavg()
  console.log(`load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} (1 / 5 min), ${rounds} rounds`)
  console.log(`page of the 100,000-instance run, a new server: ${range(bigTimes)}`)
  console.log(`  the same page again (its counts kept): ${range(bigAgain)}`)
  console.log(`floor, page of a 7-instance run:  ${range(smallTimes)}`)
  for (const [k, xs] of Object.entries(apiTimes)) console.log(`  server ${k}: ${range(xs)}`)
  console.log(`server process heap ${(heapBefore.heapUsed / 1e6).toFixed(0)} → ${(heapAfter.heapUsed / 1e6).toFixed(0)} MB, RSS ${(heapBefore.rss / 1e6).toFixed(0)} → ${(heapAfter.rss / 1e6).toFixed(0)} MB over ${rounds * Object.keys(apis).length} API calls`)
} finally {
  rmSync(base, {recursive: true, force: true})
}
