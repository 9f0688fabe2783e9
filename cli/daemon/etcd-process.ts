/** The etcd that `kafka-mesos local --ha` starts for HA masters: the cluster core's etcd starter, for the CLI's daemons. */

export { type EtcdProcess, startEtcd } from '../../core-cluster/etcd/index.js'
