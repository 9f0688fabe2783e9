/** The etcd starter's public face: a single-member etcd on free loopback ports. */

export { type EtcdProcess, startEtcd } from './process.js'
