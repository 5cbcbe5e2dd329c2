// Fuzzes what `tierhubctl power-import` does with a grid company's file: decode it (UTF-8 or
// GB18030) and parse it as monthly electricity readings.
#include "absl/strings/string_view.h"
#include "clients/tierhubctl/csv_import.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  using tierhub::ctl::Encoding;
  for (Encoding encoding : {Encoding::kAuto, Encoding::kGb18030}) {
    auto utf8 = tierhub::ctl::DecodeToUtf8(bytes, encoding);
    if (!utf8.ok()) continue;
    const tierhub::ctl::ParsedReadings readings = tierhub::ctl::ParseReadingsCsv(*utf8);
    FUZZ_CHECK(readings.readings.size() == readings.rows.size());
    if (!readings.errors.empty()) (void)tierhub::ctl::FormatRowErrors(readings.errors);
  }
  return 0;
}
