// The wire-fixture generator: prints the wire fixtures of scheduler/kafka/wire/{client-quotas,admin-calls}.test.ts: the bytes Kafka's own
// generated message classes write. Run: jshell --class-path .cache/kafka/kafka_2.13-4.4.0/libs/kafka-clients-4.4.0.jar -J-Xmx256m scripts/kafka/wire-fixtures.jsh
import org.apache.kafka.common.message.*;
import org.apache.kafka.common.protocol.*;
import java.nio.ByteBuffer;
import java.util.*;
String hex(Message m, short v) { ByteBuffer b = MessageUtil.toByteBufferAccessor(m, v).buffer(); b.rewind(); StringBuilder s = new StringBuilder(); while (b.hasRemaining()) s.append(String.format("%02x", b.get())); return s.toString(); }
// DescribeClientQuotas v1 request
var dq = new DescribeClientQuotasRequestData().setStrict(true).setComponents(List.of(new DescribeClientQuotasRequestData.ComponentData().setEntityType("client-id").setMatchType((byte)0).setMatch("app"), new DescribeClientQuotasRequestData.ComponentData().setEntityType("user").setMatchType((byte)2).setMatch(null)));
System.out.println("DQREQ " + hex(dq, (short)1));
// DescribeClientQuotas v1 response
var dr = new DescribeClientQuotasResponseData().setThrottleTimeMs(0).setErrorCode((short)0).setErrorMessage(null).setEntries(List.of(new DescribeClientQuotasResponseData.EntryData().setEntity(List.of(new DescribeClientQuotasResponseData.EntityData().setEntityType("client-id").setEntityName("app"))).setValues(List.of(new DescribeClientQuotasResponseData.ValueData().setKey("producer_byte_rate").setValue(1048576.0), new DescribeClientQuotasResponseData.ValueData().setKey("request_percentage").setValue(12.5))), new DescribeClientQuotasResponseData.EntryData().setEntity(List.of(new DescribeClientQuotasResponseData.EntityData().setEntityType("user").setEntityName(null))).setValues(List.of(new DescribeClientQuotasResponseData.ValueData().setKey("consumer_byte_rate").setValue(2048.0)))));
System.out.println("DQRESP " + hex(dr, (short)1));
// AlterClientQuotas v1 request
var aq = new AlterClientQuotasRequestData().setValidateOnly(false).setEntries(List.of(new AlterClientQuotasRequestData.EntryData().setEntity(List.of(new AlterClientQuotasRequestData.EntityData().setEntityType("client-id").setEntityName("app"))).setOps(List.of(new AlterClientQuotasRequestData.OpData().setKey("producer_byte_rate").setValue(1024.0).setRemove(false), new AlterClientQuotasRequestData.OpData().setKey("consumer_byte_rate").setValue(0.0).setRemove(true)))));
System.out.println("AQREQ " + hex(aq, (short)1));
var ar = new AlterClientQuotasResponseData().setThrottleTimeMs(0).setEntries(List.of(new AlterClientQuotasResponseData.EntryData().setErrorCode((short)42).setErrorMessage("Unrecognized quota key foo").setEntity(List.of(new AlterClientQuotasResponseData.EntityData().setEntityType("client-id").setEntityName("app")))));
System.out.println("AQRESP " + hex(ar, (short)1));
// ElectLeaders v2
var el = new ElectLeadersRequestData().setElectionType((byte)0).setTimeoutMs(30000);
var tps = new ElectLeadersRequestData.TopicPartitionsCollection();
tps.add(new ElectLeadersRequestData.TopicPartitions().setTopic("t").setPartitions(List.of(0, 2)));
el.setTopicPartitions(tps);
System.out.println("ELREQ " + hex(el, (short)2));
var elr = new ElectLeadersResponseData().setThrottleTimeMs(0).setErrorCode((short)0).setReplicaElectionResults(List.of(new ElectLeadersResponseData.ReplicaElectionResult().setTopic("t").setPartitionResult(List.of(new ElectLeadersResponseData.PartitionResult().setPartitionId(0).setErrorCode((short)0).setErrorMessage(null), new ElectLeadersResponseData.PartitionResult().setPartitionId(2).setErrorCode((short)84).setErrorMessage("Leader election not needed for topic partition.")))));
System.out.println("ELRESP " + hex(elr, (short)2));
// AlterPartitionReassignments v0: cancel t-1, move t-2 to [3,1]
var ap = new AlterPartitionReassignmentsRequestData().setTimeoutMs(30000).setTopics(List.of(new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName("t").setPartitions(List.of(new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(1).setReplicas(null), new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(2).setReplicas(List.of(3, 1))))));
System.out.println("APREQ " + hex(ap, (short)0));
var apr = new AlterPartitionReassignmentsResponseData().setThrottleTimeMs(0).setErrorCode((short)0).setErrorMessage(null).setResponses(List.of(new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName("t").setPartitions(List.of(new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse().setPartitionIndex(1).setErrorCode((short)85).setErrorMessage("no reassignment"), new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse().setPartitionIndex(2).setErrorCode((short)0).setErrorMessage(null)))));
System.out.println("APRESP " + hex(apr, (short)0));
// DescribeLogDirs v3
var dl = new DescribeLogDirsRequestData();
var dlt = new DescribeLogDirsRequestData.DescribableLogDirTopicCollection();
dlt.add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic("t").setPartitions(List.of(0, 1)));
dl.setTopics(dlt);
System.out.println("DLREQ " + hex(dl, (short)3));
System.out.println("DLREQNULL " + hex(new DescribeLogDirsRequestData().setTopics(null), (short)3));
var dlr = new DescribeLogDirsResponseData().setThrottleTimeMs(0).setErrorCode((short)0).setResults(List.of(new DescribeLogDirsResponseData.DescribeLogDirsResult().setErrorCode((short)0).setLogDir("/data/kafka").setTopics(List.of(new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName("t").setPartitions(List.of(new DescribeLogDirsResponseData.DescribeLogDirsPartition().setPartitionIndex(0).setPartitionSize(12345678901L).setOffsetLag(0).setIsFutureKey(false), new DescribeLogDirsResponseData.DescribeLogDirsPartition().setPartitionIndex(1).setPartitionSize(42).setOffsetLag(7).setIsFutureKey(true)))))));
System.out.println("DLRESP " + hex(dlr, (short)3));
/exit
