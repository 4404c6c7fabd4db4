// `rayts dashboard` as a command: prints its URL, stops cleanly on Ctrl-C, refuses a busy
// port and a non-loopback --host without --allow-remote (exit 2, one line, no stack).
import test from 'ava'
import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {hasStackOrOtherStyle, tempCli} from '../cli/helpers.js'

const {cli, cleanup} = tempCli()
test.after.always(cleanup)

/** start the command, wait for the line holding its URL */
async function started(args: string[]): Promise<{proc: ReturnType<typeof cli>; url: string; err: () => string}> {
  const proc = cli(['dashboard', ...args], {}, {buffer: false})
  let out = ''
  let err = ''
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /rayts dashboard: (http:\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    proc.then((r) => reject(new Error(`exited ${r.exitCode}: ${err}`)), reject)
  })
  return {proc, url, err: () => err}
}

test.serial('prints its URL on loopback, serves the page, and exits 0 on Ctrl-C', async (t) => {
  const {proc, url} = await started([])
  t.regex(url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
  const page = await fetch(url)
  t.is(page.status, 200)
  t.regex(await page.text(), /rayts dashboard/)
  proc.kill('SIGINT')
  const r = await proc
  t.is(r.exitCode, 0)
})

test.serial('a busy --port is a usage error (exit 2) naming the port', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const port = (blocker.address() as AddressInfo).port
  const r = await cli(['dashboard', '--port', String(port)])
  t.is(r.exitCode, 2)
  t.regex(String(r.stderr), new RegExp(`^Error: port ${port} on 127\\.0\\.0\\.1 is already in use`, 'm'))
  t.false(hasStackOrOtherStyle(String(r.stderr)), String(r.stderr))
})

test.serial('--host beyond loopback needs --allow-remote; with it, a warning and a URL with the token', async (t) => {
  const r = await cli(['dashboard', '--host', '0.0.0.0'])
  t.is(r.exitCode, 2)
  t.regex(String(r.stderr), /^Error: --host 0\.0\.0\.0 is beyond loopback.*--allow-remote/m)
  t.false(hasStackOrOtherStyle(String(r.stderr)), String(r.stderr))

  const {proc, url, err} = await started(['--host', '0.0.0.0', '--allow-remote'])
  t.regex(url, /\?token=[0-9a-f]{48}$/)
  // stderr's pipe may be read after stdout's: wait for the warning a little
  for (let i = 0; i < 100 && !/warning:/.test(err()); i++) await new Promise((r) => setTimeout(r, 50))
  t.regex(err(), /^warning: the dashboard listens on 0\.0\.0\.0/m)
  t.is((await fetch(url.replace(/\?token=.*/, 'api/runs'))).status, 401)
  t.is((await fetch(url)).status, 200)
  proc.kill('SIGTERM')
  t.is((await proc).exitCode, 0)
})
