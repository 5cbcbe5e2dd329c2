#include "clients/tierhubctl/csv_import.h"

#include <iconv.h>

#include <cerrno>
#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "services/common/strings.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/electricity.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"
#include "services/spreadsheet/spreadsheet.h"

namespace tierhub::ctl {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    if (len == 2 && c < 0xC2) return i;  // overlong
    i += len;
  }
  return absl::string_view::npos;
}

// Converts with glibc's iconv; INVALID_ARGUMENT names the first byte that does not convert.
absl::StatusOr<std::string> Convert(absl::string_view bytes, const char* to, const char* from,
                                    const char* what) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::UnavailableError(absl::StrCat(from, " to ", to, " conversion is not available"));
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  absl::Status status;
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      const size_t used = dst - out.data();
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    status = absl::InvalidArgumentError(absl::StrCat(
        what, ": byte offset ", bytes.size() - in_left,
        errno == EINVAL ? " ends in the middle of a character (truncated file?)"
                        : " is not a valid character; give --encoding if you know it"));
    break;
  }
  iconv_close(cd);
  if (!status.ok()) return status;
  out.resize(dst - out.data());
  return out;
}

absl::StatusOr<std::string> FromGb18030(absl::string_view bytes) {
  return Convert(bytes, "UTF-8", "GB18030", "the file is neither UTF-8 nor GB18030");
}

// Splits CSV text into rows of cells. A row with a stray or unterminated quote is reported
// and skipped up to the next line; parsing goes on, so every bad row is named. Blank lines are
// dropped but counted: each row keeps the number Excel shows for it (the first line is row 1,
// a blank line is an empty row, a quoted cell over several lines stays in one row).
struct RawRow {
  int row = 0;  // the spreadsheet's row number
  std::vector<std::string> cells;
  std::string error;
};

// Moves *i past the end of the current line (its '\n' included, so that the next row is the
// next line and not an empty one).
void SkipLine(absl::string_view text, size_t* i) {
  while (*i < text.size() && text[*i] != '\n') ++*i;
  if (*i < text.size()) ++*i;
}

std::vector<RawRow> SplitRows(absl::string_view text) {
  std::vector<RawRow> rows;
  size_t i = 0;
  int row = 0;
  while (i < text.size()) {
    RawRow r;
    r.row = ++row;
    std::string cell;
    bool in_quotes = false, quoted = false, done = false;
    while (!done) {
      if (i >= text.size()) {
        if (in_quotes) r.error = "a quoted cell is not closed before the end of the file";
        break;
      }
      const char c = text[i++];
      if (in_quotes) {
        if (c != '"') {
          cell += c;
        } else if (i < text.size() && text[i] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
        }
        continue;
      }
      switch (c) {
        case ',':
          r.cells.push_back(std::move(cell));
          cell.clear();
          quoted = false;
          break;
        case '\r':
          break;
        case '\n':
          done = true;
          break;
        case '"':
          if (cell.empty() && !quoted) {
            in_quotes = quoted = true;
            break;
          }
          r.error = absl::StrCat("stray quote in cell ", r.cells.size() + 1,
                                 " (quote the whole cell and double inner quotes)");
          SkipLine(text, &i);  // resynchronise at the next line
          done = true;
          break;
        default:
          if (quoted) {
            r.error = absl::StrCat("text after the closing quote in cell ", r.cells.size() + 1);
            SkipLine(text, &i);
            done = true;
            break;
          }
          cell += c;
      }
    }
    r.cells.push_back(std::move(cell));
    const bool blank =
        r.error.empty() && r.cells.size() == 1 && absl::StripAsciiWhitespace(r.cells[0]).empty();
    if (!blank) rows.push_back(std::move(r));
  }
  return rows;
}

enum class Field {
  kCreditCode,
  kName,
  kRegion,
  kIndustry,
  kReason,
  kRequirement,
  kDeadline,
  kStatus,
  kCapacity,
  kUnit
};

