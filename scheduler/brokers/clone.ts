/** A broker cloned from another: which settings are copied and which state is not. */

import type { KafkaNode } from '../../contract/index.js'

/**
 * A new broker `id` with the settings of `source`, as mesos/kafka `broker clone` (`clone` in
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`): cpus, mem, heap, port, constraints, options, JVM options, java command,
 * the stickiness period and the failover settings (delay, max delay, max tries), bind address, syslog, volume and log4j options are copied; the
 * new broker is inactive, has no task, no failures, no sticky host and needs no restart.
 * Settings fields added to KafkaNode later are copied too (everything not listed as state here).
 */
export function cloneBroker(source: KafkaNode, id: number): KafkaNode {
  const copy = structuredClone(source)
  copy.id = id
  copy.role = 'broker'
  copy.active = false
  copy.needsRestart = false
  delete copy.task
  delete copy.lastTaskId
  delete copy.directoryId
  delete copy.restartFields
  delete copy.launchedOptions
  delete copy.dynamicConfigs
  delete copy.staleDynamicConfigs
  copy.stickiness = { periodMs: source.stickiness.periodMs }
  copy.failover = { delayMs: source.failover.delayMs, maxDelayMs: source.failover.maxDelayMs, failures: 0 }
  if (source.failover.maxTries !== undefined) copy.failover.maxTries = source.failover.maxTries
  return copy
}
