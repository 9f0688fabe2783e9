#!/usr/bin/env node
/** The `kafka-mesos` executable: hands the command line to oclif, which finds the command in dist/cli/commands. */
import { execute } from '@oclif/core'

await execute({ dir: import.meta.url })
