/** Java `.properties` text: the parser and writer that server.properties and the log4j2 overrides go through. */

/**
 * The rules are those of `java.util.Properties#load` and `#store` (JDK API docs), so that what the
 * executor writes reads back the same in Kafka's JVM and in {@link parseProperties}.
 */

/** An ordered `key → value` map of Java properties. */
export type Properties = Map<string, string>

/**
 * Parses Java `.properties` text: `#`/`!` comments, `=`, `:` or whitespace separators, `\` line
 * continuations and the `\t \n \r \f \uXXXX` escapes (java.util.Properties#load rules).
 * Later duplicates win, keeping the first key's position.
 */
export function parseProperties(text: string): Properties {
  const out: Properties = new Map()
  const raw = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i].replace(/^[ \t\f]+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // A line ending in an odd number of backslashes continues on the next line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < raw.length) {
      line = line.slice(0, -1) + raw[++i].replace(/^[ \t\f]+/, '')
    }
    let k = 0
    while (k < line.length) {
      const c = line[k]
      if (c === '\\') {
        k += 2
        continue
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break
      k++
    }
    const key = unescapeValue(line.slice(0, k))
    let rest = line.slice(k).replace(/^[ \t\f]+/, '')
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '')
    out.set(key, unescapeValue(rest))
  }
  return out
}

function unescapeValue(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16))
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e
  })
}

function escapeKey(s: string): string {
  return escapeCommon(s)
    .replace(/[=: ]/g, (c) => `\\${c}`)
    .replace(/^[#!]/, (c) => `\\${c}`)
}

function escapeValue(s: string): string {
  return escapeCommon(s).replace(/^ /, '\\ ')
}

function escapeCommon(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\f/g, '\\f')
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Renders properties as `key=value` lines (escaped so that {@link parseProperties} reads them back). */
export function formatProperties(props: Properties, header?: string): string {
  const lines: string[] = []
  if (header) for (const h of header.split('\n')) lines.push(`# ${h}`)
  for (const [k, v] of props) lines.push(`${escapeKey(k)}=${escapeValue(v)}`)
  return `${lines.join('\n')}\n`
}
