/** Public face of the daemon helpers: the daemons' logger and shutdown, the package's paths, and the one-machine cluster of `kafka-mesos local`. */

export { authFileFlag, credentialFlag, daemonAuthenticator, daemonCredential, isLoopback } from './auth.js'
export { type EtcdProcess, startEtcd } from './etcd-process.js'
export { ensureLocalAuth, type LocalAuth } from './local-auth.js'
export { agentHost, type Daemon, LocalCluster, type LocalClusterOptions } from './local-cluster.js'
export { daemonLogger, onShutdown } from './logger.js'
export { EXECUTOR_BUNDLE, kafkaArchive, metricsAgentJar, PACKAGE_ROOT } from './paths.js'
