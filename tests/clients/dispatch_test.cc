// tierhubctl's dispatch: options a command does not know are refused before anything is sent,
// and `rounds --waive` grants the late waiver a closed round's refusal asks for, on a real node.
#include "clients/tierhubctl/dispatch.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/record_key.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

struct CtlRun {
  int exit_code;
  std::string out, err;
};

CtlRun Ctl(std::vector<std::string> args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = Dispatch(AllCommands(), args);
  std::fflush(stdout);
  std::fflush(stderr);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, std::move(out), ::testing::internal::GetCapturedStderr()};
}

const Command& Find(const std::vector<Command>& commands, const std::string& name) {
  for (const Command& c : commands) {
    if (name == c.name) return c;
  }
  ADD_FAILURE() << "no command " << name;
  return commands.front();
}

TEST(DispatchTest, AnOptionTheCommandDoesNotKnowIsAUsageErrorNamingIt) {
  // Port 1 is never a node: a command that ran would exit 3 (unreachable), not 2.
  const CtlRun typo = Ctl({"progress", "--regoin=440600", "--node=127.0.0.1:1", "--insecure",
                           "--identity=ops:440000:me"});
  EXPECT_EQ(typo.exit_code, kExitUsage);
  EXPECT_THAT(typo.err, HasSubstr("unknown option --regoin"));
  EXPECT_THAT(typo.err, HasSubstr("tierhubctl progress --help"));
  // An option of another command is as unknown to this one.
  const CtlRun other = Ctl({"rounds", "--credit-code=x", "--dry-run", "--node=127.0.0.1:1",
                            "--insecure", "--identity=ops:440000:me"});
  EXPECT_EQ(other.exit_code, kExitUsage);
  EXPECT_THAT(other.err, HasSubstr("unknown options --credit-code, --dry-run"));
  // Known options pass on to the command, which then fails to reach the node.
  const CtlRun known = Ctl({"progress", "--region=440600", "--node=127.0.0.1:1", "--insecure",
                            "--identity=ops:440000:me"});
  EXPECT_EQ(known.exit_code, kExitUnavailable) << known.err;
  EXPECT_THAT(known.err, Not(HasSubstr("unknown option")));
}

TEST(DispatchTest, EveryCommandKnowsWhatItsHelpShowsAndTheConnectionOptions) {
  const std::vector<Command> commands = AllCommands();
  EXPECT_THAT(KnownOptions(Find(commands, "rounds")),
              IsSupersetOf({"waive", "department", "region", "note", "add", "close", "init-plan"}));
  EXPECT_THAT(KnownOptions(Find(commands, "submit")), IsSupersetOf({"note", "dry-run", "round"}));
  for (const Command& c : commands) {
    EXPECT_THAT(KnownOptions(c),
                IsSupersetOf({"help", "node", "ca", "cert", "key", "insecure", "identity", "json"}))
        << c.name;
    const CtlRun help = Ctl({c.name, "--help"});
    EXPECT_EQ(help.exit_code, kExitOk) << c.name;
  }
  EXPECT_THAT(Ctl({"rounds", "--help"}).out, HasSubstr("--waive=ROUND --department="));
}

TEST(RoundsCliTest, MiitGrantsTheLateWaiverThatAClosedRoundAsksFor) {
  testutil::TempDir dir;
  testutil::InProcessCluster cluster(dir.path());
  absl::Status started = cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "");
  ASSERT_TRUE(started.ok()) << started;
  auto as = [&](const std::string& identity, std::vector<std::string> args) {
    args.insert(args.end(), {absl::StrCat("--node=", cluster.address("gd")), "--insecure",
                             absl::StrCat("--identity=", identity)});
    return Ctl(args);
  };
  const std::string miit = "dept:MIIT:440000:lead";
  ASSERT_EQ(as(miit, {"rounds", "--add=R-LATE", "--deadline=2019-04-15"}).exit_code, kExitOk);
  ASSERT_EQ(as(miit, {"rounds", "--close=R-LATE"}).exit_code, kExitOk);

  // Only MIIT may grant it; a department and region are required.
  const CtlRun samr = as("dept:SAMR:440000:clerk",
                         {"rounds", "--waive=R-LATE", "--department=SAMR", "--region=440600"});
  EXPECT_EQ(samr.exit_code, kExitRefused) << samr.err;
  const CtlRun no_dept = as(miit, {"rounds", "--waive=R-LATE", "--region=440600"});
  EXPECT_EQ(no_dept.exit_code, kExitUsage);
  EXPECT_THAT(no_dept.err, HasSubstr("--department: required"));
  const CtlRun unknown_round =
      as(miit, {"rounds", "--waive=R-NONE", "--department=SAMR", "--region=440600"});
  EXPECT_EQ(unknown_round.exit_code, kExitRefused);
  EXPECT_THAT(unknown_round.err, HasSubstr("R-NONE is not known"));

  const CtlRun granted = as(miit, {"rounds", "--waive=R-LATE", "--department=SAMR",
                                   "--region=440600", "--note=报送系统故障"});
  ASSERT_EQ(granted.exit_code, kExitOk) << granted.err;
  EXPECT_THAT(granted.out, HasSubstr("late waiver granted: SAMR may submit to round R-LATE for "
                                     "440600"));
  EXPECT_THAT(granted.err, Not(HasSubstr("ignored")));
  const auto records = cluster.Records("gd", "440000");
  const std::string key = domain::LateWaiverKey("R-LATE", v1::DEPARTMENT_SAMR, "440600");
  ASSERT_EQ(records.count(key), 1u);
  EXPECT_EQ(records.at(key).record().late_waiver().note(), "报送系统故障");
  EXPECT_EQ(records.at(key).record().late_waiver().granted_by(), "dept:MIIT:440000:lead");
}

}  // namespace
}  // namespace tierhub::ctl
