// The system's Chromium, driven by puppeteer-core: a headless browser for the dashboard's
// tests, collecting every console error and uncaught page error on the way.
import puppeteer, {type Browser, type Page} from 'puppeteer-core'
import {findChromium} from '../trace/chromium.js'

export interface Watched {
  readonly page: Page
  /** console errors, page errors and failed requests, as text */
  readonly errors: string[]
}

export async function launch(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error('no chromium on this machine (apt-get install chromium)')
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export async function watchedPage(browser: Browser): Promise<Watched> {
  const page = await browser.newPage()
  await page.setViewport({width: 1280, height: 900})
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`page: ${e instanceof Error ? e.message : String(e)}`))
  page.on('requestfailed', (r) => {
    // the live stream is cut when a page navigates away or closes: not an error of the page
    if (!r.url().endsWith('/api/live')) errors.push(`request: ${r.url()} ${r.failure()?.errorText ?? ''}`)
  })
  return {page, errors}
}

/** wait until the page's script says it has drawn its data */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === '1' || document.body.dataset.ready === 'error', {timeout: 30_000})
  const state = await page.evaluate(() => document.body.dataset.ready)
  if (state !== '1') throw new Error(`the page failed to load: ${await page.evaluate(() => document.getElementById('main')?.textContent ?? '')}`)
}
