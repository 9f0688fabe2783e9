/** The `--api` flag every command of the scheduler's REST API takes. */
// mesos/kafka's generic option (`handleGenericOptions` in src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala).

import { Flags } from '@oclif/core'

/** `--api`: accepted by every REST command, anywhere on the line. */
export const apiFlags = {
  api: Flags.string({
    description:
      'scheduler REST API URL such as http://127.0.0.1:7000 (else env KM_API, else api= in ./kafka-mesos.properties)',
    helpValue: '<url>',
  }),
}
