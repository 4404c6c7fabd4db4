// The dashboard's defences, over plain HTTP: the Host check (DNS rebinding), the token for
// cancel (and for everything beyond loopback), no CORS, a strict Content-Security-Policy.
import test from 'ava'
import {request} from 'node:http'
import {startDashboard} from '../../src/dashboard/index.js'
import {tempHome} from '../store/helpers.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, path, method, headers: {host: `127.0.0.1:${port}`, ...headers}}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

test('a foreign Host header is refused, on the page and the API; loopback names are served', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  for (const path of ['/', '/api/runs', '/assets/app.js']) {
    const evil = await send(dash.port, path, {host: `evil.example:${dash.port}`})
    t.is(evil.status, 421, path)
    t.notRegex(evil.body, /rayts-token|runs/, 'nothing of the store or the token')
    // a rebinding name on our own port, and our address on another port
    t.is((await send(dash.port, path, {host: 'attacker.test'})).status, 421)
    t.is((await send(dash.port, path, {host: `127.0.0.1:${dash.port + 1}`})).status, 421)
  }
  for (const host of [`127.0.0.1:${dash.port}`, `localhost:${dash.port}`, `[::1]:${dash.port}`]) {
    t.is((await send(dash.port, '/api/runs', {host})).status, 200, host)
  }
})

test('cancel needs the page token in its header: none, a wrong one, a cookie only or a foreign Origin are refused', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  const path = '/api/runs/0abcdefghijkl/cancel'
  t.is((await send(dash.port, path, {}, 'POST')).status, 403)
  t.is((await send(dash.port, path, {'x-rayts-token': 'x'.repeat(dash.token.length)}, 'POST')).status, 403)
  t.is((await send(dash.port, path, {cookie: `rayts_token=${dash.token}`}, 'POST')).status, 403)
  t.is((await send(dash.port, `${path}?token=${dash.token}`, {}, 'POST')).status, 403)
  t.is((await send(dash.port, path, {'x-rayts-token': dash.token, origin: 'http://evil.example'}, 'POST')).status, 403)
  // with the token it gets through to the run lookup (no such run here)
  t.is((await send(dash.port, path, {'x-rayts-token': dash.token, origin: `http://127.0.0.1:${dash.port}`}, 'POST')).status, 404)
  // the page carries the token; other methods are not allowed
  t.regex((await send(dash.port, '/')).body, new RegExp(`<meta name="rayts-token" content="${dash.token}">`))
  t.is((await send(dash.port, '/api/runs', {}, 'DELETE')).status, 405)
  t.is((await send(dash.port, '/api/runs', {'x-rayts-token': dash.token}, 'PUT')).status, 405)
})

test('no CORS headers, and a strict Content-Security-Policy on every answer', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  for (const path of ['/', '/api/runs', '/assets/app.js', '/nope']) {
    const r = await send(dash.port, path, {origin: 'http://evil.example'})
    t.false(Object.keys(r.headers).some((h) => h.startsWith('access-control-')), path)
    const csp = String(r.headers['content-security-policy'])
    t.regex(csp, /default-src 'none'/)
    t.regex(csp, /script-src 'self'(;|$)/)
    t.notRegex(csp, /unsafe-inline|unsafe-eval|\*|https?:/)
    t.is(r.headers['x-content-type-options'], 'nosniff')
  }
  // the page has no inline script: its one script is a file of the server
  const html = (await send(dash.port, '/')).body
  t.deepEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]), ['<script type="module" src="/assets/app.js">'])
  t.notRegex(html, /<script[^>]*>[^<]/)
})

test('beyond loopback every request needs the token; ?token= sets a cookie that then serves', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home, host: '0.0.0.0'})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  t.true(dash.remote)
  t.regex(dash.openUrl, new RegExp(`\\?token=${dash.token}$`))
  for (const path of ['/', '/api/runs', '/assets/app.js', '/api/live']) t.is((await send(dash.port, path)).status, 401, path)
  t.is((await send(dash.port, '/api/runs?token=wrong')).status, 401)
  const first = await send(dash.port, `/?token=${dash.token}`)
  t.is(first.status, 200)
  const cookie = String(first.headers['set-cookie'])
  t.regex(cookie, /HttpOnly/)
  t.regex(cookie, /SameSite=Strict/)
  t.is((await send(dash.port, '/api/runs', {cookie: cookie.split(';')[0]!})).status, 200)
  t.is((await send(dash.port, '/api/runs', {'x-rayts-token': dash.token})).status, 200)
  // the Host check still holds
  t.is((await send(dash.port, `/api/runs?token=${dash.token}`, {host: 'evil.example'})).status, 421)
})

test('HEAD is answered like GET, without a body', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  for (const path of ['/', '/api/runs', '/assets/app.css']) {
    const r = await send(dash.port, path, {}, 'HEAD')
    t.is(r.status, 200, path)
    t.is(r.body, '')
  }
})
