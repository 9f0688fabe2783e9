// The dynamic-config table generator: prints Kafka's dynamic broker configs with their update mode (per-broker | cluster-wide), the
// source of scheduler/kafka/dynamic-configs.ts. Run against the pinned distribution:
//   jshell --class-path "$(ls .cache/kafka/kafka_2.13-*/libs/*.jar | tr '\n' :)" scripts/kafka/dynamic-configs.jsh
var m = new java.util.TreeMap<String, String>(org.apache.kafka.server.config.DynamicBrokerConfig.dynamicConfigUpdateModes());
m.forEach((k, v) -> System.out.println(v + " " + k));
/exit