const std::map<std::string, Field>& HeaderAliases() {
  static const auto* aliases = new std::map<std::string, Field>{
      {"credit_code", Field::kCreditCode},
      {"统一社会信用代码", Field::kCreditCode},
      {"信用代码", Field::kCreditCode},
      {"社会信用代码", Field::kCreditCode},
      {"enterprise_name", Field::kName},
      {"企业名称", Field::kName},
      {"名称", Field::kName},
      {"单位名称", Field::kName},
      {"region_code", Field::kRegion},
      {"所在地区", Field::kRegion},
      {"地区", Field::kRegion},
      {"行政区划代码", Field::kRegion},
      {"区划代码", Field::kRegion},
      {"industry", Field::kIndustry},
      {"行业", Field::kIndustry},
      {"所属行业", Field::kIndustry},
      {"reason", Field::kReason},
      {"原因", Field::kReason},
      {"列入原因", Field::kReason},
      {"requirement_ref", Field::kRequirement},
      {"整改要求", Field::kRequirement},
      {"依据", Field::kRequirement},
      {"执行标准", Field::kRequirement},
      {"deadline", Field::kDeadline},
      {"整改期限", Field::kDeadline},
      {"期限", Field::kDeadline},
      {"reported_status", Field::kStatus},
      {"状态", Field::kStatus},
      {"企业状态", Field::kStatus},
      {"生产状态", Field::kStatus},
      {"capacity", Field::kCapacity},
      {"产能", Field::kCapacity},
      {"capacity_unit", Field::kUnit},
      {"产能单位", Field::kUnit},
      {"单位", Field::kUnit},
  };
  return *aliases;
}

std::string CleanCell(absl::string_view cell) {
  // A cell this project exported carries a quote that keeps Excel from running it (CsvText).
  std::string s(spreadsheet::UnneutralisedCsvText(absl::StripAsciiWhitespace(cell)));
  // Excel users type full-width spaces; they are never meaningful in these columns.
  absl::StrReplaceAll({{"\xE3\x80\x80", ""}}, &s);
  return s;
}

absl::StatusOr<std::string> RegionOf(const std::string& text) {
  const domain::RegionTable& regions = domain::DefaultRegions();
  if (domain::IsRegionCodeShape(text)) {
    if (regions.Lookup(text) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", ShownText(text), "' is not a current region code"));
    }
    return text;
  }
  std::string found;
  for (const v1::Region* r : regions.All()) {
    if (r->name_zh() != text) continue;
    if (!found.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", ShownText(text), "' names more than one region; give the 6-digit code"));
    }
    found = r->code();
  }
  if (found.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", ShownText(text), "' is not a known region"));
  }
  return found;
}

absl::StatusOr<v1::OperatingStatus> StatusOf(const std::string& text) {
  static const auto* names = new std::map<std::string, v1::OperatingStatus>{
      {"在产", v1::OPERATING_STATUS_OPERATING},     {"生产", v1::OPERATING_STATUS_OPERATING},
      {"正常生产", v1::OPERATING_STATUS_OPERATING}, {"限产", v1::OPERATING_STATUS_RESTRICTED},
      {"停产", v1::OPERATING_STATUS_SUSPENDED},     {"停产整改", v1::OPERATING_STATUS_SUSPENDED},
      {"停产整顿", v1::OPERATING_STATUS_SUSPENDED}, {"查封", v1::OPERATING_STATUS_SEALED},
      {"封存", v1::OPERATING_STATUS_SEALED},        {"断水断电", v1::OPERATING_STATUS_SEALED},
      {"关停", v1::OPERATING_STATUS_CLOSED},        {"关闭", v1::OPERATING_STATUS_CLOSED},
      {"已关闭", v1::OPERATING_STATUS_CLOSED},      {"关停退出", v1::OPERATING_STATUS_CLOSED},
      {"拆除", v1::OPERATING_STATUS_DISMANTLED},    {"已拆除", v1::OPERATING_STATUS_DISMANTLED},
  };
  auto it = names->find(text);
  if (it != names->end()) return it->second;
  v1::OperatingStatus status;
  std::string upper = absl::AsciiStrToUpper(text);
  if (v1::OperatingStatus_Parse(upper, &status) ||
      v1::OperatingStatus_Parse("OPERATING_STATUS_" + upper, &status)) {
    if (status != v1::OPERATING_STATUS_UNSPECIFIED) return status;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", ShownText(text),
                   "' is not a status (在产, 限产, 停产, 查封, 关停, 拆除 or OPERATING, ...)"));
}

