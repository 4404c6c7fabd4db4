// What keeps the dashboard safe to leave running: a Host check (against DNS rebinding), a
// per-process token (for cancel, and for every request when it listens beyond loopback),
// and headers that allow no other origin and no script but the page's own file.
import {randomBytes, timingSafeEqual} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import {hostname, networkInterfaces} from 'node:os'

export const TOKEN_HEADER = 'x-rayts-token'
export const TOKEN_COOKIE = 'rayts_token'
export const TOKEN_QUERY = 'token'

export const newToken = (): string => randomBytes(24).toString('hex')

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

const bracket = (h: string): string => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h)

/**
 * The Host header values this server answers to, on its port: loopback names and the bound
 * host; bound to every address (0.0.0.0, ::), also this machine's name and addresses.
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES)
  names.add(bracket(boundHost))
  if (boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '[::]') {
    names.add(hostname())
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address))
  }
  const out = new Set<string>()
  for (const n of names) out.add(`${n}:${port}`.toLowerCase())
  return out
}

export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host
  return typeof host === 'string' && allowed.has(host.toLowerCase())
}

/** A browser's POST from another page carries its Origin: only our own is accepted. */
export function originAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const u = new URL(origin)
    return u.protocol === 'http:' && allowed.has(u.host.toLowerCase())
  } catch {
    return false
  }
}

export function sameToken(given: string | undefined | null, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false
  return timingSafeEqual(Buffer.from(given), Buffer.from(token))
}

function cookieToken(req: IncomingMessage): string | null {
  const cookie = req.headers.cookie
  if (!cookie) return null
  for (const part of cookie.split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === TOKEN_COOKIE && v) return v
  }
  return null
}

/** The token a request carries: the header (the page's fetches), the cookie, or ?token= (the printed URL). */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[TOKEN_HEADER]
  if (typeof header === 'string') return header
  return cookieToken(req) ?? url.searchParams.get(TOKEN_QUERY)
}

/** The page's policy: its own script and style files only, no inline script, nothing from elsewhere. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers on every response. No Access-Control-* header is ever sent: no CORS. */
export function commonHeaders(csp: string = PAGE_CSP): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  }
}
