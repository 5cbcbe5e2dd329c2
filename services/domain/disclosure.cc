#include "services/domain/disclosure.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/spreadsheet/spreadsheet.h"

namespace tierhub::domain {
namespace {

using v1::CaseState;

struct ListRule {
  v1::Dimension dimension;
  std::set<CaseState> states;
};

std::vector<ListRule> RulesOf(v1::DisclosureList list) {
  switch (list) {
    case v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE: {
      const std::set<CaseState> s = {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_EXTENDED,
                                     v1::CASE_STATE_SUSPENDED};
      return {{v1::DIMENSION_ENERGY, s}, {v1::DIMENSION_QUALITY, s}, {v1::DIMENSION_SAFETY, s}};
    }
    case v1::DISCLOSURE_LIST_CLOSED_BY_LAW:
      return {
          {v1::DIMENSION_ENERGY, {v1::CASE_STATE_CLOSED_EXITED}},
          {v1::DIMENSION_QUALITY, {v1::CASE_STATE_LICENCES_REVOKED}},
          {v1::DIMENSION_SAFETY, {v1::CASE_STATE_CLOSED_EXITED, v1::CASE_STATE_LICENCES_REVOKED}}};
    case v1::DISCLOSURE_LIST_OVER_STANDARD_EMITTER:
      return {{v1::DIMENSION_ENVIRONMENT, {v1::CASE_STATE_RESTRICTED, v1::CASE_STATE_SUSPENDED}}};
    case v1::DISCLOSURE_LIST_SERIOUS_EMITTER:
      return {{v1::DIMENSION_ENVIRONMENT,
               {v1::CASE_STATE_CLOSURE_APPROVED, v1::CASE_STATE_CLOSED_EXITED}}};
    case v1::DISCLOSURE_LIST_TECHNOLOGY_CLOSURE:
      return {{v1::DIMENSION_TECHNOLOGY,
               {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_SEALED, v1::CASE_STATE_ACCEPTED,
                v1::CASE_STATE_CLOSED_EXITED}}};
    default:
      return {};
  }
}

bool DeadlineRunsIn(CaseState s) {
  return s == v1::CASE_STATE_RECTIFYING || s == v1::CASE_STATE_EXTENDED ||
         s == v1::CASE_STATE_SUSPENDED || s == v1::CASE_STATE_RESTRICTED;
}

// The case as it stood at `as_of`: state, since when, and the deadline then running. False if
// the case did not exist yet.
bool StateAt(const v1::EnforcementCase& c, absl::Time as_of, CaseState* state, absl::Time* since,
             std::optional<absl::Time>* deadline) {
  bool seen = false;
  for (const v1::CaseTransition& t : c.history()) {
    const absl::Time at = EffectiveTimeOf(t);  // when it took effect (non-decreasing)
    if (at > as_of) break;
    seen = true;
    if (t.to_state() != *state) *since = at;  // sealing steps keep the state
    *state = t.to_state();
    if (t.has_deadline()) {
      *deadline = FromProto(t.deadline());
    } else if (!DeadlineRunsIn(t.to_state())) {
      deadline->reset();
    }
  }
  return seen;
}

std::string RegionName(const std::string& code) {
  const v1::Region* region = domain::DefaultRegions().Lookup(code);
  return region != nullptr ? region->name_zh() : "";
}

std::vector<std::string> Cells(const DisclosureRow& r, size_t serial) {
  return {absl::StrCat(serial), r.credit_code, r.enterprise_name,
          r.region_code,        r.region_name, r.industry,
          r.dimension,          r.reason,      r.state,
          r.deadline,           r.since,       r.case_id};
}

}  // namespace

std::string CaseStateNameZh(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_FOUND:
      return "发现";
    case v1::CASE_STATE_RECTIFYING:
      return "限期整改";
    case v1::CASE_STATE_EXTENDED:
      return "延期整改";
    case v1::CASE_STATE_RESTRICTED:
      return "限制生产";
    case v1::CASE_STATE_SUSPENDED:
      return "停产整改";
    case v1::CASE_STATE_COMPLIANT:
      return "整改达标";
    case v1::CASE_STATE_ORDERED_CLOSED:
      return "责令关停";
    case v1::CASE_STATE_CLOSURE_REQUESTED:
      return "提请政府关闭";
    case v1::CASE_STATE_CLOSURE_APPROVED:
      return "批准关闭";
    case v1::CASE_STATE_LICENCES_REVOKED:
      return "吊销证照";
    case v1::CASE_STATE_DISMANTLED:
      return "拆除主体设备";
    case v1::CASE_STATE_SEALED:
      return "断水断电、封存设备";
    case v1::CASE_STATE_ACCEPTED:
      return "已验收";
    case v1::CASE_STATE_CLOSED_EXITED:
      return "关停退出";
    case v1::CASE_STATE_LICENCE_CANCELLED:
      return "注销生产许可证";
    default:
      return "";
  }
}

