#include "services/domain/tip_offs.h"

#include "services/domain/catalog.h"

namespace tierhub::domain {

TipOffRoute RouteTipOff(v1::TipOffChannel channel, v1::Dimension dimension,
                        const std::string& reported_region, const std::string& enterprise_region) {
  TipOffRoute route;
  route.region_code = enterprise_region.empty() ? reported_region : enterprise_region;
  if (dimension == v1::DIMENSION_UNSPECIFIED &&
      channel == v1::TIP_OFF_CHANNEL_NATIONAL_STEEL_LINE) {
    dimension = v1::DIMENSION_TECHNOLOGY;
  }
  route.dimension = dimension;
  const auto leads = domain::LeadDepartments(dimension);
  route.department = leads.empty() ? v1::DEPARTMENT_MIIT : leads.front();
  return route;
}

}  // namespace tierhub::domain
