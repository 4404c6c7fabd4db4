// Functions that fail on purpose, to show retries. Each keeps its attempt count in a file,
// since every attempt may run in a different worker process.
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The counter folder: RAYTS_EXAMPLE_STATE, or one in the OS temp folder keyed by the user. */
function counterFile(name) {
  const dir = process.env.RAYTS_EXAMPLE_STATE ?? join(tmpdir(), `rayts-example-retries-${process.getuid?.() ?? 'user'}`)
  mkdirSync(dir, {recursive: true})
  return join(dir, `${name}.count`)
}

/** This attempt's number, 1-based, counted across processes. */
function nextAttempt(name) {
  const file = counterFile(name)
  let n = 0
  try {
    n = Number(readFileSync(file, 'utf8')) || 0
  } catch {}
  writeFileSync(file, String(n + 1))
  return {attempt: n + 1, reset: () => rmSync(file, {force: true})}
}

/** Kills its own worker on the first two attempts (a crash: retried by max_retries); then succeeds. */
export function crashTwice() {
  const {attempt, reset} = nextAttempt('crash-twice')
  if (attempt <= 2) process.kill(process.pid, 'SIGKILL')
  reset() // so the example can run again
  return `succeeded on attempt ${attempt}`
}

export class ValueError extends Error {
  name = 'ValueError'
}

/** Throws a ValueError on the first attempt (retried by retry_exceptions: [ValueError]). */
export function flaky() {
  const {attempt, reset} = nextAttempt('flaky')
  if (attempt === 1) throw new ValueError('not this time')
  reset()
  return `succeeded on attempt ${attempt}`
}
