// Reading department lists from CSV as clerks export them from Excel: UTF-8, UTF-8 with a
// byte-order mark, or GB18030 (what Excel writes on a Chinese Windows), with English or
// Chinese column headers. Every problem is reported with its row number, column and reason,
// all at once, and nothing is submitted while any remains. Stateless; thread-safe.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_CSV_IMPORT_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_CSV_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/electricity.pb.h"

namespace tierhub::ctl {

enum class Encoding { kAuto, kUtf8, kGb18030 };

// Parses "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312" (GBK and GB2312 are subsets).
absl::StatusOr<Encoding> ParseEncoding(absl::string_view name);

// Returns the text as UTF-8 without a byte-order mark. kAuto takes valid UTF-8 as UTF-8 and
// anything else as GB18030. INVALID_ARGUMENT names the byte offset that fits neither.
absl::StatusOr<std::string> DecodeToUtf8(absl::string_view bytes, Encoding encoding);

// GB18030 bytes for UTF-8 text (what Excel on a Chinese Windows writes).
absl::StatusOr<std::string> EncodeGb18030(absl::string_view utf8);

// One problem with the input, at the row a clerk sees in Excel: the header is row 1 and the
// first data row is row 2; blank lines count as rows, a cell over several lines does not add
// any. Row 0 is the file as a whole (empty).
struct RowError {
  int row = 0;
  std::string column;  // "" when the whole row is at fault
  std::string reason;
};

std::string FormatRowErrors(const std::vector<RowError>& errors, size_t max_shown = 200);

// The parts of every entry that the command line gives rather than the file.
struct ListDefaults {
  v1::Department department = v1::DEPARTMENT_UNSPECIFIED;
  v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;
  v1::ListKind kind = v1::LIST_KIND_UNSPECIFIED;
  std::string round_id;
  std::string submission_id;
};

struct ParsedList {
  std::vector<v1::ListEntry> entries;  // in file order
  std::vector<int> rows;               // the spreadsheet row of each entry (RowError.row)
  std::vector<RowError> errors;        // empty when every row is good
};

// Parses a list CSV (already UTF-8). Columns, by English or Chinese header:
//   credit_code     统一社会信用代码 / 信用代码               (required)
//   enterprise_name 企业名称 / 名称                          (required)
//   region_code     所在地区 / 地区 / 行政区划代码 — a code or a region's Chinese name (required)
//   industry        行业 — STEEL, 钢铁, ...                   (required)
//   reason          原因 / 列入原因
//   requirement_ref 整改要求 / 依据
//   deadline        整改期限 / 期限 — YYYY-MM-DD or YYYY/M/D
//   reported_status 状态 / 企业状态 — 在产, 限产, 停产, 关停, ... or OPERATING, CLOSED, ...
//   capacity        产能 (a number), capacity_unit 产能单位 (吨/年, 平方米/年, ...)
// Unknown columns are an error (a misspelt header must not drop a column silently). Structural
// problems (stray quotes, a wrong number of cells) and field problems are all collected.
ParsedList ParseListCsv(absl::string_view utf8, const ListDefaults& defaults);

struct ParsedReadings {
  std::vector<v1::ElectricityReading> readings;  // in file order
  std::vector<int> rows;                         // the spreadsheet row of each reading
  std::vector<RowError> errors;                  // empty when every row is good
};

// Parses a grid company's monthly electricity readings (already UTF-8). Columns, by English or
// Chinese header (full-width brackets and spaces in headers are ignored):
//   credit_code     统一社会信用代码 / 信用代码                 (required)
//   account         户号 / 用电户号 / 用户编号 / 电表号          (required)
//   month           月份 / 年月 / 抄表月份 / 电费年月 — 2019-07, 201907, 2019/7, 2019年7月
//                                                               (required)
//   kwh             用电量(千瓦时) / 用电量 / 电量(千瓦时) / 电量  (required)
//   enterprise_name 企业名称 / 户名 / 用电户名
//   region_code     所属区域 / 行政区划代码 / 所在地区 — a code or a region's Chinese name
//                   (may be empty: the node takes the enterprise record's region)
// Unknown columns are an error. The same account, enterprise and month twice is an error.
ParsedReadings ParseReadingsCsv(absl::string_view utf8);

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_CSV_IMPORT_H_
