import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {availableParallelism} from 'node:os'
import {numCpusFlag, resourcesFlag} from '../src/cli/flags.js'
import {parseResources} from '../src/cli/flag-values.js'
import {ExitCode} from '../src/core/exit-codes.js'
import {logLimits} from '../src/format/log-limits.js'

export default class WorkerCommand extends BaseCommand {
  static override summary = 'Join a cluster: run tasks from a Redis queue on this machine'
  static override description = `Connects to the Redis at --redis (or $RAYTS_CLUSTER), publishes a heartbeat with its capacity (CPU slots and named resources), and runs the tasks that cluster runs (\`rayts run GRAPH --cluster URL\`) queue, on its own pool of worker processes. The run's code is fetched from Redis once per run into $RAYTS_HOME/cluster-cache.

A worker executes whatever the queue hands it: off loopback it joins only a Redis that itself refuses clients without a password (unless --insecure). Keep the password off the command line (\`ps\` shows it to every user): put it in $RAYTS_REDIS_PASSWORD or a file (--password-file), or the whole URL in $RAYTS_CLUSTER.

If Redis stops answering, the worker keeps retrying; after 15 s it says so on stderr, and again when Redis is back. Stop it with Ctrl-C or SIGTERM (it leaves within a few seconds, whatever Redis does; exit 0): the tasks it was running are rerun elsewhere.`

  static override examples = [
    {description: 'Join a Redis, the password from the environment', command: 'RAYTS_REDIS_PASSWORD=secret <%= config.bin %> worker --redis redis://10.0.0.5:6379'},
    {description: 'A GPU host over TLS, the password in a file', command: '<%= config.bin %> worker --redis rediss://redis.lan:6380 --password-file /etc/rayts/redis-password --num-cpus 8 --resources gpu=2 --name gpu1'},
  ]

  static override flags = {
    redis: Flags.string({description: 'Redis URL: redis://[:PASSWORD@]HOST[:PORT], rediss:// for TLS', required: true, env: 'RAYTS_CLUSTER'}),
    'password-file': Flags.string({description: 'read the Redis password from the first line of FILE (else $RAYTS_REDIS_PASSWORD)', helpValue: 'FILE'}),
    'num-cpus': numCpusFlag,
    resources: resourcesFlag,
    name: Flags.string({description: 'a name for status output (default HOST-PID)'}),
    insecure: Flags.boolean({description: 'allow a Redis without a password on a non-loopback address'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(WorkerCommand)
    logLimits(process.env) // a bad $RAYTS_LOG_*_MAX is refused here, not by each task
    const cluster = await import('../src/cluster/index.js')
    const say = (line: string): void => void process.stderr.write(`${line}\n`)
    const url = cluster.parseClusterUrl(cluster.withPassword(flags.redis, {env: process.env, passwordFile: flags['password-file']}))
    cluster.checkWorkerSecurity(url, flags.insecure)
    const numCpus = flags['num-cpus'] ?? availableParallelism()
    const resources = parseResources(flags.resources)
    const server = await cluster.checkServerSecurity(url, flags.insecure)
    const printable = cluster.redact(server.url)
    const probe = await cluster.connectChecked(server.url, printable)
    probe.disconnect()
    if (server.unusedPassword) say(`note: the Redis at ${printable} asks for no password: the one given is not used`)
    const worker = new cluster.ClusterWorker({url: server.url, numCpus, resources, name: flags.name, printable, notice: say})
    await worker.start()
    const caps = Object.entries({cpu: numCpus, ...resources}).map(([k, v]) => `${k}=${v}`).join(',')
    say(`rayts worker ${worker.name} joined ${printable} (${caps}); Ctrl-C to leave`)
    if (cluster.parseClusterUrl(flags.redis).hasPassword && this.argv.some((a) => a.includes(flags.redis))) {
      say(`note: the Redis password is on this command line, where \`ps\` shows it; use $${cluster.PASSWORD_ENV} or --password-file`)
    }
    await new Promise<void>((resolve) => {
      const leave = (): void => {
        say(`rayts worker ${worker.name} leaving`)
        // a second signal leaves at once
        process.once('SIGINT', () => process.exit(ExitCode.Interrupted))
        process.once('SIGTERM', () => process.exit(ExitCode.Interrupted))
        void worker.stop().then(resolve)
      }
      process.once('SIGINT', leave)
      process.once('SIGTERM', leave)
    })
    // with Redis gone, BullMQ's connections would go on retrying and keep the process alive
    process.exit(ExitCode.Ok)
  }
}
