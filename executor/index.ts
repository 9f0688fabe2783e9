/** Public face of the executor: the Kafka supervisor, the task loop and the logger. `main.ts` is the process entry. */
export { findKafkaDir, KafkaProcess, KafkaStartError, KAFKA_JVM_PERFORMANCE_OPTS, type KafkaExit, type KafkaProcessOptions } from './kafka-process.js'
export { KafkaExecutor, DEFAULT_KILL_GRACE_MS, TERMINAL_ACK_WAIT_MS, type KafkaExecutorOptions, type StatusSink } from './executor.js'
export { describeBrokers, tcpConnects, waitReady, type ReadyCheck } from './readiness.js'
export { createExecutorLogger, silentLogger, type ExecutorLogger } from './log.js'
