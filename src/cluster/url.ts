// Redis URLs for the cluster: parse, check the security rules, print without the password.
import {readFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {UsageError} from '../core/usage-error.js'

export interface ClusterUrl {
  /** the URL as given (passed to ioredis as is) */
  readonly url: string
  readonly tls: boolean
  readonly host: string
  readonly port: number
  readonly hasPassword: boolean
}

export function parseClusterUrl(text: string, flag = 'redis'): ClusterUrl {
  let u: URL
  try {
    u = new URL(text)
  } catch {
    throw new UsageError(`--${flag}: expected a Redis URL (redis://[:PASSWORD@]HOST[:PORT] or rediss:// for TLS), got "${text}"`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`--${flag}: the URL must start with redis:// or rediss:// (TLS), got "${redact(text)}"`)
  }
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (!host) throw new UsageError(`--${flag}: the URL has no host: "${redact(text)}"`)
  return {
    url: text,
    tls: u.protocol === 'rediss:',
    host,
    port: u.port ? Number(u.port) : 6379,
    hasPassword: u.password !== '',
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

/**
 * A worker executes whatever the queue hands it: it refuses a Redis anyone could write to,
 * i.e. one without a password, unless it is on loopback or --insecure is given.
 */
export function checkWorkerSecurity(u: ClusterUrl, insecure: boolean): void {
  if (u.hasPassword || insecure || isLoopback(u.host)) return
  throw new UsageError(
    `refusing to join ${redact(u.url)}: a worker runs any code the queue hands it, and this Redis has no password ` +
      '(anyone who can reach it could run commands here). Use redis://:PASSWORD@HOST:PORT (rediss:// for TLS), ' +
      'or pass --insecure if the network is trusted.',
  )
}

/** where a password can come from, kept out of argv (`ps` shows a command line to everyone) */
export const PASSWORD_ENV = 'RAYTS_REDIS_PASSWORD'

/**
 * The URL to use: `text` as is when it holds a password, else with the password of
 * `passwordFile` (its first line) or of $RAYTS_REDIS_PASSWORD put in.
 */
export function withPassword(text: string, options: {readonly env: NodeJS.ProcessEnv; readonly passwordFile?: string; readonly flag?: string}): string {
  const flag = options.flag ?? 'redis'
  let password: string | undefined
  if (options.passwordFile !== undefined) {
    try {
      password = readFileSync(options.passwordFile, 'utf8').split('\n')[0]!.trimEnd()
    } catch (error) {
      throw new UsageError(`--password-file: cannot read ${options.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    if (password === '') throw new UsageError(`--password-file: ${options.passwordFile} is empty`)
  } else {
    password = options.env[PASSWORD_ENV] || undefined
  }
  if (password === undefined) return text
  let u: URL
  try {
    u = new URL(text)
  } catch {
    return text // parseClusterUrl says what is wrong with it
  }
  if (u.password !== '') {
    if (options.passwordFile !== undefined) throw new UsageError(`--${flag} holds a password and --password-file gives another: give one`)
    return text
  }
  u.password = password
  return u.toString().replace(/\/$/, '')
}

/** the URL with its password replaced by *** */
export function redact(text: string): string {
  return text.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/, '$1***@')
}
