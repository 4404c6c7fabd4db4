// ioredis connections for the cluster. BullMQ workers need maxRetriesPerRequest: null.
import {Redis} from 'ioredis'
import {bounded} from './link.js'
import {RaytsError} from '../core/errors.js'

export type RedisClient = Redis

export function connect(url: string, options: {blocking?: boolean; name?: string} = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: options.name,
    lazyConnect: false,
  })
  // errors surface on commands; an unhandled 'error' event would crash the process
  client.on('error', () => {})
  return client
}

const COMMAND_TIMEOUT_MS = 60_000

/**
 * connect and PING, with a clear error when Redis is unreachable, does not answer within
 * timeoutMs (a hung server accepts the TCP connection and says nothing) or refuses the password.
 * Later commands on the client fail after COMMAND_TIMEOUT_MS (a code pack of 50 MB may take a while).
 */
export async function connectChecked(url: string, printable: string, timeoutMs = 5000): Promise<Redis> {
  const client = new Redis(url, {maxRetriesPerRequest: 1, connectTimeout: timeoutMs, commandTimeout: COMMAND_TIMEOUT_MS, retryStrategy: () => null, lazyConnect: true})
  let last: Error | undefined
  client.on('error', (e: Error) => {
    last = e
  })
  try {
    const pong = await bounded(
      client.connect().then(() => client.ping()),
      timeoutMs,
    )
    if (pong === undefined) throw new Error(`no answer within ${timeoutMs / 1000} s`)
    return client
  } catch (error) {
    client.disconnect()
    const e = last ?? (error as Error)
    throw new ClusterConnectError(`cannot reach Redis at ${printable}: ${e.message}`)
  }
}

export class ClusterConnectError extends RaytsError {
  override name = 'ClusterConnectError'
  override readonly code = 'RAYTS_ERR_CLUSTER_CONNECT'
}
