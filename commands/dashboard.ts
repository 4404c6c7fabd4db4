import {Flags} from '@oclif/core'
import {hostname} from 'node:os'
import {BaseCommand} from '../src/cli/base-command.js'

export default class Dashboard extends BaseCommand {
  static override summary = 'Serve a live web page of the runs in $RAYTS_HOME'
  static override description = `Serves the dashboard on 127.0.0.1 on a free port (or --port) and prints its URL; runs until Ctrl-C. The page lists the runs, newest first, and shows each run's progress, instances (with their attempts, errors, logs and values), task graph and timeline, updating live as runs started from any terminal progress. It can cancel a run; otherwise it only reads the store (and marks runs whose process died as lost, as every command that reads runs does). Everything it needs is served by itself: it works offline. See docs/dashboard.md.

--host beyond loopback needs --allow-remote, and then every request needs the token printed with the URL.

Exit codes: 0 stopped by Ctrl-C (or SIGTERM), 2 usage error (a busy --port, a non-loopback --host without --allow-remote, the store cannot be used).`

  static override examples = [
    {description: 'Serve on a free port and print the URL', command: '<%= config.bin %> dashboard'},
    {description: 'A fixed port, and open a browser', command: '<%= config.bin %> dashboard --port 8265 --open'},
    {description: 'Reachable from other machines (token required)', command: '<%= config.bin %> dashboard --host 0.0.0.0 --allow-remote'},
  ]

  static override flags = {
    port: Flags.integer({description: 'port to listen on (default: a free one)', min: 1, max: 65535, helpValue: 'PORT'}),
    host: Flags.string({description: 'address to listen on', default: '127.0.0.1', helpValue: 'ADDR'}),
    'allow-remote': Flags.boolean({description: 'allow a --host beyond loopback (every request then needs the token)'}),
    open: Flags.boolean({description: 'open the page in a browser, where there is one'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Dashboard)
    const {startDashboard, isLoopbackHost} = await import('../src/dashboard/index.js')
    const {openBrowser} = await import('../src/dashboard/open-browser.js')
    if (!isLoopbackHost(flags.host) && !flags['allow-remote']) {
      this.fail(`--host ${flags.host} is beyond loopback: anyone who can reach it could read your runs. Add --allow-remote to mean it`, 'RAYTS_ERR_USAGE')
    }
    const dashboard = await startDashboard({host: flags.host, port: flags.port})
    if (dashboard.remote) {
      process.stderr.write(`warning: the dashboard listens on ${flags.host}, beyond this machine: anyone who can reach it and has the token can read your runs and cancel them. Every request needs the token.${dashboard.url.includes('127.0.0.1') && !isLoopbackHost(flags.host) ? ` From another machine, put this machine's name or address (${hostname()}) in place of 127.0.0.1.` : ''}\n`)
    }
    process.stdout.write(`rayts dashboard: ${dashboard.openUrl}\n`)
    process.stderr.write('Ctrl-C to stop\n')
    if (flags.open && !openBrowser(dashboard.openUrl)) process.stderr.write('note: no browser to open here; open the URL above yourself\n')
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await dashboard.close()
  }
}
