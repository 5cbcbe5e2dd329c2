#include "services/node/config.h"

#include "gtest/gtest.h"

namespace tierhub::node {
namespace {

constexpr char kCounty[] = R"pb(
  node_id: "fs-440606"
  tier: REGION_LEVEL_COUNTY
  region_code: "440606"
  listen_address: "127.0.0.1:0"
  parent_address: "127.0.0.1:7441"
  parent_node_id: "fs-440600"
  store_path: "/var/lib/tierhub/fs-440606"
  tls { ca_file: "ca.pem" cert_file: "n.pem" key_file: "n.key" }
)pb";

TEST(ConfigTest, ParsesTextFormatAndValidates) {
  auto config = ParseNodeConfig(kCounty);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->region_code(), "440606");
  EXPECT_TRUE(ValidateNodeConfig(*config).ok()) << ValidateNodeConfig(*config);
}

TEST(ConfigTest, ParsesJson) {
  auto config = ParseNodeConfig(R"({"nodeId": "gd", "tier": "REGION_LEVEL_PROVINCE",
      "regionCode": "440000", "listenAddress": "127.0.0.1:7440", "storePath": "/tmp/gd",
      "insecure": true})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(ValidateNodeConfig(*config).ok()) << ValidateNodeConfig(*config);
}

TEST(ConfigTest, RefusesUnknownFieldsNamingThem) {
  auto text = ParseNodeConfig(std::string(kCounty) + "colour: \"blue\"\n");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find("colour"), std::string::npos) << text.status();
  auto json = ParseNodeConfig(R"({"nodeId": "gd", "colour": "blue"})");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(json.status().message().find("colour"), std::string::npos) << json.status();
}

TEST(ConfigTest, EachBadFieldIsNamed) {
  struct Case {
    const char* field;
    void (*mutate)(v1::NodeConfig&);
  };
  const Case cases[] = {
      {"node_id", [](v1::NodeConfig& c) { c.clear_node_id(); }},
      {"node_id", [](v1::NodeConfig& c) { c.set_node_id("a b"); }},
      {"tier", [](v1::NodeConfig& c) { c.clear_tier(); }},
      {"tier", [](v1::NodeConfig& c) { c.set_tier(v1::REGION_LEVEL_CITY); }},
      {"region_code", [](v1::NodeConfig& c) { c.set_region_code("449999"); }},
      {"listen_address", [](v1::NodeConfig& c) { c.set_listen_address("localhost"); }},
      {"parent_address", [](v1::NodeConfig& c) { c.set_parent_address("x:y"); }},
      {"parent_node_id", [](v1::NodeConfig& c) { c.clear_parent_node_id(); }},
      {"store_path", [](v1::NodeConfig& c) { c.clear_store_path(); }},
      {"tls.ca_file", [](v1::NodeConfig& c) { c.mutable_tls()->clear_ca_file(); }},
      {"tls.cert_file", [](v1::NodeConfig& c) { c.mutable_tls()->clear_cert_file(); }},
      {"tls.key_file", [](v1::NodeConfig& c) { c.mutable_tls()->clear_key_file(); }},
      {"tls", [](v1::NodeConfig& c) { c.set_insecure(true); }},
      {"power_alert_threshold_kwh", [](v1::NodeConfig& c) { c.set_power_alert_threshold_kwh(-1); }},
      {"web.listen_address", [](v1::NodeConfig& c) { c.mutable_web()->set_accounts_file("a"); }},
      {"web.accounts_file",
       [](v1::NodeConfig& c) { c.mutable_web()->set_listen_address("127.0.0.1:0"); }},
      {"web.cert_file",
       [](v1::NodeConfig& c) {
         c.mutable_web()->set_listen_address("127.0.0.1:0");
         c.mutable_web()->set_accounts_file("a");
       }},
      {"web.key_file",
       [](v1::NodeConfig& c) {
         c.mutable_web()->set_listen_address("127.0.0.1:0");
         c.mutable_web()->set_accounts_file("a");
         c.mutable_web()->set_cert_file("w.pem");
       }},
      {"web.cert_file",
       [](v1::NodeConfig& c) {
         c.mutable_web()->set_listen_address("127.0.0.1:0");
         c.mutable_web()->set_accounts_file("a");
         c.mutable_web()->set_insecure_http(true);
         c.mutable_web()->set_cert_file("w.pem");
       }},
  };
  for (const Case& c : cases) {
    v1::NodeConfig config = ParseNodeConfig(kCounty).value();
    c.mutate(config);
    absl::Status status = ValidateNodeConfig(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(status.message().substr(0, std::string(c.field).size() + 1),
              std::string(c.field) + ":")
        << status;
  }
}

TEST(ConfigTest, WebSectionIsOptionalAndValidated) {
  v1::NodeConfig config =
      ParseNodeConfig(
          std::string(kCounty) +
          R"pb(web { listen_address: "127.0.0.1:0" accounts_file: "users" insecure_http: true })pb")
          .value();
  EXPECT_TRUE(ValidateNodeConfig(config).ok()) << ValidateNodeConfig(config);
  EXPECT_FALSE(ParseNodeConfig(kCounty).value().has_web());  // off without the section
}

TEST(ConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadNodeConfig("/nonexistent/node.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tierhub::node