const std::vector<std::string>& DisclosureHeaders() {
  static const auto* kHeaders = new std::vector<std::string>{
      "序号", "统一社会信用代码", "企业名称", "地区代码", "所在地区", "行业", "方面", "原因",
      "状态", "整改期限",         "日期",     "案件编号"};
  return *kHeaders;
}

std::string DisclosureTitle(v1::DisclosureList list) {
  switch (list) {
    case v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE:
      return "不达标应限期整改的企业名单";
    case v1::DISCLOSURE_LIST_CLOSED_BY_LAW:
      return "已依法关闭的企业名单";
    case v1::DISCLOSURE_LIST_OVER_STANDARD_EMITTER:
      return "超标排放企业名单";
    case v1::DISCLOSURE_LIST_SERIOUS_EMITTER:
      return "超标排放情节严重的企业名单";
    case v1::DISCLOSURE_LIST_COAL_BOILER_EXIT:
      return "燃煤锅炉退出企业名单";
    case v1::DISCLOSURE_LIST_TECHNOLOGY_CLOSURE:
      return "技术方面关停退出的落后产能企业";
    default:
      return "";
  }
}

std::string DisclosureFileBase(v1::DisclosureList list, const std::string& region,
                               absl::Time as_of) {
  std::string name = v1::DisclosureList_Name(list);
  const std::string kPrefix = "DISCLOSURE_LIST_";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return absl::StrCat(name, "_", region, "_", absl::FormatTime("%Y%m%d", as_of, ChinaTimeZone()));
}

bool MayBeListed(v1::DisclosureList list, const v1::Record& record) {
  if (list == v1::DISCLOSURE_LIST_COAL_BOILER_EXIT) {
    return record.has_list_entry() && record.list_entry().kind() == v1::LIST_KIND_COAL_BOILER_EXIT;
  }
  if (!record.has_enforcement_case()) return false;
  // Asked once per case of the node during an export: the lists' dimensions are built once.
  static const auto* const dimensions = [] {
    auto* m = new std::map<v1::DisclosureList, std::set<v1::Dimension>>();
    for (int i = v1::DisclosureList_MIN; i <= v1::DisclosureList_MAX; ++i) {
      const auto l = static_cast<v1::DisclosureList>(i);
      for (const ListRule& rule : RulesOf(l)) (*m)[l].insert(rule.dimension);
    }
    return m;
  }();
  auto it = dimensions->find(list);
  return it != dimensions->end() && it->second.count(record.enforcement_case().dimension()) > 0;
}

