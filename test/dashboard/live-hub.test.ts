// Live updates are coalesced: however fast another process commits to the store, an open
// page is told at most once per poll, and it is told.
import test from 'ava'
import {request} from 'node:http'
import {POLL_MS} from '../../src/dashboard/live.js'
import {startDashboard} from '../../src/dashboard/index.js'
import {openStore} from '../../src/store/index.js'
import {tempHome} from '../store/helpers.js'

/** the `change` messages of /api/live while `during` runs */
function listen(port: number, during: () => Promise<void>): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const times: number[] = []
    const req = request({host: '127.0.0.1', port, path: '/api/live', headers: {host: `127.0.0.1:${port}`}}, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        for (const _ of chunk.matchAll(/^event: change$/gm)) times.push(Date.now())
      })
      during().then(() => {
        req.destroy()
        resolve(times)
      }, reject)
    })
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)))
    req.end()
  })
}

test('2,000 commits by another connection in about 2 s reach the page as a handful of messages, the last change included', async (t) => {
  const {home, cleanup} = tempHome()
  const dash = await startDashboard({home})
  const writer = openStore(home)
  t.teardown(async () => {
    writer.close()
    await dash.close()
    cleanup()
  })
  writer.db.exec("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
  let wroteLastAt = 0
  const times = await listen(dash.port, async () => {
    await new Promise((r) => setTimeout(r, 300))
    const start = Date.now()
    for (let i = 0; i < 2000; i++) {
      writer.db.prepare('INSERT INTO scratch VALUES (?)').run(i)
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20))
    }
    wroteLastAt = Date.now()
    t.log(`2,000 commits in ${wroteLastAt - start} ms`)
    await new Promise((r) => setTimeout(r, POLL_MS * 4))
  })
  const during = times.filter((x) => x <= wroteLastAt + POLL_MS * 2)
  const spanMs = Math.max(1, wroteLastAt - (times[0] ?? wroteLastAt))
  t.log(`${times.length} messages`)
  t.true(times.length >= 2, 'the first message, then at least one for the writes')
  t.true(during.length <= Math.ceil(spanMs / POLL_MS) + 3, `${during.length} messages over ${spanMs} ms: at most one a poll`)
  t.true(times.some((x) => x >= wroteLastAt - POLL_MS), 'a message after the last commit')
})
