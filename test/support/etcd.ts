/** A single-member etcd for tests (the one `kafka-mesos local` starts), for tests outside core-cluster/. */

// One implementation, core-cluster/etcd, for `kafka-mesos local` and the tests; tests reach it here or
// through core-cluster/etcd/index.ts, never through cli/.
export { type EtcdProcess, startEtcd } from '../../core-cluster/etcd/index.js'
