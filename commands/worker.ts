import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {availableParallelism} from 'node:os'
import {parsePositive, parseResources, UsageError} from '../src/runtime/flags.js'

export default class WorkerCommand extends BaseCommand {
  static override summary = 'Join a cluster: run tasks from a Redis queue on this machine'
  static override description = `Connects to the Redis at --redis (or $RAYTS_CLUSTER), publishes a heartbeat with its capacity (CPU slots and named resources), and runs the tasks that cluster runs (\`rayts run GRAPH --cluster URL\`) queue, on its own pool of worker processes. The run's code is fetched from Redis once per run into $RAYTS_HOME/cluster-cache.

A worker executes whatever the queue hands it: it refuses a Redis without a password unless it is on loopback or --insecure is given.

If Redis stops answering, the worker keeps retrying; after 15 s it says so on stderr, and again when Redis is back. Stop it with Ctrl-C or SIGTERM (it leaves within a few seconds, whatever Redis does; exit 0): the tasks it was running are rerun elsewhere.`

  static override examples = [
    {description: 'Join a local Redis with a password', command: '<%= config.bin %> worker --redis redis://:secret@127.0.0.1:6379'},
    {description: 'A GPU host over TLS', command: '<%= config.bin %> worker --redis rediss://:secret@redis.lan:6380 --num-cpus 8 --resources gpu=2 --name gpu1'},
  ]

  static override flags = {
    redis: Flags.string({description: 'Redis URL: redis://[:PASSWORD@]HOST[:PORT], rediss:// for TLS', required: true, env: 'RAYTS_CLUSTER'}),
    'num-cpus': Flags.string({description: 'CPU slots this worker offers (fractions allowed); default: the machine\'s cores'}),
    resources: Flags.string({description: 'other slots, name=N,...', helpValue: 'gpu=1,mem=4'}),
    name: Flags.string({description: 'a name for status output (default HOST-PID)'}),
    insecure: Flags.boolean({description: 'allow a Redis without a password on a non-loopback address'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(WorkerCommand)
    const cluster = await import('../src/cluster/index.js')
    const say = (line: string): void => void process.stderr.write(`${line}\n`)
    let worker: InstanceType<typeof cluster.ClusterWorker>
    try {
      const url = cluster.parseClusterUrl(flags.redis)
      cluster.checkWorkerSecurity(url, flags.insecure)
      const numCpus = flags['num-cpus'] === undefined ? availableParallelism() : parsePositive('num-cpus', Number(flags['num-cpus']))!
      const resources = parseResources(flags.resources)
      const printable = cluster.redact(url.url)
      const probe = await cluster.connectChecked(url.url, printable)
      probe.disconnect()
      worker = new cluster.ClusterWorker({url: url.url, numCpus, resources, name: flags.name, printable, notice: say})
      await worker.start()
      const caps = Object.entries({cpu: numCpus, ...resources}).map(([k, v]) => `${k}=${v}`).join(',')
      say(`rayts worker ${worker.name} joined ${printable} (${caps}); Ctrl-C to leave`)
    } catch (error) {
      if (error instanceof UsageError || error instanceof cluster.ClusterConnectError) this.fail(error.message, 2)
      throw error
    }
    await new Promise<void>((resolve) => {
      const leave = (): void => {
        say(`rayts worker ${worker.name} leaving`)
        // a second signal leaves at once
        process.once('SIGINT', () => process.exit(130))
        process.once('SIGTERM', () => process.exit(130))
        void worker.stop().then(resolve)
      }
      process.once('SIGINT', leave)
      process.once('SIGTERM', leave)
    })
    // with Redis gone, BullMQ's connections would go on retrying and keep the process alive
    process.exit(0)
  }
}
