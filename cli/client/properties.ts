/** A reader of Java `.properties` text: `./kafka-mesos.properties` and the `file:` values of --options and --log4j-options. */
/**
 * mesos/kafka's CLI read both with `java.util.Properties` (`resolveApi` and `optionsOrFile` in
 * src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala); this reader follows that class's syntax.
 *
 * Supported: `#` and `!` comment lines, blank lines, `key=value`, `key: value` and `key value`
 * separators, whitespace around the separator, backslash line continuations, and the escapes
 * `\t \n \r \f \uXXXX`, `\=`, `\:`, `\ `, `\#`, `\\` (any other `\c` is `c`). Later keys win.
 */

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' }

/** Joins continuation lines: a line ending in an odd number of backslashes continues on the next. */
function logicalLines(text: string): string[] {
  const physical = text.split(/\r\n|\r|\n/)
  const out: string[] = []
  let acc: string | null = null
  for (const raw of physical) {
    const line = raw.replace(/^[ \t\f]+/, '')
    if (acc === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0
    if (trailing % 2 === 1) {
      acc = (acc ?? '') + line.slice(0, -1)
      continue
    }
    out.push((acc ?? '') + line)
    acc = null
  }
  if (acc !== null) out.push(acc)
  return out
}

function unescapeProps(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== '\\' || i + 1 >= s.length) {
      out += c
      continue
    }
    const n = s[++i]
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16))
      i += 4
    } else {
      out += ESCAPES[n] ?? n
    }
  }
  return out
}

/**
 * Parses Java properties text into an ordered record of strings (values keep trailing spaces,
 * as Java does; leading whitespace before a value is dropped).
 */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of logicalLines(text)) {
    // Key ends at the first unescaped '=', ':' or whitespace.
    let i = 0
    while (i < line.length) {
      const c = line[i]
      if (c === '\\') {
        i += 2
        continue
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break
      i++
    }
    const key = unescapeProps(line.slice(0, i))
    let rest = line.slice(i).replace(/^[ \t\f]+/, '')
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '')
    Object.defineProperty(out, key, {
      value: unescapeProps(rest),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}
