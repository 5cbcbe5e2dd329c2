// Synthetic, clearly fictitious campaign data for demos, tests and benchmarks: enterprises
// with valid credit codes (organisation-code bodies starting "HC" for 合成, never a real
// company's), names marked 合成示例 (synthetic example), spread over the 12 industries, and
// production equipment of which some falls under Table 5. Deterministic for a given seed.
#ifndef TIERHUB_CLIENTS_SYNTHETIC_SYNTHETIC_H_
#define TIERHUB_CLIENTS_SYNTHETIC_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tierhub/v1/change.pb.h"

namespace tierhub::synthetic {

struct Enterprise {
  v1::Record enterprise;
  std::vector<v1::Record> equipment;  // 1-3 pieces of equipment
};

// `count` enterprises registered in `region_code` (a county, or a city without counties),
// numbered from `first_serial` (serials must not repeat across calls for one region).
std::vector<Enterprise> MakeEnterprises(const std::string& region_code, int first_serial, int count,
                                        uint64_t seed);

// A department's list over `enterprises` as a clerk's CSV (UTF-8, Chinese headers): about one
// enterprise in four, chosen per department, with a reason, a deadline and a reported status.
// A few enterprises that ECO reports closed are listed as operating by the others, so the
// coordinator has contradictions to find. Cells are written with spreadsheet::CsvText (quoted
// where needed, never a formula when Excel opens the file).
std::string DepartmentListCsv(v1::Department department,
                              const std::vector<Enterprise>& enterprises);

}  // namespace tierhub::synthetic

#endif  // TIERHUB_CLIENTS_SYNTHETIC_SYNTHETIC_H_
