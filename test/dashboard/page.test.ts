// The dashboard in the system's Chromium, on a store filled by a real run: the runs list and
// a run's page render without console errors and are not blank; values are shown as text;
// attempts, errors, logs, the task graph and the timeline are on the page.
import test from 'ava'
import type {Browser} from 'puppeteer-core'
import {join} from 'node:path'
import {tempCli} from '../cli/helpers.js'
import {launch, ready, watchedPage} from './browser.js'
import {FIXTURES, notBlank, serve} from './helpers.js'

const {cli, home, cleanup} = tempCli()
let browser: Browser
let runId = ''

test.before(async () => {
  const r = await cli(['run', join(FIXTURES, 'shown.yaml')])
  if (r.exitCode !== 1) throw new Error(`the fixture run should end with one failed task (exit 1): ${r.exitCode}\n${r.stderr}`)
  runId = String(/run (\w+) failed/.exec(String(r.stderr) + String(r.stdout))?.[1])
  browser = await launch()
})

test.after.always(async () => {
  await browser?.close()
  cleanup()
})

test.serial('the runs list renders the run, with no console errors, and is not blank', async (t) => {
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(dash.url)
  await ready(page)
  const rows = await page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => ({id: tr.getAttribute('data-run'), state: tr.getAttribute('data-state'), text: tr.textContent})))
  t.is(rows.length, 1)
  t.is(rows[0]!.id, runId)
  t.is(rows[0]!.state, 'failed')
  t.regex(rows[0]!.text!, /shown/)
  t.regex(rows[0]!.text!, /6 succeeded · 1 failed/)
  const shot = notBlank(await page.screenshot())
  t.true(shot.ok, `not blank: ${JSON.stringify(shot)}`)
  t.deepEqual(errors, [])
})

test.serial("a run's page: progress, instances, attempts with the stack, logs, the graph and the timeline, with no console errors", async (t) => {
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(`${dash.url}runs/${runId}`)
  await ready(page)
  t.is(await page.$eval('#run-state', (e) => e.textContent), 'failed')
  t.regex(await page.$eval('#progress', (e) => e.textContent ?? ''), /succeeded 6.*failed 1/)
  const names = await page.$$eval('#instances tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-name')))
  t.deepEqual([...names].sort(), ['boom', 'markup', 'parts[0]', 'parts[1]', 'parts[2]', 'parts[3]', 'talk'])
  t.is(await page.$eval('#pager', (e) => e.textContent), '1–7 of 7')

  // the failed instance: its attempt, with the error and the worker's stack
  await page.click('#instances tr[data-name="boom"]')
  await page.waitForSelector('#detail #attempts')
  const detail = await page.$eval('#detail', (e) => e.textContent ?? '')
  t.regex(detail, /TypeError: boom: on purpose/)
  t.regex(detail, /at boom \(file:.*shown\.mjs:\d+:\d+\)/)
  t.is(await page.$eval('#instances tr[data-name="boom"] td:last-child', (e) => e.textContent), 'error')

  // logs, following: the run's, and the instance's own
  await page.waitForFunction(() => (document.getElementById('logs')?.textContent ?? '').includes('line 2'))
  t.regex(await page.$eval('#logs', (e) => e.textContent ?? ''), /talk line 0 <b>not bold<\/b>/)
  t.is(await page.$$eval('#logs b', (bs) => bs.length), 0, 'log text is not parsed as HTML')

  // the task graph: one picture, drawn
  await page.waitForFunction(() => (document.getElementById('graph') as HTMLImageElement).naturalWidth > 0)
  const g = await page.$eval('#graph', (img) => ({w: (img as HTMLImageElement).naturalWidth, h: (img as HTMLImageElement).naturalHeight}))
  t.true(g.w > 300 && g.h > 80, JSON.stringify(g))

  // the timeline opens in its frame, its own script runs under its hash-only policy
  await page.click('#timeline summary')
  const frameHandle = await page.waitForSelector('#timeline iframe')
  const frame = await frameHandle!.contentFrame()
  await frame!.waitForFunction(() => document.body?.dataset.rendered !== undefined)
  t.true((await frame!.evaluate(() => Number(document.body.dataset.rendered))) >= 7, 'a bar per attempt, at least')

  const shot = notBlank(await page.screenshot({fullPage: true}))
  t.true(shot.ok, `not blank: ${JSON.stringify(shot)}`)
  t.deepEqual(errors, [])
})

test.serial('a value holding <script> is shown as text and never runs; the download holds the whole value', async (t) => {
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(`${dash.url}runs/${runId}`)
  await ready(page)
  await page.click('#instances tr[data-name="markup"]')
  await page.waitForSelector('#value-preview')
  const shown = await page.$eval('#value-preview', (e) => ({text: e.textContent, children: e.children.length}))
  t.is(shown.text, '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">')
  t.is(shown.children, 0, 'no element was made from the value')
  await new Promise((r) => setTimeout(r, 300))
  t.is(await page.evaluate(() => (window as unknown as {__xss?: number}).__xss), undefined)
  t.is(await page.$$eval('script', (s) => s.length), 1, 'only the page script')

  const href = await page.$eval('#value-download', (a) => (a as HTMLAnchorElement).href)
  const res = await fetch(href)
  t.is(res.status, 200)
  t.regex(res.headers.get('content-disposition') ?? '', /^attachment; filename="[\w.-]+\.json"$/)
  t.is(await res.json(), '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">')
  t.deepEqual(errors, [])
})

