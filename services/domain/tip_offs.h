// Routing of tip-offs (举报) to the responsible department and region (section 二(五)4: received
// centrally, verified by the responsible department). Pure; thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_TIP_OFFS_H_
#define TIERHUB_SERVICES_DOMAIN_TIP_OFFS_H_

#include <string>

#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

struct TipOffRoute {
  v1::Department department = v1::DEPARTMENT_UNSPECIFIED;
  v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;  // UNSPECIFIED: not known yet
  std::string region_code;
};

// A known dimension goes to its first lead department (ENERGY, TECHNOLOGY: MIIT; ENVIRONMENT:
// ECO; QUALITY: SAMR; SAFETY: MEM). Otherwise the national illegal-steel line is a TECHNOLOGY
// matter ("地条钢", section 二(五)2) for MIIT, and anything else goes to MIIT, the campaign's
// lead, to be passed on. The region is the enterprise's registered plant region when the
// enterprise is known here (`enterprise_region` non-empty), else the region the informant gave.
TipOffRoute RouteTipOff(v1::TipOffChannel channel, v1::Dimension dimension,
                        const std::string& reported_region, const std::string& enterprise_region);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_TIP_OFFS_H_
