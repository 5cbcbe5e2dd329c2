#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/console/console.h"

namespace tierhub::console {
namespace {

using ::testing::HasSubstr;

class ConsoleStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_.node_id = "gd";
    node_.region_code = "440000";
    node_.clock = &clock_;
    accounts_ = ::testing::TempDir() + "/console-start-accounts";
    std::ofstream(accounts_) << "# no accounts\n";
    web_.set_listen_address("127.0.0.1:0");
    web_.set_accounts_file(accounts_);
  }
  FakeClock clock_;
  auth::NodeContext node_;
  v1::WebConfig web_;
  std::string accounts_;
};

TEST_F(ConsoleStartTest, AMissingAccountsFileIsNamed) {
  web_.set_insecure_http(true);
  web_.set_accounts_file(accounts_ + "-missing");
  auto console = Console::Start(web_, node_, ConsoleServices{});
  EXPECT_EQ(console.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(console.status().message(), HasSubstr("web.accounts_file"));
}

TEST_F(ConsoleStartTest, MissingOrBadTlsFilesAreNamed) {
  web_.set_cert_file(accounts_ + "-no-cert");
  web_.set_key_file(accounts_ + "-no-key");
  auto console = Console::Start(web_, node_, ConsoleServices{});
  EXPECT_THAT(console.status().message(), HasSubstr("web.cert_file"));
  web_.set_cert_file(accounts_);  // not a certificate
  web_.set_key_file(accounts_);
  console = Console::Start(web_, node_, ConsoleServices{});
  EXPECT_EQ(console.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(console.status().message(), HasSubstr("not a PEM certificate"));
}

TEST_F(ConsoleStartTest, AShortMetricsTokenIsRefused) {
  web_.set_insecure_http(true);
  const std::string token = ::testing::TempDir() + "/console-start-token";
  std::ofstream(token) << "short\n";
  web_.set_metrics_token_file(token);
  auto console = Console::Start(web_, node_, ConsoleServices{});
  EXPECT_THAT(console.status().message(), HasSubstr("web.metrics_token_file"));
}

}  // namespace
}  // namespace tierhub::console
