// Push streams opened by hand, as a child node (or a peer lying about being one) would: for the
// tests of what the exchange accepts and refuses.
#ifndef TIERHUB_TESTS_TESTUTIL_PUSH_H_
#define TIERHUB_TESTS_TESTUTIL_PUSH_H_

#include <string>

#include "grpcpp/support/status.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::testutil {

// A Push stream's opening hello from child `node` of `region`.
v1::PushRequest HelloRequest(const std::string& node, const std::string& region);
// Opens a Push to `address` as `identity` (the insecure test header), says hello as (`node`,
// `region`) and, if welcomed, sends `batch`: the stream's final status (OK if the batch was
// acknowledged).
grpc::Status PushAs(const std::string& address, const std::string& identity,
                    const std::string& node, const std::string& region,
                    const v1::PushRequest& batch);
// A Push batch (covering child log seq 1) of one change as child `origin` (of `origin_region`)
// would send it: the first change of that origin, about MakeEnterprise(record_region, serial).
v1::PushRequest PushOneEnterprise(const std::string& origin, const std::string& origin_region,
                                  const std::string& record_region, int serial);

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_PUSH_H_
