/** Public face of the executor: the Kafka supervisor, the task loop and the logger. `main.ts` is the process entry. */

export {
  DEFAULT_KILL_GRACE_MS,
  KafkaExecutor,
  type KafkaExecutorOptions,
  type StatusSink,
  TERMINAL_ACK_WAIT_MS,
} from './executor.js'
export {
  findKafkaDir,
  KAFKA_JVM_PERFORMANCE_OPTS,
  type KafkaExit,
  KafkaProcess,
  type KafkaProcessOptions,
  KafkaStartError,
} from './kafka-process.js'
export { acquireKafkaTestLock } from './kafka-test-lock.js'
export { createExecutorLogger, type ExecutorLogger, silentLogger } from './log.js'
export { describeBrokers, type ReadyCheck, tcpConnects, waitReady } from './readiness.js'