absl::StatusOr<std::vector<DisclosureRow>> DisclosureRows(v1::DisclosureList list,
                                                          const DisclosureInput& input,
                                                          absl::Time as_of) {
  if (list == v1::DISCLOSURE_LIST_UNSPECIFIED || !v1::DisclosureList_IsValid(list)) {
    return absl::InvalidArgumentError("list: must name one of the published lists");
  }
  auto name_of = [&](const std::string& code, const std::string& fallback) {
    auto it = input.enterprise_names.find(code);
    return it != input.enterprise_names.end() ? it->second : fallback;
  };
  std::vector<DisclosureRow> rows;
  if (list == v1::DISCLOSURE_LIST_COAL_BOILER_EXIT) {
    for (const v1::ListEntry& e : input.list_entries) {
      if (e.kind() != v1::LIST_KIND_COAL_BOILER_EXIT) continue;
      DisclosureRow r;
      r.credit_code = e.credit_code();
      r.enterprise_name = name_of(e.credit_code(), e.enterprise_name());
      r.region_code = e.region_code();
      r.region_name = RegionName(e.region_code());
      r.industry = std::string(domain::IndustryNameZh(e.industry()));
      r.dimension = std::string(domain::DimensionNameZh(e.dimension()));
      r.reason = e.reason();
      r.state = "燃煤锅炉退出";
      if (e.has_deadline()) r.deadline = ChinaDay(FromProto(e.deadline()));
      rows.push_back(std::move(r));
    }
  } else {
    const std::vector<ListRule> rules = RulesOf(list);
    for (const v1::EnforcementCase& c : input.cases) {
      CaseState state = v1::CASE_STATE_UNSPECIFIED;
      absl::Time since = absl::InfinitePast();
      std::optional<absl::Time> deadline;
      if (!StateAt(c, as_of, &state, &since, &deadline)) continue;
      const bool listed = std::any_of(rules.begin(), rules.end(), [&](const ListRule& rule) {
        return rule.dimension == c.dimension() && rule.states.count(state) > 0;
      });
      if (!listed) continue;
      DisclosureRow r;
      r.credit_code = c.credit_code();
      r.enterprise_name = name_of(c.credit_code(), "");
      r.region_code = c.region_code();
      r.region_name = RegionName(c.region_code());
      r.industry = std::string(domain::IndustryNameZh(c.industry()));
      r.dimension = std::string(domain::DimensionNameZh(c.dimension()));
      r.reason = c.finding();
      r.state = CaseStateNameZh(state);
      if (deadline.has_value() && DeadlineRunsIn(state)) r.deadline = ChinaDay(*deadline);
      r.since = ChinaDay(since);
      r.case_id = c.case_id();
      rows.push_back(std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const DisclosureRow& a, const DisclosureRow& b) {
    return std::tie(a.region_code, a.credit_code, a.case_id) <
           std::tie(b.region_code, b.credit_code, b.case_id);
  });
  return rows;
}

namespace {

spreadsheet::Sheet DisclosureSheet(const std::vector<DisclosureRow>& rows,
                                   const std::string& title) {
  spreadsheet::Sheet sheet;
  sheet.title = title;
  sheet.headers = DisclosureHeaders();
  sheet.widths = {{1, 2, 24}, {7, 7, 40}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string> cells = Cells(rows[i], i + 1);
    std::vector<spreadsheet::Cell> row = {spreadsheet::Cell::Number(static_cast<double>(i + 1))};
    for (size_t col = 1; col < cells.size(); ++col)
      row.push_back(spreadsheet::Cell::Text(cells[col]));
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace

std::string ToCsv(const std::vector<DisclosureRow>& rows) {
  return spreadsheet::CsvOf(DisclosureSheet(rows, ""));
}

absl::Time WorkbookTime(absl::Time as_of) {
  return absl::FromCivil(absl::ToCivilDay(as_of, ChinaTimeZone()), ChinaTimeZone());
}

absl::StatusOr<std::string> ToXlsx(const std::vector<DisclosureRow>& rows,
                                   const std::string& sheet_title, absl::Time as_of) {
  return spreadsheet::XlsxOf({DisclosureSheet(rows, sheet_title)}, WorkbookTime(as_of));
}

}  // namespace tierhub::domain
