/** The `--api` flag every command of the scheduler's REST API takes. */
// mesos/kafka's generic option (`handleGenericOptions` in src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala).

import { Flags } from '@oclif/core'

/** `--api` and the credential flags: accepted by every REST command, anywhere on the line. */
export const apiFlags = {
  api: Flags.string({
    description:
      'scheduler REST API URL such as http://127.0.0.1:7000 (else env KM_API, else api= in ./kafka-mesos.properties)',
    helpValue: '<url>',
  }),
  user: Flags.string({
    description: 'user of the scheduler API (HTTP Basic; else env KM_USER, else user= in ./kafka-mesos.properties)',
    helpValue: '<name>',
  }),
  password: Flags.string({
    description: "the user's password (else env KM_PASSWORD, else password= in ./kafka-mesos.properties)",
    helpValue: '<password>',
  }),
  token: Flags.string({
    description: 'a bearer token instead of a user (else env KM_TOKEN, else token= in ./kafka-mesos.properties)',
    helpValue: '<token>',
  }),
}
