/**
 * TypeDoc plugin: each entry module is named by the import path users write (`supabase-auth-machine/jwt`),
 * taken from the `exports` map of the package's `package.json`, instead of by its source path (`src/jwt`).
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Converter, ReflectionKind } from 'typedoc'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Source file of each public entry → the specifier that imports it, from `exports` (`types` → `src/*.ts`). */
export function entryNames() {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'))
  const names = new Map()
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'object' && target !== null ? target.types : undefined
    if (typeof types !== 'string') continue
    const source = resolve(root, types.replace(/^\.\/dist\/types\//, '').replace(/\.d\.ts$/, '.ts'))
    names.set(source, subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`)
  }
  return names
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const names = entryNames()
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName
    const name = file === undefined ? undefined : names.get(resolve(file))
    if (name !== undefined) reflection.name = name
    else app.logger.warn(`module-names: ${reflection.name} is not an entry of package.json "exports"`)
  })
}