test.serial('filters by state and task, a search, and the Chrome trace download', async (t) => {
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(`${dash.url}runs/${runId}`)
  await ready(page)
  const names = () => page.$$eval('#instances tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-name')))
  await page.select('#f-state', 'failed')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '1–1 of 1')
  t.deepEqual(await names(), ['boom'])
  await page.select('#f-state', '')
  await page.select('#f-task', 'parts')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '1–4 of 4')
  t.deepEqual(await names(), ['parts[0]', 'parts[1]', 'parts[2]', 'parts[3]'])
  await page.type('#f-search', '[2')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '1–1 of 1')
  t.deepEqual(await names(), ['parts[2]'])

  const trace = await fetch(await page.$eval('#trace-download', (a) => (a as HTMLAnchorElement).href))
  t.is(trace.status, 200)
  const body = (await trace.json()) as {traceEvents: unknown[]}
  t.true(body.traceEvents.length > 7)
  t.deepEqual(errors, [])
})

test.serial('a run of 250 instances is paged by the server: next and prev, a search across pages, and a link to one instance', async (t) => {
  const r = await cli(['run', join(FIXTURES, 'paged.yaml')])
  t.is(r.exitCode, 0, String(r.stderr))
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(dash.url)
  await ready(page)
  const paged = await page.$eval('#runs tbody tr', (tr) => tr.getAttribute('data-run'))
  await page.goto(`${dash.url}runs/${paged}`)
  await ready(page)
  const names = () => page.$$eval('#instances tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-name')))
  t.is(await page.$eval('#pager', (e) => e.textContent), '1–100 of 250')
  t.is((await names()).length, 100, 'the page holds one page of rows')
  t.true(await page.$eval('#prev', (b) => (b as HTMLButtonElement).disabled))
  await page.click('#next')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '101–200 of 250')
  t.is((await names())[0], 'work[100]')
  await page.click('#next')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '201–250 of 250')
  t.true(await page.$eval('#next', (b) => (b as HTMLButtonElement).disabled))
  await page.click('#prev')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '101–200 of 250')
  await page.type('#f-search', 'work[24')
  await page.waitForFunction(() => document.getElementById('pager')?.textContent === '1–11 of 11')
  t.deepEqual(await names(), ['work[24]', ...Array.from({length: 10}, (_, i) => `work[24${i}]`)])

  await page.click('#instances tr[data-name="work[247]"]')
  await page.waitForFunction(() => document.getElementById('value-preview')?.textContent === '61009')
  t.regex(page.url(), /\?instance=work%5B247%5D$/)
  await page.goto(page.url())
  await ready(page)
  await page.waitForFunction(() => document.getElementById('value-preview')?.textContent === '61009')
  t.regex(await page.$eval('#detail h2', (e) => e.textContent ?? ''), /work\[247\]/)
  t.deepEqual(errors, [])
})

test.serial('a refresh keeps the rows it shows: the element under the pointer is the same after another run changes the store', async (t) => {
  const dash = await serve(home)
  t.teardown(() => dash.close())
  const {page, errors} = await watchedPage(browser)
  await page.goto(`${dash.url}runs/${runId}`)
  await ready(page)
  const row = await page.$('#instances tr[data-name="markup"]')
  const runsPage = await browser.newPage()
  t.teardown(() => runsPage.close())
  await runsPage.goto(dash.url)
  await ready(runsPage)
  const runRow = await runsPage.$(`#runs tr[data-run="${runId}"]`)
  const runLink = await runsPage.$(`#runs tr[data-run="${runId}"] a`)
  const updates = (p: typeof page) => p.evaluate(() => Number(document.body.dataset.updates))
  const before = [await updates(page), await updates(runsPage)] as const
  const runsBefore = await runsPage.$$eval('#runs tbody tr', (trs) => trs.length)

  const r = await cli(['run', join(FIXTURES, 'paged.yaml')])
  t.is(r.exitCode, 0, String(r.stderr))
  // each page in front while it is waited for: a page behind another tab may be throttled
  // (a CI run under load once saw the run page's refresh not come within 30 s)
  await page.bringToFront()
  await page.waitForFunction((n) => Number(document.body.dataset.updates) > n, {}, before[0])
  await runsPage.bringToFront()
  await runsPage.waitForFunction((n, rows) => Number(document.body.dataset.updates) > n && document.querySelectorAll('#runs tbody tr').length === rows + 1, {}, before[1], runsBefore)
  t.true(await row!.evaluate((tr) => tr.isConnected), 'the same instance row')
  t.true(await runRow!.evaluate((tr) => tr.isConnected), 'the same run row')
  t.true(await runLink!.evaluate((a) => a.isConnected), 'the same link in it')
  await page.bringToFront() // a page behind another tab draws no frames: a click on it would wait forever
  await row!.click()
  await page.waitForSelector('#value-preview')
  t.regex(await page.$eval('#detail h2', (e) => e.textContent ?? ''), /markup/)
  t.deepEqual(errors, [])
})
