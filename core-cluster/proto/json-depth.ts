/** How deep a parsed JSON body nests, checked without recursion, so that no decoder overflows its stack. */

/** Deepest JSON nesting a request may have: far beyond any Mesos message or REST body, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64

/**
 * The first place where `value` nests deeper than `max` arrays and objects, walked iteratively (a
 * parsed JSON body of any depth is checked without recursion), as a path such as `$.x[0][0]`; or
 * undefined when it does not.
 */
export function tooDeep(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '$' }]
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth >= max) return path
    if (Array.isArray(v))
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` })
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: `${path}.${k}` })
  }
  return undefined
}

/**
 * The message for a body nested too deep, naming where.
 */
export function tooDeepMessage(path: string, max = MAX_JSON_DEPTH): string {
  return `request body nests more than ${max} arrays or objects deep (at ${path}); no message of this API is that deep`
}
