/** I/O for unit tests of the bare chart, whose actors are all fakes. */
import type { LifecycleIo } from '../../machines/lifecycle-types.js'
import { createCoordinator } from '../../src/coordination/index.js'
import { createHttp } from '../../src/http/index.js'
import { systemClock } from '../../src/runtime/timers.js'
import { createSessionStore, memoryStorage } from '../../src/storage/index.js'

/** Real I/O objects that the fake actors never touch; the chart itself reads only the clock. */
export function unusedIo(): LifecycleIo {
  const storage = memoryStorage()
  return {
    transport: createHttp({ url: 'http://127.0.0.1:9', apiKey: 'unused' }),
    store: createSessionStore(storage, 'unit-test'),
    coordinator: createCoordinator(storage, 'unit-test'),
    clock: systemClock,
  }
}
