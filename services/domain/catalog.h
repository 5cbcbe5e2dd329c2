// The campaign's fixed vocabularies: industries, dimensions, departments and list kinds. Each
// value has a stable ASCII code ("STEEL"), a Chinese name (钢铁) and an English name. Parsers
// accept what users type into CSVs: the code, the Chinese name, or the proto enum name
// ("INDUSTRY_STEEL"), ASCII case-insensitive, surrounding whitespace ignored. Also the plan's
// rules on who leads what and which list belongs to which dimension. All functions are
// stateless and thread-safe; returned views point to static storage.
#ifndef TIERHUB_SERVICES_DOMAIN_CATALOG_H_
#define TIERHUB_SERVICES_DOMAIN_CATALOG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

// For every function below: an UNSPECIFIED or out-of-range value has empty names, and a
// parser refuses it with INVALID_ARGUMENT, as it refuses unknown text.

// Industries (重点行业). English names and codes match data/industries.csv.
absl::Span<const v1::Industry> AllIndustries();
absl::string_view IndustryCode(v1::Industry industry);
absl::string_view IndustryNameZh(v1::Industry industry);
absl::string_view IndustryNameEn(v1::Industry industry);
[[nodiscard]] absl::StatusOr<v1::Industry> ParseIndustry(absl::string_view text);

// False for the industries outside the Product Quality Law (Table 3: copper smelting, lead
// smelting, small coal power): they have no quality-dimension lists, cases or targets.
bool IndustryHasQualityDimension(v1::Industry industry);

// The mandatory energy-quota standards Table 1 names for an industry; empty where none exists
// yet (printing and dyeing, lead-acid batteries), which the plan covers by other dimensions.
absl::Span<const absl::string_view> EnergyQuotaStandards(v1::Industry industry);

// Dimensions (方面).
absl::Span<const v1::Dimension> AllDimensions();
absl::string_view DimensionCode(v1::Dimension dimension);
absl::string_view DimensionNameZh(v1::Dimension dimension);
absl::string_view DimensionNameEn(v1::Dimension dimension);
[[nodiscard]] absl::StatusOr<v1::Dimension> ParseDimension(absl::string_view text);

// Departments.
absl::Span<const v1::Department> AllDepartments();
absl::string_view DepartmentCode(v1::Department department);
absl::string_view DepartmentNameZh(v1::Department department);
absl::string_view DepartmentNameEn(v1::Department department);
[[nodiscard]] absl::StatusOr<v1::Department> ParseDepartment(absl::string_view text);

// Capacity units (产能单位): the code is the enum name without CAPACITY_UNIT_ ("TONNES_PER_YEAR"),
// the Chinese name what the plan and the clerks write (吨/年), the English one a short symbol
// (t/year).
absl::string_view CapacityUnitCode(v1::CapacityUnit unit);
absl::string_view CapacityUnitNameZh(v1::CapacityUnit unit);
absl::string_view CapacityUnitNameEn(v1::CapacityUnit unit);
// Also "t/a" (tonnes per year) and 兆瓦 (MW), as clerks write them.
[[nodiscard]] absl::StatusOr<v1::CapacityUnit> ParseCapacityUnit(absl::string_view text);

// The departments section 二 puts in charge of a dimension: ENERGY and TECHNOLOGY MIIT, DRC,
// NEA; ENVIRONMENT ECO; QUALITY SAMR; SAFETY MEM.
absl::Span<const v1::Department> LeadDepartments(v1::Dimension dimension);
// True if `department` is among LeadDepartments(dimension).
bool DepartmentLeads(v1::Department department, v1::Dimension dimension);
// True if `department` may write lists, cases and targets under `dimension`: it leads the
// dimension, or it is MIIT, which leads the whole campaign and aggregates every list.
bool DepartmentMayActOn(v1::Department department, v1::Dimension dimension);

// List kinds (清单/名单).
absl::Span<const v1::ListKind> AllListKinds();
absl::string_view ListKindCode(v1::ListKind kind);
absl::string_view ListKindNameZh(v1::ListKind kind);
absl::string_view ListKindNameEn(v1::ListKind kind);
[[nodiscard]] absl::StatusOr<v1::ListKind> ParseListKind(absl::string_view text);

// True for the lists section 三(四) says are published (名单), false for working lists (清单).
bool ListKindIsPublished(v1::ListKind kind);
// The dimensions under which a list of this kind is kept (see catalog.cc for the reading of
// the plan behind each).
absl::Span<const v1::Dimension> DimensionsOfListKind(v1::ListKind kind);
bool ListKindFitsDimension(v1::ListKind kind, v1::Dimension dimension);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_CATALOG_H_
