/** The scheduler's settings: where the master and our API are, the state store, the framework, the files served, the quorum. */

import type { Logger } from 'pino'
import type { Authenticator, PathTokens } from '../../core-cluster/auth/index.js'
import type { QuorumSettings } from '../quorum/index.js'
import type { StateStore } from '../storage/index.js'

/** Scheduler settings (the `kafka-mesos scheduler` flags, cli/commands/scheduler.ts). */
export interface SchedulerOptions {
  /** `host:port` of the master */
  master: string
  /** base URL of our REST API as agents reach it, e.g. `http://127.0.0.1:7000` (executor and Kafka downloads) */
  api: string
  storage: StateStore
  /** framework name; also the task id prefix (mesos/kafka `--framework-name`, default `kafka`) */
  frameworkName: string
  frameworkRole: string
  /** FrameworkInfo.failover_timeout, seconds (mesos/kafka default 30 days) */
  frameworkTimeoutSeconds: number
  user: string
  /** path of the Kafka archive (`kafka_2.13-<v>.tgz`) served at `/kafka/<name>` */
  kafkaArchive: string
  /** path of the executor bundle served at `/executor/kafka-mesos-executor.cjs` */
  executorBundle: string
  /** node executable the agents use to run the executor */
  nodeCmd: string
  /** path of the Jolokia javaagent jar served at `/agents/<name>` and fetched beside Kafka (`broker metrics`); none: no metrics */
  metricsAgentJar?: string
  /** the KRaft quorum: number of controllers (1, 3 or 5) and each one's resources (cpus, mem MB, heap MB) */
  controller: QuorumSettings
  logger: Logger
  /** largest REST request body, bytes (default 1 MiB; larger is 413 KM_ERR_BODY_TOO_LARGE) */
  maxBodyBytes?: number
  /** the users of `--auth-file`; undefined: the REST API is open (cli/daemon/auth.ts decides when that is allowed) */
  authenticator?: Authenticator
  /** signs the download URIs of the tasks it launches (`?km_token=`), so agents fetch without a header; undefined: plain URIs */
  pathTokens?: PathTokens
  /** most brokers the scheduler keeps (`--max-brokers`, default {@link DEFAULT_MAX_BROKERS}); an add past it is 400 KM_ERR_BROKER_LIMIT */
  maxBrokers?: number
}

/** The default of `--max-brokers`: far above a real cluster, low enough that a list stays fast. */
export const DEFAULT_MAX_BROKERS = 10_000
