// Shell completion (issue 11 item 9): `rayts autocomplete` writes the scripts into the
// cache folder; bash's is driven here by real bash, the way a TAB calls it.
import test from 'ava'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, tempCli} from './helpers.js'

/** What bash offers for the words typed so far (the last word is the one being completed). */
function complete(script: string, cwd: string, words: string[]): string[] {
  const driver = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _rayts_autocomplete; printf "%s\\n" "${COMPREPLY[@]}"'
  const out = execFileSync('bash', ['-c', driver, 'complete', script, 'rayts', ...words], {cwd, encoding: 'utf8'})
  return out.split('\n').filter((l) => l !== '').sort()
}

test.serial('rayts autocomplete bash: commands once each, flags after arguments, graph files, flag values', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['autocomplete', 'bash'])
  t.is(r.exitCode, 0, String(r.stderr))
  const script = join(base, 'cache', 'autocomplete', 'functions', 'bash', 'rayts.bash')
  t.regex(readFileSync(script, 'utf8'), /^# rayts bash completion/)
  t.regex(readFileSync(join(base, 'cache', 'autocomplete', 'bash_setup'), 'utf8'), /rayts\.bash/)

  const top = complete(script, ROOT, [''])
  t.is(top.filter((w) => w === 'bench').length, 1)
  for (const c of ['run', 'submit', 'wait', 'get', 'rm', 'prune', 'cluster', 'help']) t.true(top.includes(c), c)
  t.deepEqual(complete(script, ROOT, ['b']), ['bench'])
  t.deepEqual(complete(script, ROOT, ['bench', '']), ['dag', 'granularity', 'overhead'])
  t.deepEqual(complete(script, ROOT, ['cluster', 'st']), ['status'])

  // flags after the graph argument (and after other flags)
  const runFlags = complete(script, ROOT, ['run', 'graphs/arrays.yaml', '--'])
  for (const f of ['--set', '--num-returns', '--timeout', '--json', '--resume']) t.true(runFlags.includes(f), f)
  t.false(runFlags.includes('--run-id'), 'hidden flags stay hidden')
  t.deepEqual(complete(script, ROOT, ['run', '--set', 'a=1', 'graphs/arrays.yaml', '--num-c']), ['--num-cpus'])
  t.deepEqual(complete(script, ROOT, ['bench', 'dag', '--sh']), ['--shapes'])

  // graph files: folders and YAML only
  const dir = join(base, 'work')
  mkdirSync(join(dir, 'sub'), {recursive: true})
  for (const f of ['a.yaml', 'b.yml', 'notes.txt', 'module.mjs']) writeFileSync(join(dir, f), '')
  t.deepEqual(complete(script, dir, ['run', '']), ['a.yaml', 'b.yml', 'sub'])
  t.deepEqual(complete(script, dir, ['validate', 'a.yaml', '']), ['a.yaml', 'b.yml', 'sub'])
  t.deepEqual(complete(script, ROOT, ['graph', 'graphs/arr']), ['graphs/arrays-wait.yaml', 'graphs/arrays.yaml'])
  // a flag's value: its options, else any file
  t.deepEqual(complete(script, ROOT, ['graph', 'x.yaml', '--format', '']), ['dot', 'json', 'mermaid'])
  t.deepEqual(complete(script, ROOT, ['graph', 'x.yaml', '-f', 'm']), ['mermaid'])
  t.deepEqual(complete(script, dir, ['run', 'a.yaml', '--timeline', '']), ['a.yaml', 'b.yml', 'module.mjs', 'notes.txt', 'sub'])
  // run ids: last; wait also takes a graph file
  t.deepEqual(complete(script, dir, ['status', '']), ['last'])
  t.deepEqual(complete(script, dir, ['wait', '']), ['a.yaml', 'b.yml', 'last', 'sub'])
})

test.serial('rayts autocomplete zsh: the bench topic once, files and flags after arguments', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['autocomplete', 'zsh'])
  t.is(r.exitCode, 0, String(r.stderr))
  const zsh = readFileSync(join(base, 'cache', 'autocomplete', 'functions', 'zsh', '_rayts'), 'utf8')
  const topLevel = zsh.slice(zsh.indexOf('_rayts() {'))
  t.is(topLevel.match(/"bench\[/g)?.length, 1)
  const run = topLevel.slice(topLevel.indexOf('\nrun)'), topLevel.indexOf(';;', topLevel.indexOf('\nrun)')))
  t.regex(run, /_arguments -S/)
  t.regex(run, /--set"\[/)
  t.regex(run, /"\*: :_files"/)
})

/** A bash in tmux of its own, at 120x30, in `cwd`. */
class Terminal {
  readonly server = `rayts-comp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  constructor(cwd: string) {
    this.tmux('new-session', '-d', '-x', '120', '-y', '30', '-c', cwd, 'bash --norc --noprofile')
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, ...args], {encoding: 'utf8'})
  }
  type(text: string, ...keys: string[]): void {
    if (text) this.tmux('send-keys', '-l', text)
    if (keys.length > 0) this.tmux('send-keys', ...keys)
  }
  screen(): string {
    return this.tmux('capture-pane', '-p')
  }
  async waitFor(re: RegExp, ms = 10_000): Promise<string> {
    const until = Date.now() + ms
    for (;;) {
      const s = this.screen()
      if (re.test(s)) return s
      if (Date.now() > until) throw new Error(`screen never matched ${re}:\n${s}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  kill(): void {
    try {
      this.tmux('kill-server')
    } catch {
      // gone
    }
  }
}

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'])
    return true
  } catch {
    return false
  }
})()

test.serial('in a real bash (tmux): set up as `rayts autocomplete script bash` says, then TAB', async (t) => {
  t.timeout(600_000)
  if (!hasTmux) {
    t.log('tmux is not installed: skipped')
    t.pass()
    return
  }
  const {cli, base, cleanup} = tempCli()
  const work = join(base, 'work')
  mkdirSync(work, {recursive: true})
  for (const f of ['lesson1.yaml', 'notes.txt']) writeFileSync(join(work, f), '')
  const term = new Terminal(work)
  t.teardown(() => {
    term.kill()
    cleanup()
  })
  t.is((await cli(['autocomplete', 'bash'])).exitCode, 0)
  const setup = String((await cli(['autocomplete', 'script', 'bash'])).stdout).trim()
  t.regex(setup, /^RAYTS_AC_BASH_SETUP_PATH=\S+ && test -f/)
  term.type(setup, 'Enter')
  term.type('echo READY', 'Enter')
  await term.waitFor(/^READY$/m)
  term.type('clear', 'Enter')

  term.type('rayts ', 'Tab', 'Tab')
  const listing = await term.waitFor(/prune/)
  t.is(listing.match(/\bbench\b/g)?.length, 1, listing)
  term.type('', 'C-u')
  term.type('clear', 'Enter')

  term.type('rayts run lesson', 'Tab')
  await term.waitFor(/rayts run lesson1\.yaml$/m) // (tmux trims the space bash added)
  term.type(' --num-r', 'Tab')
  await term.waitFor(/rayts run lesson1\.yaml +--num-returns$/m)
  term.type('', 'C-u')
  t.pass()
})