// A non-negative number as clerks write it, thousands separators allowed ("12,000.5").
std::optional<double> NonNegativeNumberOf(const std::string& text) {
  double value = 0;
  if (!absl::SimpleAtod(absl::StrReplaceAll(text, {{",", ""}}), &value) || !std::isfinite(value) ||
      value < 0) {
    return std::nullopt;
  }
  return value;
}

absl::StatusOr<google::protobuf::Timestamp> DateOf(const std::string& text) {
  // Deadlines are calendar days in China Standard Time (UTC+8, no daylight saving).
  const absl::TimeZone cst = domain::ChinaTimeZone();
  absl::Time t;
  std::string err;
  for (const char* format : {"%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"}) {
    if (absl::ParseTime(format, text, cst, &t, &err)) {
      google::protobuf::Timestamp ts;
      ts.set_seconds(absl::ToUnixSeconds(t));
      return ts;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", ShownText(text), "' is not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)"));
}

// The reason part of a domain error "field: reason".
std::string Reason(const absl::Status& s) {
  absl::string_view m = s.message();
  auto colon = m.find(": ");
  return std::string(colon == absl::string_view::npos ? m : m.substr(colon + 2));
}

// Maps the header row of a clerk's file to fields: a header cell is looked up in `aliases` as
// key(cell). An empty file (row 0), an unreadable header, unknown or repeated columns
// and missing required ones (the header's row) go to `errors`. Returns each column's field;
// `labels` gets each field's header as the clerk wrote it.
template <typename F>
std::vector<F> MapHeader(const std::vector<RawRow>& rows, const std::map<std::string, F>& aliases,
                         std::string (*key)(const std::string&),
                         std::initializer_list<std::pair<F, const char*>> required,
                         absl::string_view command, std::map<F, std::string>* labels,
                         std::vector<RowError>* errors) {
  std::vector<F> columns;
  if (rows.empty()) {
    errors->push_back({0, "", "the file is empty"});
    return columns;
  }
  const int header_row = rows[0].row;
  if (!rows[0].error.empty()) {
    errors->push_back({header_row, "", rows[0].error});
    return columns;
  }
  for (const std::string& raw : rows[0].cells) {
    const std::string name = CleanCell(raw);
    const auto field = aliases.find(key(raw));
    if (field == aliases.end()) {
      errors->push_back({header_row, name,
                         absl::StrCat("unknown column (see `tierhubctl ", command, " --help`)")});
      continue;
    }
    if (labels->count(field->second)) {
      errors->push_back(
          {header_row, name,
           absl::StrCat("the same column as '", ShownText((*labels)[field->second]), "'")});
    }
    (*labels)[field->second] = name;
    columns.push_back(field->second);
  }
  for (const auto& [field, label] : required) {
    if (!labels->count(field)) {
      errors->push_back({header_row, "", absl::StrCat("missing column ", label)});
    }
  }
  return columns;
}

// True for a data row that was split and has as many cells as the header; otherwise its
// problem goes to `errors`.
bool RowFits(const RawRow& raw, size_t width, std::vector<RowError>* errors) {
  if (!raw.error.empty()) {
    errors->push_back({raw.row, "", raw.error});
    return false;
  }
  if (raw.cells.size() != width) {
    errors->push_back(
        {raw.row, "", absl::StrCat("has ", raw.cells.size(), " cells, the header has ", width)});
    return false;
  }
  return true;
}

// Records a problem of one cell: bad(reason).
class BadCell {
 public:
  BadCell(int row, const std::string& column, std::vector<RowError>* errors)
      : row_(row), column_(column), errors_(errors) {}
  void operator()(const std::string& reason) const { errors_->push_back({row_, column_, reason}); }

 private:
  const int row_;
  const std::string& column_;
  std::vector<RowError>* const errors_;
};

// A cell's parsed value, or nullopt once bad() has the parser's message.
template <typename T>
std::optional<T> Value(absl::StatusOr<T> parsed, const BadCell& bad) {
  if (parsed.ok()) return *std::move(parsed);
  bad(std::string(parsed.status().message()));
  return std::nullopt;
}

// The same for a domain parser, whose messages begin with a field name the column names already.
template <typename T>
std::optional<T> DomainValue(absl::StatusOr<T> parsed, const BadCell& bad) {
  if (parsed.ok()) return *std::move(parsed);
  bad(Reason(parsed.status()));
  return std::nullopt;
}

// A credit code cell in its canonical form, or nullopt once bad() has the reason.
std::optional<std::string> CreditCodeOf(const std::string& cell, const BadCell& bad) {
  if (auto code = DomainValue(domain::ParseCreditCode(cell), bad)) return code->code;
  return std::nullopt;
}

// Reads each data row of `rows` (those after the header) that fits the header (RowFits) into a
// copy of `blank`: cell(field, cleaned cell, bad, &message) for each of `columns`, whose header
// labels are `labels`. Then done(row, message, errors_before) with errors->size() as it was
// before the row: more means a cell of the row was bad.
template <typename F, typename Message, typename Cell, typename Done>
void ReadDataRows(const std::vector<RawRow>& rows, const std::vector<F>& columns,
                  const std::map<F, std::string>& labels, const Message& blank,
                  std::vector<RowError>* errors, Cell cell, Done done) {
  for (size_t r = 1; r < rows.size(); ++r) {
    const RawRow& raw = rows[r];
    if (!RowFits(raw, columns.size(), errors)) continue;
    Message message = blank;
    const size_t errors_before = errors->size();
    for (size_t c = 0; c < columns.size(); ++c) {
      cell(columns[c], CleanCell(raw.cells[c]), BadCell(raw.row, labels.at(columns[c]), errors),
           &message);
    }
    done(raw.row, std::move(message), errors_before);
  }
}

}  // namespace

absl::StatusOr<Encoding> ParseEncoding(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n.empty() || n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return Encoding::kGb18030;
  return absl::InvalidArgumentError(
      absl::StrCat("--encoding: '", ShownText(name), "' is not auto, utf-8 or gb18030"));
}

absl::StatusOr<std::string> DecodeToUtf8(absl::string_view bytes, Encoding encoding) {
  if (encoding != Encoding::kGb18030 && absl::ConsumePrefix(&bytes, kUtf8Bom)) {
    encoding = Encoding::kUtf8;
  }
  if (encoding == Encoding::kGb18030) return FromGb18030(bytes);
  const size_t bad = FirstInvalidUtf8(bytes);
  if (bad == absl::string_view::npos) return std::string(bytes);
  if (encoding == Encoding::kUtf8) {
    return absl::InvalidArgumentError(
        absl::StrCat("the file is not valid UTF-8 at byte offset ", bad,
                     " (Excel on Chinese Windows writes GB18030: try --encoding=gb18030)"));
  }
  return FromGb18030(bytes);
}

absl::StatusOr<std::string> EncodeGb18030(absl::string_view utf8) {
  return Convert(utf8, "GB18030", "UTF-8", "the text is not valid UTF-8");
}

std::string FormatRowErrors(const std::vector<RowError>& errors, size_t max_shown) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < max_shown; ++i) {
    const RowError& e = errors[i];
    absl::StrAppend(&out, e.row == 0 ? "file" : absl::StrCat("row ", e.row),
                    e.column.empty() ? "" : absl::StrCat(", column ", ShownText(e.column)), ": ",
                    e.reason, "\n");
  }
  if (errors.size() > max_shown) {
    absl::StrAppend(&out, "... and ", errors.size() - max_shown, " more\n");
  }
  return out;
}

