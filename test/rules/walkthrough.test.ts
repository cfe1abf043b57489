/**
 * `npm start` (the README's first command) runs the narrated walkthrough to the end, shows the statuses a user
 * would see, and prints no token.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

function runWalkthrough(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/walkthrough.ts'], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` })
    })
  })
}

describe('npm start', () => {
  it('walks through sign-up, MFA, verified claims, refresh and sign-out, exits 0 and prints no token', async () => {
    const { code, output } = await runWalkthrough()
    expect(code).toBe(0)
    for (const status of ['signingIn', 'authenticated', 'mfaChallenge', 'refreshing', 'signingOut', 'signedOut']) {
      expect(output).toMatch(new RegExp(`status\\s+${status}\\b`))
    }
    expect(output).toMatch(/authenticated \(ada@example\.com, aal2\)/)
    expect(output.match(/claims\s+sub=/g)).toHaveLength(3)
    // Three verified reads, one key-set request: the signatures were checked locally.
    expect(output.match(/GET \/\.well-known\/jwks\.json → 200/g)).toHaveLength(1)
    expect(output).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/)
  })
})
