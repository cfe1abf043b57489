import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests each start their own local auth server on an ephemeral port,
    // so files can run in parallel; two workers match the two cores of the CI machine.
    maxWorkers: 2,
  },
})
