/**
 * Applying {@link BodyEdit}s to a JSON document: how a good body or a good stored session becomes a nearly
 * good one. Edits address nodes by their index in document order (modulo the number of nodes), so any edit
 * applies to any document and shrinks well.
 */
import type { BodyEdit, JsonValue } from '../arbitraries/answers.js'

/** The nodes of a JSON document in document order, as paths of keys and indexes (the root is `[]`). */
function pathsOf(value: JsonValue, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths = [prefix]
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])))
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) if (item !== undefined) paths.push(...pathsOf(item, [...prefix, key]))
  }
  return paths
}

function isContainer(value: JsonValue | undefined): value is JsonValue[] | { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null
}

/** The node holding the last step of `path`, if the document has one. */
function parentOf(document: JsonValue, path: ReadonlyArray<string | number>): JsonValue | undefined {
  let node: JsonValue | undefined = document
  for (const key of path.slice(0, -1)) node = isContainer(node) ? (node as Record<string | number, JsonValue>)[key] : undefined
  return path.length === 0 ? undefined : node
}

/** `document` with one edit applied; undefined when the edit dropped the whole document. */
export function applyEdit(document: JsonValue | undefined, edit: BodyEdit): JsonValue | undefined {
  if (document === undefined) return undefined
  const paths = pathsOf(document)
  // A named path is used when the document has its parent (an object or a list); else the edit falls back to `at`.
  const path = edit.path !== undefined && isContainer(parentOf(document, edit.path)) ? [...edit.path] : (paths[edit.at % paths.length] ?? [])
  if (path.length === 0) return 'set' in edit.value ? edit.value.set : undefined
  const copy = structuredClone(document)
  let parent: JsonValue = copy
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, JsonValue>)[key] as JsonValue
  const last = path[path.length - 1] as string | number
  if ('set' in edit.value) (parent as Record<string | number, JsonValue>)[last] = edit.value.set
  else if (Array.isArray(parent)) parent.splice(last as number, 1)
  else delete (parent as Record<string, JsonValue>)[last as string]
  return copy
}

/** `document` with every edit applied in turn. */
export function applyEdits(document: JsonValue, edits: readonly BodyEdit[]): JsonValue | undefined {
  return edits.reduce<JsonValue | undefined>(applyEdit, document)
}
