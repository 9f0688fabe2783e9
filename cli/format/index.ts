/** Public face of the CLI's human output: brokers, topics, consumer groups, quotas and metrics as text. */

export {
  type BrokerFormatOptions,
  formatAddUpdate,
  formatBroker,
  formatList,
  formatRemoved,
  formatReportedMetrics,
  formatResources,
  formatRestarted,
  formatStartStop,
  startStopTimeoutMessage,
} from './broker.js'
export { formatGroup, formatGroups, formatReset } from './group.js'
export { formatMetricValue, metricsTable } from './metrics.js'
export { formatQuotas } from './quota.js'
export { formatPartitions, formatPartitionsState, formatRebalance, formatTopic, formatTopics } from './topic.js'
