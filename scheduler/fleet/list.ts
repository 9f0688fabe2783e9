/** `broker list` and `/api/status`: the broker JSON (with why a broker waits, and its last metrics) and the scheduler's summary. */

import type { KafkaNode, NodeJson } from '../../contract/index.js'
import { nodeJson } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { brokerById, brokerIds } from './node-ids.js'

/** A broker as the REST API shows it: mesos/kafka's broker JSON, why it waits for an offer, the metrics it last reported. */
export function brokerJson(scheduler: KafkaScheduler, b: KafkaNode): NodeJson & { metrics?: Record<string, number> } {
  return {
    ...nodeJson(b, Date.now(), scheduler.waiting.get(b.id)),
    metrics: scheduler.reportedMetrics(b),
  }
}

/** The brokers an expression names (unknown ids skipped, as mesos/kafka's `list`), as broker JSON. @throws ExprError */
export function listBrokers(scheduler: KafkaScheduler, expr: string): Array<ReturnType<typeof brokerJson>> {
  return brokerIds(scheduler, expr)
    .map((id) => brokerById(scheduler, id))
    .filter((b): b is KafkaNode => !!b)
    .map((b) => brokerJson(scheduler, b))
}

/** `/api/status`: subscribed or not, the framework and cluster ids, the controllers, how many brokers. */
export function schedulerStatus(scheduler: KafkaScheduler) {
  return {
    connected: scheduler.connected,
    frameworkId: scheduler.state.frameworkId,
    clusterId: scheduler.state.clusterId,
    controllers: scheduler.state.controllers.map((n) => nodeJson(n)),
    brokers: scheduler.state.brokers.length,
  }
}
