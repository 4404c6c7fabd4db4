// Makes docs/dashboard.png, the README's picture: the page of a real run of
// test/dashboard/fixtures/shown.yaml (a failed task selected), in the system's Chromium.
//
//   node --import tsx test/dashboard/screenshot.ts
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startDashboard} from '../../src/dashboard/index.js'
import {DEV, ROOT} from '../cli/helpers.js'
import {launch} from './browser.js'

const base = mkdtempSync(join(tmpdir(), 'rayts-dash-shot-'))
const home = join(base, 'home')
const out = join(ROOT, 'docs/dashboard.png')
try {
  for (const graph of ['graphs/arrays.yaml', 'test/dashboard/fixtures/shown.yaml']) {
    try {
      execFileSync('node', ['--import', 'tsx', DEV, 'run', graph], {cwd: ROOT, env: {...process.env, RAYTS_HOME: home}, stdio: 'ignore'})
    } catch {
      // shown.yaml fails one task on purpose
    }
  }
  const dash = await startDashboard({home})
  const browser = await launch()
  const page = await browser.newPage()
  await page.setViewport({width: 1100, height: 1050})
  await page.goto(dash.url)
  await page.waitForFunction(() => document.body.dataset.ready === '1')
  const id = await page.$eval('#runs tbody tr', (tr) => tr.getAttribute('data-run'))
  await page.goto(`${dash.url}runs/${id}`)
  await page.waitForFunction(() => document.body.dataset.ready === '1')
  await page.click('#instances tr[data-name="boom"]')
  await page.waitForSelector('#detail #attempts')
  await new Promise((r) => setTimeout(r, 500))
  await page.screenshot({path: out, clip: {x: 0, y: 0, width: 1100, height: 1050}})
  await browser.close()
  await dash.close()
  console.log(`wrote ${out} (${statSync(out).size} bytes)`)
} finally {
  rmSync(base, {recursive: true, force: true})
}