ParsedList ParseListCsv(absl::string_view utf8, const ListDefaults& defaults) {
  ParsedList out;
  std::vector<RawRow> rows = SplitRows(utf8);
  std::map<Field, std::string> seen;
  const std::vector<Field> columns = MapHeader<Field>(
      rows, HeaderAliases(),
      [](const std::string& cell) { return absl::AsciiStrToLower(CleanCell(cell)); },
      {{Field::kCreditCode, "credit_code (统一社会信用代码)"},
       {Field::kName, "enterprise_name (企业名称)"},
       {Field::kRegion, "region_code (所在地区)"},
       {Field::kIndustry, "industry (行业)"}},
      "submit", &seen, &out.errors);
  if (!out.errors.empty()) return out;

  v1::ListEntry blank;
  blank.set_submission_id(defaults.submission_id);
  blank.set_department(defaults.department);
  blank.set_dimension(defaults.dimension);
  blank.set_kind(defaults.kind);
  blank.set_round_id(defaults.round_id);
  std::map<std::string, int> first_row_of_code;
  std::string unit_cell;  // of the row being read
  ReadDataRows(
      rows, columns, seen, blank, &out.errors,
      [&](Field field, const std::string& cell, const BadCell& bad, v1::ListEntry* e) {
        switch (field) {
          case Field::kCreditCode:
            if (auto code = CreditCodeOf(cell, bad)) e->set_credit_code(*code);
            break;
          case Field::kName:
            if (cell.empty()) bad("is empty");
            e->set_enterprise_name(cell);
            break;
          case Field::kRegion:
            if (auto region = Value(RegionOf(cell), bad)) e->set_region_code(*region);
            break;
          case Field::kIndustry:
            if (auto industry = DomainValue(domain::ParseIndustry(cell), bad)) {
              e->set_industry(*industry);
            }
            break;
          case Field::kReason:
            e->set_reason(cell);
            break;
          case Field::kRequirement:
            e->set_requirement_ref(cell);
            break;
          case Field::kDeadline:
            if (cell.empty()) break;
            if (auto date = Value(DateOf(cell), bad)) *e->mutable_deadline() = *date;
            break;
          case Field::kStatus:
            if (cell.empty()) break;
            if (auto status = Value(StatusOf(cell), bad)) e->set_reported_status(*status);
            break;
          case Field::kCapacity:
            if (cell.empty()) break;
            if (const std::optional<double> value = NonNegativeNumberOf(cell)) {
              e->set_capacity(*value);
            } else {
              bad(absl::StrCat("'", ShownText(cell), "' is not a non-negative number"));
            }
            break;
          case Field::kUnit:
            unit_cell = cell;
            if (cell.empty()) break;
            if (auto unit = DomainValue(domain::ParseCapacityUnit(cell), bad))
              e->set_capacity_unit(*unit);
            break;
        }
      },
      [&](int row, v1::ListEntry e, size_t errors_before) {
        if (e.capacity() > 0 && unit_cell.empty()) {
          out.errors.push_back({row,
                                seen.count(Field::kUnit) ? seen[Field::kUnit] : "capacity_unit",
                                "a capacity needs its unit"});
        }
        unit_cell.clear();
        if (!e.credit_code().empty()) {
          auto [it, inserted] = first_row_of_code.emplace(e.credit_code(), row);
          if (!inserted) {
            out.errors.push_back(
                {row, seen[Field::kCreditCode],
                 absl::StrCat(e.credit_code(), " is already on row ", it->second)});
          }
        }
        if (out.errors.size() == errors_before) {
          out.entries.push_back(std::move(e));
          out.rows.push_back(row);
        }
      });
  return out;
}

