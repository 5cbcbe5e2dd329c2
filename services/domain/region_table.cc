#include "services/domain/region_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/domain/csv.h"
#include "services/domain/embedded_data.h"

namespace tierhub::domain {
namespace {

// The level a code's shape implies, or UNSPECIFIED for a malformed code.
v1::RegionLevel LevelOfShape(absl::string_view code) {
  if (!IsRegionCodeShape(code)) return v1::REGION_LEVEL_UNSPECIFIED;
  if (code == kNationalRegionCode) return v1::REGION_LEVEL_NATIONAL;
  if (code.substr(2) == "0000") return v1::REGION_LEVEL_PROVINCE;
  if (code.substr(4) == "00") return v1::REGION_LEVEL_CITY;
  return v1::REGION_LEVEL_COUNTY;
}

absl::StatusOr<v1::RegionLevel> ParseLevel(absl::string_view text) {
  if (text == "province") return v1::REGION_LEVEL_PROVINCE;
  if (text == "city") return v1::REGION_LEVEL_CITY;
  if (text == "county") return v1::REGION_LEVEL_COUNTY;
  return absl::InvalidArgumentError(
      absl::StrCat("level '", absl::CHexEscape(text), "' is not province, city or county"));
}

// Column indices of the named header columns, or an error naming the first one missing.
absl::StatusOr<std::vector<int>> Columns(const CsvTable& table,
                                         std::initializer_list<absl::string_view> names,
                                         absl::string_view source) {
  std::vector<int> out;
  for (absl::string_view name : names) {
    const int i = table.Column(name);
    if (i < 0) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": no column '", name, "'"));
    }
    out.push_back(i);
  }
  return out;
}

absl::Status RowError(absl::string_view source, const CsvRow& row, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", row.line, ": ", message));
}

absl::StatusOr<HistoricalRegion> ParseHistoricalRow(const CsvRow& row,
                                                    const std::vector<int>& col) {
  const auto& f = row.fields;
  HistoricalRegion h;
  h.code = f[col[0]];
  h.name_zh = f[col[1]];
  if (!IsRegionCodeShape(h.code)) {
    return absl::InvalidArgumentError(absl::StrCat("code '", h.code, "' is not 6 digits"));
  }
  if (h.name_zh.empty()) return absl::InvalidArgumentError("name_zh is empty");
  absl::StatusOr<v1::RegionLevel> level = ParseLevel(f[col[2]]);
  if (!level.ok()) return level.status();
  if (*level != LevelOfShape(h.code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("level ", f[col[2]], " does not fit the shape of code ", h.code));
  }
  h.level = *level;
  h.parent_name_zh = f[col[3]];
  if (f[col[4]] == "changed") {
    h.code_reused = true;
  } else if (f[col[4]] != "abolished") {
    return absl::InvalidArgumentError(
        absl::StrCat("status '", f[col[4]], "' is not abolished or changed"));
  }
  if (!absl::SimpleAtoi(f[col[5]], &h.in_use_from_year) ||
      !absl::SimpleAtoi(f[col[6]], &h.in_use_until_year) ||
      h.in_use_from_year >= h.in_use_until_year) {
    return absl::InvalidArgumentError(absl::StrCat("years '", f[col[5]], "'..'", f[col[6]],
                                                   "' are not an increasing pair of integers"));
  }
  // Upstream notation: "440106[1985];440111", the bracket saying when a change took effect.
  for (absl::string_view token : absl::StrSplit(f[col[7]], ';', absl::SkipEmpty())) {
    absl::string_view code = token.substr(0, 6);
    absl::string_view rest = token.substr(code.size());
    int year = 0;
    const bool rest_ok =
        rest.empty() || (rest.size() == 6 && rest.front() == '[' && rest.back() == ']' &&
                         absl::SimpleAtoi(rest.substr(1, 4), &year));
    if (!IsRegionCodeShape(code) || !rest_ok) {
      return absl::InvalidArgumentError(absl::StrCat("successor '", token,
                                                     "' is not a 6-digit code with an "
                                                     "optional [YEAR]"));
    }
    h.successor_codes.emplace_back(code);
  }
  return h;
}

}  // namespace

