// setTimeout and clearTimeout on a fake clock for one test, for code that only sets timers
// (no sleep racing them). Installed globally, so the test must be serial.
import FakeTimers from '@sinonjs/fake-timers'
import type {ExecutionContext} from 'ava'

export function fakeTimers(t: ExecutionContext): FakeTimers.Clock {
  const clock = FakeTimers.install({toFake: ['setTimeout', 'clearTimeout']})
  t.teardown(() => clock.uninstall())
  return clock
}
