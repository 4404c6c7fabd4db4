// What the Redis server itself requires, not what the URL says: a worker given a password
// would otherwise join a Redis that needs none (ioredis only warns), which anyone who can
// reach it could use to run commands on the worker.
import {Redis} from 'ioredis'
import {UsageError} from '../core/usage-error.js'
import {bounded} from './link.js'
import {isLoopback, redact, type ClusterUrl} from './url.js'

/** true: a connection without credentials is refused (NOAUTH); false: it is served; undefined: unreachable */
async function serverWantsPassword(url: string, timeoutMs = 5000): Promise<boolean | undefined> {
  const bare = new URL(url)
  bare.username = ''
  bare.password = ''
  const client = new Redis(bare.toString(), {lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: timeoutMs})
  client.on('error', () => {})
  try {
    const answer = bounded(
      client.connect().then(() => client.ping()),
      timeoutMs,
    )
    return (await answer) === 'PONG' ? false : undefined
  } catch (error) {
    return /NOAUTH|Authentication required/i.test((error as Error).message) ? true : undefined
  } finally {
    client.disconnect()
  }
}

export interface CheckedServer {
  /** the URL to connect with: without its password when the server wants none (ioredis would warn) */
  readonly url: string
  /** the URL had a password the server does not ask for */
  readonly unusedPassword: boolean
}

/**
 * Off loopback (and without --insecure) a worker joins only a Redis that refuses clients
 * without a password. An unreachable Redis passes here: connecting says what is wrong.
 */
export async function checkServerSecurity(u: ClusterUrl, insecure: boolean): Promise<CheckedServer> {
  if ((await serverWantsPassword(u.url)) !== false) return {url: u.url, unusedPassword: false}
  if (insecure || isLoopback(u.host)) {
    if (!u.hasPassword) return {url: u.url, unusedPassword: false}
    const bare = new URL(u.url)
    bare.username = ''
    bare.password = ''
    return {url: bare.toString().replace(/\/$/, ''), unusedPassword: true}
  }
  throw new UsageError(
    `refusing to join ${redact(u.url)}: that Redis answers clients without a password, so anyone who can reach it ` +
      'could run commands on this worker (the password in the URL is not checked by the server). ' +
      'Start Redis with --requirepass PASSWORD (or an ACL without nopass), or pass --insecure if the network is trusted.',
  )
}
