/** Public face of the commands' base classes and shared flags: what every `cli/commands/` file builds on. */

export { apiFlags } from './api-flag.js'
export { BrokerCommand } from './broker-command.js'
export { SETTINGS_PARAMS, settingsFlags, settingsParams } from './broker-settings.js'
export { KmCliError } from './cli-error.js'
export { ControllerChangeCommand, changeFlags } from './controller-change-command.js'
export { expandFileValue } from './file-values.js'
export { machineName, parseMachineList } from './machines.js'
export { MaintenanceCommand, masterFlags } from './maintenance-command.js'
export { RebalanceCommand } from './rebalance-command.js'
export { TopicCommand } from './topic-command.js'
export { assignFlags, rebalanceFlags } from './topic-flags.js'
