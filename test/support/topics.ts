/** Topic creation for tests: create topics and wait until every partition has a leader (the scheduler's own helper). */

// One implementation for the scheduler and the tests; executor/ and scheduler/storage tests reach it
// here so that they do not import scheduler internals themselves.
export { createTopicsAndWait } from '../../scheduler/kafka/topic-wait.js'
