// Svelte 5 in runes mode; TypeScript in <script lang="ts"> is stripped by Svelte itself.
export default {
  compilerOptions: { runes: true },
}
