/** A broker's log4j options and `--syslog`, checked by the scheduler and rendered as log4j2 overrides by the executor. */

/**
 * mesos/kafka's `--log4j-options` and `--syslog` (`Broker.scala` fields, applied by
 * `executor/BrokerServer.scala`), for Kafka 4.x's log4j2. The executor writes them as a log4j2 properties file and
 * starts Kafka with `-Dlog4j2.configurationFile=<distribution log4j2.yaml>,<that file>`; log4j2
 * merges the two (CompositeConfiguration: later settings win per logger and attribute, appenders
 * and appender refs add up).
 *
 * Keys of `log4jOptions`:
 * - `log4j.rootLogger` or `rootLogger` = `LEVEL[, appenders]` (log4j 1 form as mesos/kafka users
 *   wrote it; appender names are ignored): the root level;
 * - `log4j.logger.<name>` = `LEVEL[, ...]` (log4j 1 form), or `<name>` = `LEVEL`: a logger's level,
 *   e.g. `kafka.controller=DEBUG`;
 * - keys of log4j2's properties format (`rootLogger.*`, `logger.*`, `appender.*`, `filter.*`,
 *   `property.*`, `status`, `monitorInterval`) pass through as they are.
 * `$id` in a value is the broker id.
 * `syslog` adds a Syslog appender (UDP localhost:514, facility USER, app name = the task's syslog
 * tag) to the root logger, as mesos/kafka's syslog appender (localhost, LOG_USER).
 */

import { formatProperties } from './java-properties.js'
import { substituteId } from './server-properties.js'
import { ValueError } from './value-error.js'

/** log4j2 levels. */
export const LOG_LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const
const RAW_PREFIXES = ['rootLogger.', 'logger.', 'appender.', 'filter.', 'property.']
const RAW_KEYS = ['status', 'monitorInterval', 'dest', 'name']
const KEY = /^[A-Za-z0-9_.$-]+$/

type Entry =
  | { kind: 'root'; level: string }
  | { kind: 'logger'; name: string; level: string }
  | { kind: 'raw'; key: string; value: string }

function level(v: string): string | undefined {
  const l = v.split(',')[0].trim().toUpperCase()
  return (LOG_LEVELS as readonly string[]).includes(l) ? l : undefined
}

/** Classifies one option (see the module doc). @throws ValueError naming `field` */
function entry(key: string, value: string, field: string): Entry {
  if (!KEY.test(key))
    throw new ValueError(
      field,
      `invalid key "${key}": use a logger name such as kafka.controller, log4j.logger.<name>, rootLogger, or a log4j2 properties key such as appender.x.type`,
    )
  const needLevel = (what: string) => {
    const l = level(value)
    if (!l) throw new ValueError(field, `${key}=${value}: ${what} takes a level, one of ${LOG_LEVELS.join('|')}`)
    return l
  }
  if (key === 'log4j.rootLogger' || key === 'rootLogger') return { kind: 'root', level: needLevel('the root logger') }
  if (key.startsWith('log4j.logger.') && key.length > 'log4j.logger.'.length)
    return {
      kind: 'logger',
      name: key.slice('log4j.logger.'.length),
      level: needLevel(`logger ${key.slice('log4j.logger.'.length)}`),
    }
  if (RAW_PREFIXES.some((p) => key.startsWith(p)) || RAW_KEYS.includes(key)) return { kind: 'raw', key, value }
  if (key.startsWith('log4j.'))
    throw new ValueError(
      field,
      `${key}: only log4j.rootLogger and log4j.logger.<name> of log4j 1 are understood (Kafka 4 uses log4j2); set a logger level as <name>=LEVEL`,
    )
  return { kind: 'logger', name: key, level: needLevel(`logger ${key}`) }
}

/**
 * Checks log4j options (REST param `log4jOptions`, already parsed as a `k=v` map).
 * @returns the options unchanged
 * @throws ValueError `<field>: ...` for a bad key or level
 */
export function checkLog4jOptions(options: Record<string, string>, field = 'log4jOptions'): Record<string, string> {
  for (const [k, v] of Object.entries(options)) entry(k, v, field)
  return options
}

/**
 * The log4j2 properties text with the overrides, or undefined when there are none.
 * @param nodeId replaces `$id` in values
 * @param syslogTag the app name of the syslog appender (e.g. `kafka-0`); with it, syslog is on
 * @throws ValueError for an option {@link checkLog4jOptions} refuses
 */
export function renderLog4jOverrides(
  options: Record<string, string>,
  nodeId: number,
  syslogTag?: string,
): string | undefined {
  const props = new Map<string, string>()
  let i = 0
  for (const [k, v0] of Object.entries(options)) {
    const v = substituteId(v0, nodeId)
    const e = entry(k, v, 'log4jOptions')
    if (e.kind === 'root') props.set('rootLogger.level', e.level)
    else if (e.kind === 'logger') {
      props.set(`logger.km${i}.name`, e.name)
      props.set(`logger.km${i}.level`, e.level)
      i++
    } else props.set(e.key, e.value)
  }
  if (syslogTag) {
    props.set('appender.kmSyslog.type', 'Syslog')
    props.set('appender.kmSyslog.name', 'kmSyslog')
    props.set('appender.kmSyslog.host', 'localhost')
    props.set('appender.kmSyslog.port', '514')
    props.set('appender.kmSyslog.protocol', 'UDP')
    props.set('appender.kmSyslog.facility', 'USER')
    props.set('appender.kmSyslog.appName', syslogTag)
    props.set('rootLogger.appenderRef.kmSyslog.ref', 'kmSyslog')
  }
  if (props.size === 0) return undefined
  return formatProperties(
    props,
    'log4j2 overrides written by kafka-mesos (--log4j-options, --syslog); merged over the distribution config',
  )
}
