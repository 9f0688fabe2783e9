/** The broker settings flags of `broker add|update` and the REST params they are sent as. */

import { Flags } from '@oclif/core'

import type { Params } from '../client/index.js'
import { expandFileValue } from './file-values.js'

/**
 * Flags of `broker add|update` and the REST param each one is sent as (mesos/kafka's `broker add`
 * options, src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala). Values are passed
 * through as strings; the server validates them. `""` unsets a setting on update.
 */
export const settingsFlags = {
  cpus: Flags.string({ description: 'CPU amount, e.g. 0.5 (new broker default: 1)', helpValue: '<number>' }),
  mem: Flags.string({ description: 'task memory in MB (new broker default: 2048)', helpValue: '<MB>' }),
  heap: Flags.string({ description: 'Kafka JVM heap (-Xmx) in MB (new broker default: 1024)', helpValue: '<MB>' }),
  port: Flags.string({
    description: 'port or range such as 31092 or 31090..31100; "" means auto (the lowest offered port)',
    helpValue: '<port|A..B>',
  }),
  options: Flags.string({
    description:
      'Kafka server properties k=v,k2=v2 (escape commas as \\,; $id is the broker id), or file:server.properties (read here and sent as k=v,...)',
    helpValue: '<k=v,...|file:path>',
  }),
  constraints: Flags.string({
    description:
      'placement constraints attr=like:<regex>|unlike:<regex>|unique|cluster[:value]|groupBy[:N],... (attr: hostname or an agent attribute)',
    helpValue: '<attr=constraint,...>',
  }),
  'jvm-options': Flags.string({
    description:
      'extra JVM options for the Kafka JVM; pass with = when it starts with a dash: --jvm-options="-XX:+UseG1GC"',
    helpValue: '<options>',
  }),
  'failover-delay': Flags.string({
    description: 'first restart delay after a failure, doubled per failure (default 1m)',
    helpValue: '<period>',
  }),
  'failover-max-delay': Flags.string({ description: 'maximum restart delay (default 10m)', helpValue: '<period>' }),
  'failover-max-tries': Flags.string({
    description: 'failures after which the broker is deactivated (default: unlimited; "" unsets)',
    helpValue: '<count>',
  }),
  'stickiness-period': Flags.string({
    description: 'how long a stopped or failed broker waits to restart on its last host (default 10m)',
    helpValue: '<period>',
  }),
  'bind-address': Flags.string({
    description:
      'address Kafka listens on and advertises, resolved on the agent: a host name or IP, a prefix such as 192.168.50.* (the agent\'s address or a local interface address starting with it), or if:<nic> (its IPv4 address); "" unsets',
    helpValue: '<address>',
  }),
  'log4j-options': Flags.string({
    description:
      "log4j2 overrides k=v,... merged over Kafka's log4j2 config: <logger>=LEVEL (kafka.controller=DEBUG), rootLogger=LEVEL, log4j.logger.<name>=LEVEL, or log4j2 properties keys (appender.x.type=...); or file:log4j.properties (read here and sent as k=v,...)",
    helpValue: '<k=v,...|file:path>',
  }),
  syslog: Flags.boolean({
    description:
      "also send Kafka's log to the local syslog (UDP localhost:514, facility USER); --no-syslog turns it off",
    allowNo: true,
  }),
  volume: Flags.string({
    description:
      'id of a pre-reserved persistent volume for the data: only an offer with a disk of that persistence id matches, log.dirs = <sandbox>/<its container path, e.g. data>/kafka-logs; $id is the broker id; "" unsets',
    helpValue: '<id>',
  }),
  'java-cmd': Flags.string({ description: 'command that launches java', helpValue: '<command>' }),
}

/** REST param name for each settings flag (the names mesos/kafka's BrokerCli sends). */
export const SETTINGS_PARAMS: Readonly<Record<keyof typeof settingsFlags, string>> = {
  cpus: 'cpus',
  mem: 'mem',
  heap: 'heap',
  port: 'port',
  options: 'options',
  constraints: 'constraints',
  'jvm-options': 'jvmOptions',
  'failover-delay': 'failoverDelay',
  'failover-max-delay': 'failoverMaxDelay',
  'failover-max-tries': 'failoverMaxTries',
  'stickiness-period': 'stickinessPeriod',
  'bind-address': 'bindAddress',
  'log4j-options': 'log4jOptions',
  syslog: 'syslog',
  volume: 'volume',
  'java-cmd': 'javaCmd',
}

/** Turns parsed settings flags into REST params (only flags that were given). */
export function settingsParams(flags: Partial<Record<keyof typeof settingsFlags, string | boolean>>): Params {
  const params: Params = {}
  for (const [flag, param] of Object.entries(SETTINGS_PARAMS) as Array<[keyof typeof settingsFlags, string]>) {
    const v = flags[flag]
    if (v === undefined) continue
    if (typeof v === 'boolean') params[param] = String(v)
    else params[param] = flag === 'options' || flag === 'log4j-options' ? expandFileValue(flag, v) : v
  }
  return params
}
