/** The smallest app: sign in with a password and render the state. Bundled by `bench/bundle-size.ts`. */
import { createAuthClient } from '../../src/index.js'

const auth = createAuthClient({ url: 'https://example.supabase.co/auth/v1', apiKey: 'anon-key' })
auth.state$.subscribe((state) => {
  document.title = state.status
})
await auth.signInWithPassword({ email: 'ada@example.com', password: 'correct horse' })
