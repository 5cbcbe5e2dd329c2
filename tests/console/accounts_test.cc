#include "services/console/accounts.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/console/accounts_file.h"

namespace tierhub::console {
namespace {

using ::testing::HasSubstr;

TEST(AccountsTest, HashVerifiesOnlyItsPassword) {
  auto hash = HashPassword("s3cret-密码");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_THAT(*hash, ::testing::StartsWith("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "s3cret-密码"));
  EXPECT_FALSE(VerifyPassword(*hash, "s3cret-密"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  auto again = HashPassword("s3cret-密码");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again);  // a fresh salt every time
  EXPECT_FALSE(HashPassword("").ok());
}

TEST(AccountsTest, ParseNamesTheBadLine) {
  auto hash = HashPassword("pw");
  ASSERT_TRUE(hash.ok());
  auto ok = ParseAccounts("# comment\n\nwang ops:440000:wang " + *hash + "\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].identity, "ops:440000:wang");
  auto node = ParseAccounts("x node:440000:gd " + *hash + "\n");
  EXPECT_THAT(node.status().message(), HasSubstr("line 1: identity"));
  auto twice = ParseAccounts("a ops:440000:a " + *hash + "\na ops:440000:a " + *hash + "\n");
  EXPECT_THAT(twice.status().message(), HasSubstr("line 2: name: 'a' appears twice"));
  auto bad_hash = ParseAccounts("a ops:440000:a $2y$bcrypt\n");
  EXPECT_THAT(bad_hash.status().message(), HasSubstr("argon2id"));
  auto bad_name = ParseAccounts("<b> ops:440000:a " + *hash + "\n");
  EXPECT_THAT(bad_name.status().message(), HasSubstr("line 1: name"));
}

TEST(AccountsTest, SaveAndLoadRoundTrip) {
  const std::string path = ::testing::TempDir() + "/accounts-roundtrip";
  auto hash = HashPassword("pw");
  ASSERT_TRUE(hash.ok());
  std::vector<Account> accounts = {{"wang", "dept:MIIT:440600:wang", *hash}};
  ASSERT_TRUE(SaveAccounts(path, accounts).ok());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  auto loaded = LoadAccounts(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)[0].hash, *hash);
  EXPECT_EQ(LoadAccounts(path + "-missing").status().code(), absl::StatusCode::kNotFound);
}

TEST(AccountsFileTest, SeesUsersAddedAndRemovedWhileRunning) {
  const std::string path = ::testing::TempDir() + "/accounts-live";
  auto hash = HashPassword("pw");
  ASSERT_TRUE(hash.ok());
  ASSERT_TRUE(SaveAccounts(path, {{"wang", "ops:440000:wang", *hash}}).ok());
  auto file = AccountsFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->Find("wang").has_value());
  EXPECT_FALSE((*file)->Find("li").has_value());

  // tierhubctl web-user add / remove: SaveAccounts renames a new file over the old one.
  ASSERT_TRUE(SaveAccounts(path, {{"li", "dept:ECO:440600:li", *hash}}).ok());
  ASSERT_TRUE((*file)->Find("li").has_value());
  EXPECT_EQ((*file)->Find("li")->identity, "dept:ECO:440600:li");
  EXPECT_FALSE((*file)->Find("wang").has_value());

  // A file broken by hand keeps the accounts read before; once it parses again, it counts.
  std::ofstream(path, std::ios::trunc) << "li not-an-identity " << *hash << "\n";
  EXPECT_TRUE((*file)->Find("li").has_value());
  std::ofstream(path, std::ios::trunc) << "zhao ops:440600:zhao " << *hash << "\n";
  EXPECT_TRUE((*file)->Find("zhao").has_value());
  EXPECT_FALSE((*file)->Find("li").has_value());

  EXPECT_EQ(AccountsFile::Open(path + "-missing").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tierhub::console
