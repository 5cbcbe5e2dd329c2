#include "services/common/fault_points.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"

namespace tierhub::faults {
namespace {

constexpr char kPull[] = "exchange.parent.pull_start";
constexpr char kAck[] = "exchange.parent.after_apply_before_ack";

class FaultPointsTest : public ::testing::Test {
 protected:
  void TearDown() override { DisarmAll(); }
};

TEST_F(FaultPointsTest, UnarmedPointsAreOkAndCountNothing) {
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kPull).ok());
  EXPECT_EQ(HitsForTest(kPull), 0u);
}

TEST_F(FaultPointsTest, ErrorArmingReturnsItsCodeAtEveryHit) {
  ASSERT_TRUE(ArmFromSpec("exchange.parent.pull_start=error:OUT_OF_RANGE").ok());
  for (int i = 0; i < 2; ++i) {
    absl::Status s = TH_FAULT_POINT_STATUS(kPull);
    EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
    EXPECT_NE(s.message().find(kPull), std::string::npos) << s;
  }
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kAck).ok());  // another point stays off
  EXPECT_EQ(HitsForTest(kPull), 2u);
  ASSERT_TRUE(ArmFromSpec(std::string(kAck) + "=error").ok());
  EXPECT_EQ(TH_FAULT_POINT_STATUS(kAck).code(), absl::StatusCode::kUnavailable);
}

TEST_F(FaultPointsTest, AtHitNFiresAtThatHitOnly) {
  ASSERT_TRUE(ArmFromSpec(std::string(kAck) + "=error@3").ok());
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kAck).ok());
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kAck).ok());
  EXPECT_FALSE(TH_FAULT_POINT_STATUS(kAck).ok());
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kAck).ok());
  EXPECT_EQ(HitsForTest(kAck), 4u);
}

TEST_F(FaultPointsTest, DisarmedPointsAreOffAgain) {
  ASSERT_TRUE(ArmFromSpec(std::string(kAck) + "=error," + kPull + "=error").ok());
  Disarm(kAck);
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kAck).ok());
  EXPECT_FALSE(TH_FAULT_POINT_STATUS(kPull).ok());
  DisarmAll();
  EXPECT_TRUE(TH_FAULT_POINT_STATUS(kPull).ok());
}

TEST_F(FaultPointsTest, BadSpecIsRefusedNamingTheItemAndArmsNothing) {
  for (const char* bad :
       {"exchange.parent.pull_start=error,exchange.nope=crash",
        "exchange.parent.pull_start=explode", "exchange.parent.pull_start",
        "exchange.parent.pull_start=crash@0", "exchange.parent.pull_start=error:NOT_A_CODE"}) {
    absl::Status s = ArmFromSpec(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(TH_FAULT_POINT_STATUS(kPull).ok()) << bad << " armed something";
  }
  EXPECT_NE(ArmFromSpec("exchange.nope=crash").message().find("exchange.nope"), std::string::npos);
  EXPECT_TRUE(ArmFromSpec("").ok());
}

TEST_F(FaultPointsTest, ArmingEveryListedNameWorks) {
  for (const char* name : kFaultPointNames) {
    EXPECT_TRUE(Arm(name, Arming{Action::kError}).ok()) << name;
    EXPECT_FALSE(TH_FAULT_POINT_STATUS(name).ok()) << name;
  }
}

TEST_F(FaultPointsTest, CrashEndsTheProcessAtOnceWithItsExitCodeAndNamesThePoint) {
  EXPECT_EXIT(
      {
        if (!ArmFromSpec("exchange.child.pull_mid_batch=crash@2").ok()) std::exit(1);
        TH_FAULT_POINT("exchange.child.pull_mid_batch");  // the first hit goes on
        TH_FAULT_POINT("exchange.child.pull_mid_batch");
        std::exit(0);
      },
      ::testing::ExitedWithCode(kFaultCrashExitCode),
      "fault point exchange.child.pull_mid_batch hit: crash");
}

TEST_F(FaultPointsTest, AbortAborts) {
  EXPECT_DEATH(
      {
        if (!ArmFromSpec("exchange.child.snapshot_mid=abort").ok()) std::exit(1);
        TH_FAULT_POINT("exchange.child.snapshot_mid");
      },
      "fault point exchange.child.snapshot_mid hit: abort");
}

TEST_F(FaultPointsTest, BlockHoldsTheThreadUntilDisarmed) {
  ASSERT_TRUE(ArmFromSpec("exchange.parent.snapshot_mid=block").ok());
  std::atomic<bool> passed{false};
  std::thread hitter([&] {
    TH_FAULT_POINT("exchange.parent.snapshot_mid");
    passed = true;
  });
  while (HitsForTest("exchange.parent.snapshot_mid") == 0) std::this_thread::yield();
  // Hit and held: nothing releases it but Disarm.
  EXPECT_FALSE(passed.load());
  Disarm("exchange.parent.snapshot_mid");
  hitter.join();
  EXPECT_TRUE(passed.load());
}

}  // namespace
}  // namespace tierhub::faults
