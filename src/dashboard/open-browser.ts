// `--open`: hand the URL to the desktop's opener (xdg-open, open, start) when there is one.
import {spawn, spawnSync} from 'node:child_process'

function opener(): {cmd: string; args: string[]} | null {
  if (process.platform === 'darwin') return {cmd: 'open', args: []}
  if (process.platform === 'win32') return {cmd: 'cmd', args: ['/c', 'start', '""']}
  for (const cmd of ['xdg-open', 'sensible-browser']) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0) return {cmd, args: []}
  }
  return null
}

/** true when an opener was started; it runs on by itself (the browser is the user's) */
export function openBrowser(url: string): boolean {
  const o = opener()
  if (!o) return false
  if (process.platform !== 'win32' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform !== 'darwin') return false
  const child = spawn(o.cmd, [...o.args, url], {detached: true, stdio: 'ignore'})
  child.on('error', () => {})
  child.unref()
  return true
}