namespace {

enum class ReadingField { kCreditCode, kAccount, kName, kRegion, kMonth, kKwh };

// Header names as grid companies write them, folded by ReadingHeaderKey.
const std::map<std::string, ReadingField>& ReadingAliases() {
  static const auto* aliases = new std::map<std::string, ReadingField>{
      {"credit_code", ReadingField::kCreditCode},
      {"统一社会信用代码", ReadingField::kCreditCode},
      {"信用代码", ReadingField::kCreditCode},
      {"社会信用代码", ReadingField::kCreditCode},
      {"account", ReadingField::kAccount},
      {"户号", ReadingField::kAccount},
      {"用电户号", ReadingField::kAccount},
      {"用户编号", ReadingField::kAccount},
      {"客户编号", ReadingField::kAccount},
      {"电表号", ReadingField::kAccount},
      {"enterprise_name", ReadingField::kName},
      {"企业名称", ReadingField::kName},
      {"户名", ReadingField::kName},
      {"用电户名", ReadingField::kName},
      {"用户名称", ReadingField::kName},
      {"单位名称", ReadingField::kName},
      {"region_code", ReadingField::kRegion},
      {"所属区域", ReadingField::kRegion},
      {"所在地区", ReadingField::kRegion},
      {"地区", ReadingField::kRegion},
      {"区域", ReadingField::kRegion},
      {"行政区划代码", ReadingField::kRegion},
      {"区划代码", ReadingField::kRegion},
      {"month", ReadingField::kMonth},
      {"月份", ReadingField::kMonth},
      {"年月", ReadingField::kMonth},
      {"抄表月份", ReadingField::kMonth},
      {"电费年月", ReadingField::kMonth},
      {"用电月份", ReadingField::kMonth},
      {"kwh", ReadingField::kKwh},
      {"用电量(千瓦时)", ReadingField::kKwh},
      {"用电量(kwh)", ReadingField::kKwh},
      {"用电量", ReadingField::kKwh},
      {"月用电量", ReadingField::kKwh},
      {"月用电量(千瓦时)", ReadingField::kKwh},
      {"电量", ReadingField::kKwh},
      {"电量(千瓦时)", ReadingField::kKwh},
  };
  return *aliases;
}

// A header cell folded for lookup: no spaces, ASCII brackets, lower case.
std::string ReadingHeaderKey(const std::string& cell) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(
      CleanCell(cell), {{" ", ""}, {"\xEF\xBC\x88", "("}, {"\xEF\xBC\x89", ")"}}));
}

}  // namespace

