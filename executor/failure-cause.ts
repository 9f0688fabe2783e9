/** Why a Kafka JVM failed, in one line a user can act on: the common causes recognised in its last output lines. */

/**
 * The executor sees the JVM's console output; when Kafka dies, the TASK_FAILED message should say
 * why and what to change, so that `broker list` can show it in one line instead of just `failed`
 * (issue 19). Each rule matches text the JDK or Kafka prints for one cause:
 * - `java.lang.OutOfMemoryError` with the log cleaner in the trace (`LogCleaner`, `SkimpyOffsetMap`,
 *   `kafka-log-cleaner-thread`): the cleaner allocates `log.cleaner.dedupe.buffer.size` (Kafka
 *   docs, broker configs; 128 MiB by default) on the heap at start;
 * - other `OutOfMemoryError`s by kind (`Java heap space`, `Metaspace`, `Direct buffer memory`,
 *   `unable to create native thread`), as the JDK names them
 *   (docs.oracle.com, "Understand the OutOfMemoryError Exception");
 * - the JVM failing to reserve its heap (`Could not reserve enough space for ... object heap`);
 * - `Address already in use` (java.net.BindException; Kafka: `Socket server failed to bind to host:port`);
 * - `No space left on device`;
 * - a data dir of another cluster (`InconsistentClusterIdException`, Kafka's `KafkaRaftServer`);
 * - an option Kafka refuses (`org.apache.kafka.common.config.ConfigException: Invalid value ...`);
 * - a Java too old for Kafka 4 (`UnsupportedClassVersionError`; Kafka 4.0 brokers need Java 17);
 * - `Permission denied` / `AccessDeniedException`.
 */

/** Longest cause text kept (TaskStatus.message stays one short line). */
export const MAX_CAUSE_CHARS = 240

interface Rule {
  test: RegExp
  say(m: RegExpMatchArray, text: string): string
}

const cleaner = /LogCleaner|SkimpyOffsetMap|log-cleaner/

const RULES: Rule[] = [
  {
    test: /OutOfMemoryError(?::\s*([^\n]+))?/,
    say: (m, text) => {
      const kind = (m[1] ?? 'Java heap space').trim()
      if (cleaner.test(text))
        return `OutOfMemoryError in the log cleaner (${kind}): raise --heap or set log.cleaner.dedupe.buffer.size`
      if (/heap space|GC overhead/i.test(kind)) return `OutOfMemoryError: ${kind}: raise --heap`
      if (/native thread|Direct buffer|Metaspace|Cannot reserve/i.test(kind))
        return `OutOfMemoryError: ${kind}: raise --mem (memory outside the heap)`
      return `OutOfMemoryError: ${kind}: raise --heap`
    },
  },
  {
    test: /Could not reserve enough space for (?:\d+\w* )?object heap|Invalid (?:maximum|initial) heap size[^\n]*/,
    say: () => 'the JVM could not reserve its heap: lower --heap or give the agent more memory',
  },
  {
    test: /Address already in use/,
    say: (_m, text) => {
      const at = /failed to bind to ([^\s,]+:\d+)/.exec(text)?.[1]
      return `port in use${at ? `: ${at} is taken` : ''}: stop what holds it or choose another --port`
    },
  },
  {
    test: /No space left on device/,
    say: () => 'disk full (No space left on device): free space on the agent or give the broker another volume',
  },
  {
    test: /InconsistentClusterIdException[^\n]*|cluster ?id[^\n]*(?:doesn't|does not) match[^\n]*/i,
    say: () =>
      'the data dir belongs to another Kafka cluster (cluster id mismatch): give the broker a new --volume or remove its data',
  },
  {
    test: /ConfigException: ([^\n]+)/,
    say: (m) => `Kafka refused an option: ${m[1].trim()}: fix it with broker update --options`,
  },
  {
    test: /UnsupportedClassVersionError/,
    say: () => 'java is too old for Kafka 4 (it needs Java 17 or newer): set --java-cmd',
  },
  {
    test: /(?:AccessDeniedException: ([^\s]+))|Permission denied/,
    say: (m) => `permission denied${m[1] ? `: ${m[1]}` : ''}: check the agent's work dir and volume ownership`,
  },
]

/**
 * The cause of a JVM's failure, recognised in its last output lines (stdout and stderr, in order),
 * as one line `<what happened>: <what to change>`; undefined when no rule matches.
 * @param lines the JVM's last output lines (stack frames included)
 */
export function failureCause(lines: readonly string[]): string | undefined {
  const text = lines.join('\n')
  for (const r of RULES) {
    const m = text.match(r.test)
    if (m) return oneLine(r.say(m, text))
  }
  return undefined
}

/** `s` on one line (newlines and runs of blanks become one space), cut to {@link MAX_CAUSE_CHARS} with an ellipsis. */
export function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length <= MAX_CAUSE_CHARS ? flat : `${flat.slice(0, MAX_CAUSE_CHARS - 1)}…`
}
