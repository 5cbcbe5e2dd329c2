// Fuzzes what `tierhubctl submit` does with a clerk's file: decode it (UTF-8, UTF-8 with a BOM
// or GB18030, as Excel writes it) and parse it as a department list. Every row must come out as
// an entry or with errors, and every error's row must be one the file has.
#include <string>

#include "absl/strings/string_view.h"
#include "clients/tierhubctl/csv_import.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  using tierhub::ctl::Encoding;
  for (Encoding encoding : {Encoding::kAuto, Encoding::kGb18030}) {
    auto utf8 = tierhub::ctl::DecodeToUtf8(bytes, encoding);
    if (!utf8.ok()) continue;
    tierhub::ctl::ListDefaults defaults;
    defaults.department = tierhub::v1::DEPARTMENT_ECO;
    defaults.dimension = tierhub::v1::DIMENSION_ENVIRONMENT;
    defaults.kind = tierhub::v1::LIST_KIND_KEY_SUPERVISION;
    defaults.round_id = "2019-LISTS-1";
    defaults.submission_id = "fuzz";
    const tierhub::ctl::ParsedList list = tierhub::ctl::ParseListCsv(*utf8, defaults);
    FUZZ_CHECK(list.entries.size() == list.rows.size());
    for (const auto& error : list.errors) FUZZ_CHECK(error.row >= 0);
    if (!list.errors.empty()) (void)tierhub::ctl::FormatRowErrors(list.errors);
    // What Excel on a Chinese Windows would write for the decoded text decodes back to it.
    auto gb = tierhub::ctl::EncodeGb18030(*utf8);
    if (gb.ok()) {
      auto back = tierhub::ctl::DecodeToUtf8(*gb, Encoding::kGb18030);
      FUZZ_CHECK(back.ok());
      std::string expected = *utf8;
      FUZZ_CHECK(*back == expected);
    }
  }
  return 0;
}
