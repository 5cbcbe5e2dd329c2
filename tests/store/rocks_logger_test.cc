// RocksLogger: RocksDB's info log that a full disk cannot turn into an abort.
#include "services/store/rocks_logger.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(RocksLoggerTest, AppendsLinesAndKeepsThePreviousLogAsLogOld) {
  testutil::TempDir dir;
  {
    auto logger = RocksLogger::Open(rocksdb::FileSystem::Default(), dir.path(),
                                    rocksdb::InfoLogLevel::INFO_LEVEL);
    rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, logger, "first run %d", 1);
    rocksdb::Log(rocksdb::InfoLogLevel::DEBUG_LEVEL, logger, "below the level");
  }
  auto logger = RocksLogger::Open(rocksdb::FileSystem::Default(), dir.path(),
                                  rocksdb::InfoLogLevel::INFO_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, logger, "second run\n");
  const std::string old_log = ReadFile(dir.path() + "/LOG.old");
  EXPECT_THAT(old_log, HasSubstr("first run 1\n"));
  EXPECT_THAT(old_log, Not(HasSubstr("below the level")));
  const std::string log = ReadFile(dir.path() + "/LOG");
  EXPECT_THAT(log, HasSubstr("[WARN] second run\n"));
  EXPECT_THAT(log, Not(HasSubstr("first run")));
  EXPECT_EQ(logger->dropped(), 0u);
}

// RocksDB's own logger asserts on the line after one the disk refused; this one drops that line
// and writes the next once there is room.
TEST(RocksLoggerTest, DropsWhatAFullDiskRefusesAndWritesOnOnceThereIsRoom) {
  testutil::TempDir dir;
  testutil::FaultyEnv faulty;
  auto logger = RocksLogger::Open(faulty.fs, dir.path(), rocksdb::InfoLogLevel::INFO_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, logger, "before");
  faulty.fs->FillDisk();
  for (int i = 0; i < 3; ++i) {
    rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger, "refused %d", i);
  }
  EXPECT_EQ(logger->dropped(), 3u);
  faulty.fs->FreeDisk();
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, logger, "after");
  EXPECT_EQ(logger->dropped(), 3u);
  const std::string log = ReadFile(dir.path() + "/LOG");
  EXPECT_THAT(log, HasSubstr("before\n"));
  EXPECT_THAT(log, Not(HasSubstr("refused")));
  EXPECT_THAT(log, HasSubstr("\n\n"));  // the line after a refused one starts afresh
  EXPECT_THAT(log, HasSubstr("after\n"));
}

}  // namespace
}  // namespace tierhub::store