bool IsRegionCodeShape(absl::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string JurisdictionPrefix(absl::string_view code) {
  if (!IsRegionCodeShape(code)) return std::string(code);
  while (absl::ConsumeSuffix(&code, "00")) {
  }
  return std::string(code);
}

absl::Status CheckRegionShape(const v1::Region& region, absl::string_view path) {
  const std::string& code = region.code();
  const v1::RegionLevel shape = LevelOfShape(code);
  if (shape == v1::REGION_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".code: '", absl::CHexEscape(code), "' is not 6 digits"));
  }
  if (region.level() == v1::REGION_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".level: REGION_LEVEL_UNSPECIFIED is not allowed"));
  }
  if (region.level() != shape) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".level: ", v1::RegionLevel_Name(region.level()), " does not fit code ",
                     code, " (its shape says ", v1::RegionLevel_Name(shape), ")"));
  }
  if (region.name_zh().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".name_zh: is empty"));
  }
  const std::string& parent = region.parent_code();
  if (shape == v1::REGION_LEVEL_NATIONAL) {
    if (!parent.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".parent_code: the national root has no parent"));
    }
    return absl::OkStatus();
  }
  const v1::RegionLevel parent_shape = LevelOfShape(parent);
  if (parent_shape == v1::REGION_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".parent_code: '", absl::CHexEscape(parent), "' is not 6 digits"));
  }
  // Enum values grow downward: NATIONAL < PROVINCE < CITY < COUNTY.
  if (parent_shape >= shape || !absl::StartsWith(code, JurisdictionPrefix(parent))) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".parent_code: ", parent, " is not a higher-level ancestor of ", code));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RegionTable>> RegionTable::FromCsv(
    absl::Span<const Source> sources) {
  std::unique_ptr<RegionTable> table(new RegionTable());
  v1::Region root;
  root.set_code(std::string(kNationalRegionCode));
  root.set_name_zh("全国");
  root.set_name_en("China");
  root.set_level(v1::REGION_LEVEL_NATIONAL);
  table->regions_.emplace(root.code(), root);

  // Where each current code came from, to report parent errors against the right line.
  std::map<std::string, std::string, std::less<>> origin;
  for (const Source& source : sources) {
    absl::StatusOr<CsvTable> csv = ParseCsv(source.text, source.name);
    if (!csv.ok()) return csv.status();
    if (source.historical) {
      absl::StatusOr<std::vector<int>> col =
          Columns(*csv,
                  {"code", "name_zh", "level", "parent_name_zh", "status", "in_use_from_year",
                   "in_use_until_year", "successor_codes"},
                  source.name);
      if (!col.ok()) return col.status();
      for (const CsvRow& row : csv->rows) {
        absl::StatusOr<HistoricalRegion> h = ParseHistoricalRow(row, *col);
        if (!h.ok()) return RowError(source.name, row, h.status().message());
        // A code may recur (renamed, or reused later), but not for the same period.
        auto [begin, end] = table->history_.equal_range(h->code);
        for (auto it = begin; it != end; ++it) {
          if (it->second.in_use_from_year == h->in_use_from_year) {
            return RowError(source.name, row,
                            absl::StrCat("duplicate historical row for ", h->code, " from ",
                                         h->in_use_from_year));
          }
        }
        table->history_.emplace(h->code, *std::move(h));
      }
      continue;
    }
    absl::StatusOr<std::vector<int>> col =
        Columns(*csv, {"code", "name_zh", "name_en", "level", "parent_code"}, source.name);
    if (!col.ok()) return col.status();
    for (const CsvRow& row : csv->rows) {
      const auto& f = row.fields;
      v1::Region region;
      region.set_code(f[(*col)[0]]);
      region.set_name_zh(f[(*col)[1]]);
      region.set_name_en(f[(*col)[2]]);
      absl::StatusOr<v1::RegionLevel> level = ParseLevel(f[(*col)[3]]);
      if (!level.ok()) return RowError(source.name, row, level.status().message());
      region.set_level(*level);
      // The files leave a province's parent empty; in the tree it is the national root.
      region.set_parent_code(*level == v1::REGION_LEVEL_PROVINCE && f[(*col)[4]].empty()
                                 ? std::string(kNationalRegionCode)
                                 : f[(*col)[4]]);
      if (absl::Status s = CheckRegionShape(region, "region"); !s.ok()) {
        return RowError(source.name, row, s.message());
      }
      if (table->regions_.count(region.code()) > 0) {
        return RowError(source.name, row,
                        absl::StrCat("duplicate code ", region.code(), " (first in ",
                                     origin[region.code()], ")"));
      }
      origin[region.code()] = absl::StrCat(source.name, ":", row.line);
      table->regions_.emplace(region.code(), std::move(region));
    }
  }
  // Parents are resolved only now, so tables and rows may come in any order.
  for (const auto& [code, region] : table->regions_) {
    if (code == kNationalRegionCode) continue;
    auto parent = table->regions_.find(region.parent_code());
    if (parent == table->regions_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(origin[code], ": parent_code ",
                                                     region.parent_code(), " of ", code,
                                                     " is not a loaded region"));
    }
    table->children_[parent->first].push_back(&region);
  }
  return table;
}

