/** The pure TaskInfo builder: offer + node + cluster state + settings → the TaskInfo that launches the node. */

import { basename } from 'node:path'
import { encodeTaskData, type KafkaNode } from '../../contract/index.js'
import type { PathTokens } from '../../core-cluster/auth/index.js'
import type { Offer, TaskInfo } from '../../core-cluster/proto/index.js'
import { type Fit, hasControllerRole } from '../brokers/index.js'
import { bootstrapServers, brokerQuorum, formatMode, voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'
import { newTaskId, taskName } from './task-id.js'

/** The scheduler settings a TaskInfo needs. */
export interface TaskSettings {
  /** framework name: the task id prefix and the syslog tag's */
  frameworkName: string
  /** base URL of our REST API as agents reach it (executor and Kafka downloads) */
  api: string
  /** path of the Kafka archive, served at `/kafka/<name>` */
  kafkaArchive: string
  /** path of the Jolokia javaagent jar, served at `/agents/<name>`; none: no metrics */
  metricsAgentJar?: string
  /** node executable the agents use to run the executor */
  nodeCmd: string
  /** when set, each download URI carries its path token (`?km_token=`), which the scheduler's file routes take as the credential */
  pathTokens?: PathTokens
}

/** What the builder reads: one node, the offer and what the node takes of it, the cluster, our settings, and the task id's uuid. */
export interface TaskInfoInput {
  node: KafkaNode
  offer: Offer
  /** what the node takes from the offer (brokers/matching.ts matchOffer) */
  fit: Fit
  state: Pick<SchedulerState, 'clusterId' | 'frameworkId' | 'brokers' | 'controllers' | 'initialControllers'>
  settings: TaskSettings
  /** the task id's uuid (`randomUUID()` in the scheduler; given, so the builder stays pure) */
  uuid: string
}

/** How long Kafka gets for a controlled shutdown after KILL before the executor is killed (ns; Mesos `KillPolicy.grace_period`). */
export const KILL_GRACE_NS = 60 * 1e9

/**
 * The TaskInfo of a node, as mesos/kafka's `MesosTaskFactory.newTask`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/MesosTaskFactory.scala`): our executor
 * (a CUSTOM executor whose id is the task id) fetching its bundle, the Kafka archive and the metrics
 * agent from our API; the resources of `fit` (cpus, mem, the node's port(s), its volume); the task
 * data the executor renders `server.properties` from (KRaft role, quorum, storage format: see
 * contract/task-data.ts). No I/O: the same input gives the same TaskInfo.
 */
export function buildTaskInfo({ node, offer, fit, state, settings, uuid }: TaskInfoInput): TaskInfo {
  const { port, resources } = fit
  const name = settings.frameworkName
  const taskId = newTaskId(name, node, uuid)
  const isController = node.role === 'controller'
  const voters = voterNodes(state)
  const format = formatMode(node, state.initialControllers)
  const data = encodeTaskData({
    role: node.role,
    nodeId: node.id,
    clusterId: state.clusterId,
    host: offer.hostname,
    port,
    controllerPort: node.role === 'broker,controller' ? (fit.controllerPort ?? node.controllerPort) : undefined,
    quorum: hasControllerRole(node) ? bootstrapServers(voters) : brokerQuorum(voters)!,
    // Only an unformatted data dir is formatted (the executor checks meta.properties).
    format,
    initialControllers: format === 'initial-controllers' ? state.initialControllers : undefined,
    heapMb: node.heap,
    options: node.options,
    jvmOptions: node.jvmOptions,
    javaCmd: node.javaCmd,
    rack: fit.attributes.rack,
    internalTopicRf: Math.max(1, Math.min(3, state.brokers.length)),
    bindAddress: isController ? undefined : node.bindAddress,
    syslog: node.syslog ?? false,
    syslogTag: `${name}-${node.id}`,
    log4jOptions: node.log4jOptions ?? {},
    volume: fit.volume,
  })
  const api = settings.api.replace(/\/$/, '')
  const uri = (path: string) => `${api}${settings.pathTokens ? settings.pathTokens.withToken(path) : path}`
  return {
    name: taskName(name, node),
    task_id: { value: taskId },
    agent_id: offer.agent_id,
    resources,
    data,
    kill_policy: { grace_period: { nanoseconds: KILL_GRACE_NS } },
    executor: {
      type: 'CUSTOM',
      executor_id: { value: taskId },
      framework_id: { value: state.frameworkId! },
      name: isController ? `controller-${node.id}` : `broker-${node.id}`,
      command: {
        value: `exec ${settings.nodeCmd} kafka-mesos-executor.cjs`,
        shell: true,
        uris: [
          { value: uri('/executor/kafka-mesos-executor.cjs'), extract: false },
          { value: uri(`/kafka/${basename(settings.kafkaArchive)}`), extract: true, cache: true },
          ...(settings.metricsAgentJar
            ? [{ value: uri(`/agents/${basename(settings.metricsAgentJar)}`), extract: false, cache: true }]
            : []),
        ],
        environment: {
          variables: [
            { name: 'MESOS_SYSLOG_TAG', value: `${name}-${node.id}` },
            ...(node.syslog ? [{ name: 'MESOS_SYSLOG', value: 'true' }] : []),
          ],
        },
      },
    },
  }
}
