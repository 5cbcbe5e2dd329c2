#include "tests/testutil/push.h"

#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/auth/identity.h"
#include "services/domain/validation.h"
#include "tests/testutil/records.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {

v1::PushRequest HelloRequest(const std::string& node, const std::string& region) {
  v1::PushRequest hello;
  hello.mutable_hello()->set_child_node_id(node);
  hello.mutable_hello()->set_child_region_code(region);
  return hello;
}

grpc::Status PushAs(const std::string& address, const std::string& identity,
                    const std::string& node, const std::string& region,
                    const v1::PushRequest& batch) {
  auto stub =
      v1::Exchange::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, identity);
  auto stream = stub->Push(&context);
  stream->Write(HelloRequest(node, region));
  v1::PushResponse response;
  if (stream->Read(&response)) {
    stream->Write(batch);
    if (stream->Read(&response) && response.has_ack()) {
      stream->WritesDone();
      stream->Finish().ok();
      return grpc::Status::OK;
    }
  }
  return stream->Finish();
}

v1::PushRequest PushOneEnterprise(const std::string& origin, const std::string& origin_region,
                                  const std::string& record_region, int serial) {
  v1::Change change;
  *change.mutable_record() = MakeEnterprise(record_region, serial);
  change.set_key(domain::RecordKey(change.record()));
  change.set_origin_node(origin);
  change.set_origin_seq(1);
  change.set_origin_region(origin_region);
  change.mutable_version()->set_wall_micros(1);
  change.mutable_version()->set_origin_node(origin);
  change.mutable_author()->set_node_id(origin);
  change.mutable_author()->set_region_code(origin_region);
  v1::PushRequest request;
  request.mutable_batch()->add_changes(change.SerializeAsString());
  request.mutable_batch()->set_last_seq(1);
  return request;
}

}  // namespace tierhub::testutil
