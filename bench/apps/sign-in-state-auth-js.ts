/** The same app with `@supabase/auth-js`: sign in with a password and follow the auth state. */
import { AuthClient } from '@supabase/auth-js'

const auth = new AuthClient({ url: 'https://example.supabase.co/auth/v1', headers: { apikey: 'anon-key' } })
auth.onAuthStateChange((event) => {
  document.title = event
})
await auth.signInWithPassword({ email: 'ada@example.com', password: 'correct horse' })
