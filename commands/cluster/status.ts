import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base-command.js'

export default class ClusterStatusCommand extends BaseCommand {
  static override summary = 'Show a cluster\'s workers, capacity in use, queue depth and tasks/s'
  static override description = `Reads the workers' heartbeats and the queues from the Redis at --redis (or $RAYTS_CLUSTER); the password may come from $RAYTS_REDIS_PASSWORD or --password-file instead of the URL.

Exit codes: 0 shown, 2 a bad URL, or Redis unreachable or silent (at most 5 s to connect, 10 s to answer).`

  static override examples = [
    '<%= config.bin %> cluster status --redis redis://127.0.0.1:6379',
    {description: 'As one JSON object', command: '<%= config.bin %> cluster status --redis redis://127.0.0.1:6379 --json'},
  ]

  static override flags = {
    redis: Flags.string({description: 'Redis URL: redis://[:PASSWORD@]HOST[:PORT], rediss:// for TLS', required: true, env: 'RAYTS_CLUSTER'}),
    'password-file': Flags.string({description: 'read the Redis password from the first line of FILE (else $RAYTS_REDIS_PASSWORD)', helpValue: 'FILE'}),
    json: Flags.boolean({description: 'one JSON object on stdout'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStatusCommand)
    const {clusterStatusWithin, formatClusterStatus, connectChecked, parseClusterUrl, redact, withPassword} = await import('../../src/cluster/index.js')
    const url = parseClusterUrl(withPassword(flags.redis, {env: process.env, passwordFile: flags['password-file']}))
    const redis = await connectChecked(url.url, redact(url.url))
    try {
      const status = await clusterStatusWithin(redis, redact(url.url))
      process.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : `${formatClusterStatus(status)}\n`)
    } finally {
      redis.disconnect()
    }
  }
}
