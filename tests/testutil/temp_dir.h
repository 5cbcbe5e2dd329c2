// TempDir: a unique directory per test, removed with everything in it when the object dies
// (Kudu's test_util.h fixture idea). Not thread-safe; one owner.
#ifndef TIERHUB_TESTS_TESTUTIL_TEMP_DIR_H_
#define TIERHUB_TESTS_TESTUTIL_TEMP_DIR_H_

#include <string>
#include <string_view>

namespace tierhub::testutil {

class TempDir {
 public:
  // Creates a fresh directory under $TEST_TMPDIR, else $TMPDIR, else /tmp. Aborts if it cannot:
  // a test without its directory has nothing meaningful to do.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name (not created).
  std::string Sub(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_TEMP_DIR_H_