const v1::Region* RegionTable::Lookup(absl::string_view code) const {
  auto it = regions_.find(code);
  return it == regions_.end() ? nullptr : &it->second;
}

const v1::Region* RegionTable::Parent(absl::string_view code) const {
  const v1::Region* region = Lookup(code);
  if (region == nullptr || region->parent_code().empty()) return nullptr;
  return Lookup(region->parent_code());
}

std::vector<const v1::Region*> RegionTable::Children(absl::string_view code) const {
  auto it = children_.find(code);
  if (it == children_.end()) return {};
  return it->second;  // built in map order, so already sorted by code
}

std::vector<const v1::Region*> RegionTable::Ancestors(absl::string_view code) const {
  std::vector<const v1::Region*> out;
  // Terminates: every parent is loaded and of a strictly higher level (checked on load).
  for (const v1::Region* parent = Parent(code); parent != nullptr;
       parent = Parent(parent->code())) {
    out.push_back(parent);
  }
  return out;
}

bool RegionTable::IsKnown(absl::string_view code) const { return regions_.count(code) > 0; }

bool RegionTable::IsHistorical(absl::string_view code) const { return history_.count(code) > 0; }

std::vector<const HistoricalRegion*> RegionTable::History(absl::string_view code) const {
  std::vector<const HistoricalRegion*> out;
  auto [begin, end] = history_.equal_range(code);
  for (auto it = begin; it != end; ++it) out.push_back(&it->second);
  std::sort(out.begin(), out.end(), [](const HistoricalRegion* a, const HistoricalRegion* b) {
    return a->in_use_from_year < b->in_use_from_year;
  });
  return out;
}

bool RegionTable::Contains(absl::string_view jurisdiction_code, absl::string_view code) {
  if (!IsRegionCodeShape(jurisdiction_code) || !IsRegionCodeShape(code)) return false;
  return absl::StartsWith(code, JurisdictionPrefix(jurisdiction_code));
}

std::vector<const v1::Region*> RegionTable::All() const {
  std::vector<const v1::Region*> out;
  out.reserve(regions_.size());
  for (const auto& [code, region] : regions_) out.push_back(&region);
  return out;
}

const RegionTable& DefaultRegions() {
  static const RegionTable* const table = [] {
    std::vector<RegionTable::Source> sources;
    for (const internal::EmbeddedTable& t : internal::EmbeddedRegionTables()) {
      sources.push_back({t.name, t.text, t.historical});
    }
    absl::StatusOr<std::unique_ptr<RegionTable>> built = RegionTable::FromCsv(sources);
    if (!built.ok()) {
      // The data is compiled in: this is a build defect, not an environmental failure.
      std::fprintf(stderr, "tierhub: embedded region data is invalid: %s\n",
                   std::string(built.status().message()).c_str());
      std::abort();
    }
    return built->release();
  }();
  return *table;
}

}  // namespace tierhub::domain
