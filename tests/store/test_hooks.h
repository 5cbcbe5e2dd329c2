// RegionStatusHooks: RecordHooks for store tests. Accepts enterprise records only, indexes each
// by region and by operating status, and counts them by region, by status and in total, plus a
// non-unit counter (number of industries) so deltas other than 1 are exercised. Thread-safe.
#ifndef TIERHUB_TESTS_STORE_TEST_HOOKS_H_
#define TIERHUB_TESTS_STORE_TEST_HOOKS_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::store {

class RegionStatusHooks final : public RecordHooks {
 public:
  // INVALID_ARGUMENT unless the change is a tombstone or an enterprise with a region_code.
  [[nodiscard]] absl::Status Validate(const v1::Change& change) const override;
  // "region/<region_code>" and "status/<status number>".
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  // "all" +1, "region/<region_code>" +1, "status/<status number>" +1,
  // "industries" +number of industries.
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<CounterDelta>* out) const override;
};

// An enterprise record in `region` with `status` and `industries` industries.
v1::Record Enterprise(std::string_view region, v1::OperatingStatus status, int industries = 1);

// Node-local copies of record bodies (the crash test's check that local puts commit with their
// records): key kShadowPrefix + record key, value ShadowOf(the body), which is "R" + the
// serialized record or "T" + the serialized tombstone.
inline constexpr char kShadowPrefix[] = "shadow/";
std::string ShadowOf(const std::variant<v1::Record, v1::Tombstone>& body);
std::string ShadowOf(const v1::StoredRecord& stored);

}  // namespace tierhub::store

#endif  // TIERHUB_TESTS_STORE_TEST_HOOKS_H_
