// Headless Chromium for tests: find it, dump a page's DOM after its scripts ran, screenshot it.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'})
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim()
  }
  return null
}

function run(chromium: string, extra: string[], file: string): string {
  const profile = mkdtempSync(join(tmpdir(), 'rayts-chromium-'))
  try {
    return execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...extra,
        pathToFileURL(file).href,
      ],
      {encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe']},
    )
  } finally {
    rmSync(profile, {recursive: true, force: true})
  }
}

/** the DOM after the page's scripts ran */
export const dumpDom = (chromium: string, file: string): string => run(chromium, ['--dump-dom'], file)

export function screenshot(chromium: string, file: string, png: string): void {
  run(chromium, [`--screenshot=${png}`, '--window-size=1200,800', '--hide-scrollbars'], file)
}
