// A real terminal for the live UI's tests: a tmux server of its own, at a fixed size.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'])
    return true
  } catch {
    return false
  }
})()

export class Tmux {
  readonly server = `rayts-ui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  /** RAYTS_HOME of the commands run in it, removed by kill() */
  readonly home = mkdtempSync(join(tmpdir(), 'rayts-ui-'))
  constructor(cols: number, rows: number) {
    const home = this.home
    this.tmux('new-session', '-d', '-x', String(cols), '-y', String(rows), '-e', `RAYTS_HOME=${home}`, '-e', 'OCLIF_SKIP_NEW_VERSION_CHECK=true', '-c', root, 'bash --norc --noprofile')
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, ...args], {encoding: 'utf8'})
  }
  /** type a command line (CI unset: the live UI is chosen) and a marker with its exit code */
  run(command: string): void {
    this.tmux('send-keys', '-l', `env -u CI -u CONTINUOUS_INTEGRATION ${command}; echo EXIT=$?`)
    this.tmux('send-keys', 'Enter')
  }
  screen(): string {
    return this.tmux('capture-pane', '-p')
  }
  /** the screen and everything scrolled above it */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-')
  }
  /** poll the screen until it matches; every screen seen goes to `seen` */
  async waitFor(re: RegExp, ms: number, seen?: string[]): Promise<string> {
    const until = Date.now() + ms
    for (;;) {
      const s = this.screen()
      seen?.push(s)
      if (re.test(s)) return s
      if (Date.now() > until) throw new Error(`screen never matched ${re}:\n${s}`)
      await sleep(100)
    }
  }
  kill(): void {
    try {
      this.tmux('kill-server')
    } catch {
      // already gone
    }
    rmSync(this.home, {recursive: true, force: true})
  }
}

/** lines of `s` that match */
export const lines = (s: string, re: RegExp): string[] => s.split('\n').filter((l) => re.test(l))
