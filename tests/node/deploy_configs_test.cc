// Every sample config under deploy/ loads and validates, and each tree of them is a real tree.
#include <filesystem>
#include <map>

#include "gtest/gtest.h"
#include "services/node/config.h"

namespace tierhub::node {
namespace {

std::map<std::string, v1::NodeConfig> LoadAll(const std::string& dir) {
  std::map<std::string, v1::NodeConfig> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".textproto") continue;
    auto config = LoadNodeConfig(entry.path().string());
    EXPECT_TRUE(config.ok()) << entry.path() << ": " << config.status();
    if (!config.ok()) continue;
    absl::Status valid = ValidateNodeConfig(*config);
    EXPECT_TRUE(valid.ok()) << entry.path() << ": " << valid;
    out[config->node_id()] = *config;
  }
  return out;
}

// Each node's parent is in the set, one level up and containing its region; one root.
void ExpectTree(const std::map<std::string, v1::NodeConfig>& nodes) {
  int roots = 0;
  for (const auto& [id, config] : nodes) {
    if (config.parent_node_id().empty()) {
      ++roots;
      continue;
    }
    auto parent = nodes.find(config.parent_node_id());
    ASSERT_NE(parent, nodes.end()) << id << " names unknown parent " << config.parent_node_id();
    EXPECT_LT(parent->second.tier(), config.tier()) << id;
  }
  EXPECT_EQ(roots, 1);
}

TEST(DeployConfigsTest, DemoTopologyLoadsValidatesAndFormsATree) {
  auto nodes = LoadAll(std::string(PROJECT_SOURCE_DIR) + "/deploy/demo");
  EXPECT_EQ(nodes.size(), 8u);
  ExpectTree(nodes);
  EXPECT_TRUE(nodes.at("gd").coordinator());
  EXPECT_EQ(nodes.at("dongguan").region_code(), "441900");
}

TEST(DeployConfigsTest, FullProvinceHasEveryCityAndCounty) {
  auto nodes = LoadAll(std::string(PROJECT_SOURCE_DIR) + "/deploy/guangdong");
  // The province, its 21 prefecture-level cities and 122 counties and districts (issue 16).
  EXPECT_EQ(nodes.size(), 144u);
  ExpectTree(nodes);
  int counties = 0;
  for (const auto& [id, config] : nodes) counties += config.tier() == v1::REGION_LEVEL_COUNTY;
  EXPECT_EQ(counties, 122);
  EXPECT_EQ(nodes.at("gd-440606").parent_node_id(), "gd-440600");
}

}  // namespace
}  // namespace tierhub::node