ParsedReadings ParseReadingsCsv(absl::string_view utf8) {
  ParsedReadings out;
  std::vector<RawRow> rows = SplitRows(utf8);
  std::map<ReadingField, std::string> seen;
  const std::vector<ReadingField> columns =
      MapHeader<ReadingField>(rows, ReadingAliases(), &ReadingHeaderKey,
                              {{ReadingField::kCreditCode, "credit_code (统一社会信用代码)"},
                               {ReadingField::kAccount, "account (户号)"},
                               {ReadingField::kMonth, "month (月份)"},
                               {ReadingField::kKwh, "kwh (用电量(千瓦时))"}},
                              "power-import", &seen, &out.errors);
  if (!out.errors.empty()) return out;

  std::map<std::string, int> first_row;  // code/month/account -> row
  ReadDataRows(
      rows, columns, seen, v1::ElectricityReading(), &out.errors,
      [&](ReadingField field, const std::string& cell, const BadCell& bad,
          v1::ElectricityReading* e) {
        switch (field) {
          case ReadingField::kCreditCode:
            if (auto code = CreditCodeOf(cell, bad)) e->set_credit_code(*code);
            break;
          case ReadingField::kAccount:
            if (cell.empty()) {
              bad("is empty");
            } else if (absl::Status s = domain::ValidateId(cell, "account"); !s.ok()) {
              bad(Reason(s));
            } else {
              e->set_account(cell);
            }
            break;
          case ReadingField::kName:
            e->set_enterprise_name(cell);
            break;
          case ReadingField::kRegion:
            if (cell.empty()) break;  // the node takes the enterprise record's region
            if (auto region = Value(RegionOf(cell), bad)) e->set_region_code(*region);
            break;
          case ReadingField::kMonth:
            if (auto month = Value(domain::CanonicalMonth(cell), bad)) e->set_month(*month);
            break;
          case ReadingField::kKwh: {
            const std::optional<double> value = NonNegativeNumberOf(cell);
            if (cell.empty()) {
              bad("is empty");
            } else if (!value.has_value()) {
              bad(absl::StrCat("'", ShownText(cell), "' is not a non-negative number of kWh"));
            } else {
              e->set_kwh(*value);
            }
            break;
          }
        }
      },
      [&](int row, v1::ElectricityReading e, size_t errors_before) {
        if (out.errors.size() != errors_before) return;
        const std::string key = absl::StrCat(e.credit_code(), "/", e.month(), "/", e.account());
        auto [it, inserted] = first_row.emplace(key, row);
        if (!inserted) {
          out.errors.push_back(
              {row, seen[ReadingField::kAccount],
               absl::StrCat("account ", e.account(), " of ", e.credit_code(), " for ", e.month(),
                            " is already on row ", it->second)});
          return;
        }
        out.readings.push_back(std::move(e));
        out.rows.push_back(row);
      });
  return out;
}

}  // namespace tierhub::ctl
