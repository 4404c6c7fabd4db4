// ioredis connections for the cluster. BullMQ workers need maxRetriesPerRequest: null.
import {Redis} from 'ioredis'

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

/** connect and PING, with a clear error when Redis is unreachable or refuses the password */
export async function connectChecked(url: string, printable: string, timeoutMs = 5000): Promise<Redis> {
  const client = new Redis(url, {maxRetriesPerRequest: 1, connectTimeout: timeoutMs, retryStrategy: () => null, lazyConnect: true})
  let last: Error | undefined
  client.on('error', (e: Error) => {
    last = e
  })
  try {
    await client.connect()
    await client.ping()
    return client
  } catch (error) {
    client.disconnect()
    const e = last ?? (error as Error)
    throw new ClusterConnectError(`cannot reach Redis at ${printable}: ${e.message}`)
  }
}

export class ClusterConnectError extends Error {
  override name = 'ClusterConnectError'
}
