package ai.otc.proto;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped descriptor set is self-contained: an analytics tool can decode a topic record with it alone. */
class DescriptorSetTest {

  @Test
  void descriptorSetIncludesImportsAndDecodesARecordWithoutGeneratedClasses() throws Exception {
    FileDescriptorSet set;
    try (InputStream in = getClass().getResourceAsStream("/otc-v1.desc")) {
      assertThat(in).as("otc-v1.desc on the classpath").isNotNull();
      set = FileDescriptorSet.parseFrom(in);
    }
    assertThat(set.getFileList()).extracting(FileDescriptorProto::getName)
        .contains("google/protobuf/timestamp.proto", "otc/v1/trajectory.proto", "otc/v1/scoring.proto",
            "otc/v1/tool_usage.proto", "otc/v1/policy.proto", "otc/v1/tool_gateway.proto");

    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto file : set.getFileList()) { // protoc writes dependencies first
      FileDescriptor[] deps = file.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
      built.put(file.getName(), FileDescriptor.buildFrom(file, deps));
    }
    Descriptor scored = built.get("otc/v1/scoring.proto").findMessageTypeByName("ScoredGroup");

    ScoredGroup group = ScoredGroup.newBuilder().setId("g1@OTC_GRPO:v1").setGroupId("g1").setN(2)
        .addMembers(ScoredTrajectory.newBuilder().setReward(0.5)
            .setTrajectory(Trajectory.newBuilder().setTrajectoryId("t1").addResponseTokenIds(7)))
        .build();
    DynamicMessage decoded = DynamicMessage.parseFrom(scored, group.toByteArray());
    assertThat(decoded.getField(scored.findFieldByName("group_id"))).isEqualTo("g1");
    assertThat(decoded.getField(scored.findFieldByName("n"))).isEqualTo(2);
    assertThat(decoded.getRepeatedFieldCount(scored.findFieldByName("members"))).isEqualTo(1);
  }

  @Test
  void grpcStubsAreGenerated() {
    assertThat(ToolGatewayGrpc.getServiceDescriptor().getMethods()).extracting(m -> m.getBareMethodName())
        .containsExactlyInAnyOrder("Search", "BatchSearch", "ExecuteCode", "BatchExecuteCode", "GetQuota");
  }
}
