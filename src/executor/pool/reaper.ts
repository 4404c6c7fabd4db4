// Workers die with their runner, even while task code spins in synchronous code. A worker
// notices its runner's death through the closed IPC channel only when its event loop turns;
// a task stuck in a loop never lets it. So the runner keeps one tiny shell beside it, told
// over a pipe which workers and command process groups are alive: when the pipe closes
// (the runner is gone, however it ended), the shell SIGKILLs the groups, waits a moment for
// the workers that can to exit by themselves, then SIGKILLs those left.
//
// A shell rather than a watchdog thread in each worker: the thread cost ~100 ms of CPU and
// ~11 MB per worker (measured here), which doubled the time of max_calls: 1 graphs; the
// shell is one process per runner, and one pipe write per worker start and exit.
import {type ChildProcessByStdio, spawn} from 'node:child_process'
import type {Writable} from 'node:stream'

/** how long the workers get to exit by themselves once the runner is gone */
const GRACE_SECONDS = 0.3

// dash-compatible; `read` waits on the pipe, so it costs nothing while the runner lives
const SCRIPT = `# rayts: kills the workers of runner ${process.pid} if it dies
w=' '
g=' '
while read -r op id; do
  case $op in
    +) w="$w$id ";;
    -) case $w in *" $id "*) w="\${w%% $id *} \${w#* $id }";; esac;;
    g+) g="$g$id ";;
    g-) case $g in *" $id "*) g="\${g%% $id *} \${g#* $id }";; esac;;
  esac
done
for id in $g; do kill -9 "-$id" 2>/dev/null; done
[ "$w" = ' ' ] && exit 0
sleep ${GRACE_SECONDS}
for id in $w; do kill -9 "$id" 2>/dev/null; done
`

let shell: ChildProcessByStdio<Writable, null, null> | null | undefined

function pipe(): Writable | null {
  if (shell === undefined) {
    try {
      // its own session: a Ctrl-C meant for the runner must not end it
      shell = spawn('/bin/sh', ['-c', SCRIPT], {stdio: ['pipe', 'ignore', 'ignore'], detached: true})
      shell.on('error', () => (shell = null))
      shell.stdin.on('error', () => {}) // it died: nothing to tell any more
      shell.unref()
      ;(shell.stdin as unknown as {unref?: () => void}).unref?.()
    } catch {
      shell = null
    }
  }
  return shell?.stdin ?? null
}

/** a worker started: kill it if this process dies first */
export function watchWorker(pid: number): void {
  pipe()?.write(`+ ${pid}\n`)
}

/** a worker exited: its pid may be reused */
export function forgetWorker(pid: number): void {
  if (shell) shell.stdin.write(`- ${pid}\n`)
}

/** a command's process group started (its worker kills it too, if its event loop can) */
export function watchGroup(pgid: number): void {
  pipe()?.write(`g+ ${pgid}\n`)
}

export function forgetGroup(pgid: number): void {
  if (shell) shell.stdin.write(`g- ${pgid}\n`)
}
