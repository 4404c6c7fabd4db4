// The worker process: runs fn batches and command jobs for the executor, talking over IPC.
// It exits when the parent's channel closes (parent gone or done with it), killing the
// process groups of its commands first. (When task code blocks its event loop, the
// parent's reaper, pool/reaper.ts, kills it.) An error nothing catches ends it with its
// cause reported (worker/fatal.ts).
import {runCmd, type RunningCmd} from './cmd/run-cmd.js'
import {unpackFnBatch, type FromWorker, type ToWorker} from '../protocol.js'
import {GroupRegistry} from '../terminate/group-registry.js'
import {captureStdio} from './capture.js'
import {exitOnFatal} from './fatal.js'
import {FnBatchRunner} from './fn-batch.js'
import {useObjects} from './objects.js'

// what commands inherit: the environment as the worker got it, before task code runs
const baseEnv = {...process.env}
const groups = new GroupRegistry()
const cmds = new Map<number, RunningCmd>()

/** set when the worker is ending on an uncaught error: nothing more is sent but its cause */
let silenced = false
const send = (message: FromWorker): void => {
  if (!silenced) process.send!(message)
}
const fn = new FnBatchRunner(send)
captureStdio((fd, text) => fn.log(fd, text))
exitOnFatal({
  log: (text) => fn.log('stderr', text),
  silence() {
    fn.flush(false)
    silenced = true
  },
  report: (origin, error, sent) => process.send!({t: 'fatal', origin, error}, undefined, undefined, () => sent()),
})

process.on('disconnect', () => {
  groups.killAll()
  process.exit(0)
})

process.on('message', (message: ToWorker) => {
  switch (message.t) {
    case 'fn':
      void fn.run(unpackFnBatch(message.batch))
      break
    case 'skip':
      fn.skip(message.i)
      break
    case 'cmd':
      startCmd(message.id, message.job)
      break
    case 'cancel-cmd':
      cmds.get(message.id)?.cancel()
      break
    case 'ping':
      send({t: 'pong', n: message.n})
      break
    case 'objects':
      useObjects(message.config)
      break
  }
})

function startCmd(id: number, job: Extract<ToWorker, {t: 'cmd'}>['job']): void {
  const running = runCmd(job, baseEnv, {
    spawned(pid, at) {
      groups.add(pid)
      send({t: 'spawned', id, pid, at})
    },
    stderr(text) {
      send({t: 'cmd-log', id, text})
    },
  })
  cmds.set(id, running)
  void running.result.then((result) => {
    cmds.delete(id)
    if (result.pid !== null) groups.delete(result.pid)
    send({t: 'cmd-done', id, result})
  })
}

send({t: 'ready'})
