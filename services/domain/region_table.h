// Administrative divisions (GB/T 2260) as a tree under a synthetic national root, plus retired
// codes. A code's jurisdiction is its prefix: 440000 covers "44....", 440600 covers "4406..".
#ifndef TIERHUB_SERVICES_DOMAIN_REGION_TABLE_H_
#define TIERHUB_SERVICES_DOMAIN_REGION_TABLE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

// Code of the synthetic national root; parent of every province.
inline constexpr absl::string_view kNationalRegionCode = "000000";

// A retired code–name pair from a historical table (a regions-*-historical.csv row).
struct HistoricalRegion {
  std::string code;
  std::string name_zh;
  v1::RegionLevel level = v1::REGION_LEVEL_UNSPECIFIED;
  std::string parent_name_zh;  // historical parents are named, not coded
  bool code_reused = false;    // status "changed": the code lives on under another name
  int in_use_from_year = 0;    // first year in use
  int in_use_until_year = 0;   // first year no longer in use
  std::vector<std::string> successor_codes;  // 6-digit codes; may lie outside the loaded tables
};

// The current region tree and the retired codes, loaded from CSV tables:
//   current:    code,name_zh,name_en,level,parent_code      (level: province|city|county)
//   historical: code,name_zh,level,parent_name_zh,status,in_use_from_year,in_use_until_year,
//               successor_codes                              (status: abolished|changed)
// Any number of tables of either kind may be loaded (one per province, say); nothing assumes
// Guangdong or a fixed number of tiers. Immutable once built, so safe to share between
// threads; returned pointers live as long as the table.
class RegionTable {
 public:
  struct Source {
    std::string name;  // for error messages, e.g. "regions-guangdong.csv"
    absl::string_view text;
    bool historical = false;
  };

  // Builds a table, refusing bad data with INVALID_ARGUMENT "<source>:<line>: <reason>":
  // a code that is not 6 digits, an unknown level, a level that does not fit the code's shape
  // (province xx0000, city xxxx00, county otherwise), a duplicate current code, a parent that
  // is not loaded, not of a higher level or not a prefix-ancestor of the child, a malformed year
  // or successor code. The text views need only outlive the call.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RegionTable>> FromCsv(
      absl::Span<const Source> sources);

  RegionTable(const RegionTable&) = delete;
  RegionTable& operator=(const RegionTable&) = delete;

  // The current region with this code, or nullptr (retired and unknown codes alike).
  const v1::Region* Lookup(absl::string_view code) const;
  // Parent of a current region; nullptr for the root and for a code that is not current.
  const v1::Region* Parent(absl::string_view code) const;
  // Direct children, by code; empty for a leaf and for a code that is not current (IsKnown
  // tells the two apart).
  std::vector<const v1::Region*> Children(absl::string_view code) const;
  // Parent, grandparent, ... up to and including the national root; empty for the root and
  // for a code that is not current.
  std::vector<const v1::Region*> Ancestors(absl::string_view code) const;

  // True for a current code (including the national root).
  bool IsKnown(absl::string_view code) const;
  // True if a historical table lists the code: it was once in use and that use ended. Some
  // codes are both (Guangdong: 440111, 440511, 440811 were reused for new districts).
  bool IsHistorical(absl::string_view code) const;
  // The historical rows for a code, oldest first; empty if none.
  std::vector<const HistoricalRegion*> History(absl::string_view code) const;

  // True if `code` lies within the jurisdiction of `jurisdiction_code`, by prefix: a region
  // contains itself and everything below it, retired codes included. Needs no table, so any
  // layer can call it. False unless both are 6-digit codes, so malformed input never grants
  // access; whether `jurisdiction_code` is a real region is the caller's check (IsKnown).
  static bool Contains(absl::string_view jurisdiction_code, absl::string_view code);

  // All current regions (root included), by code.
  std::vector<const v1::Region*> All() const;

 private:
  RegionTable() = default;

  std::map<std::string, v1::Region, std::less<>> regions_;
  std::map<std::string, std::vector<const v1::Region*>, std::less<>> children_;
  std::multimap<std::string, HistoricalRegion, std::less<>> history_;
};

// The jurisdiction prefix of a code: trailing "00" pairs removed. 440000 -> "44",
// 440600 -> "4406", 440606 -> "440606", 000000 -> "". A string that is not 6 digits is
// returned unchanged (and is not known to any table).
std::string JurisdictionPrefix(absl::string_view code);

// True if `code` is six ASCII digits.
bool IsRegionCodeShape(absl::string_view code);

// Checks one region as a record: 6-digit code, level set and consistent with the code's
// shape, Chinese name present, and a parent that is the root for a province, a 6-digit
// prefix-ancestor of higher level otherwise (empty only for the root). Does not look the
// parent up. Errors: INVALID_ARGUMENT "<path>.<field>: <reason>".
[[nodiscard]] absl::Status CheckRegionShape(const v1::Region& region, absl::string_view path);

// The regions compiled in from data/regions/ (Guangdong, current and historical), built on
// first use. Aborts the process if the shipped data is bad; a test guards against that.
const RegionTable& DefaultRegions();

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_REGION_TABLE_H_
