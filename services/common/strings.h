// Small string helpers shared across services.
#ifndef TIERHUB_SERVICES_COMMON_STRINGS_H_
#define TIERHUB_SERVICES_COMMON_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace tierhub {

// absl::StartsWith for std::string_view (the store's), which is not absl::string_view in
// Debian's Abseil build.
inline bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// How many characters of a value an error message echoes.
inline constexpr size_t kShownChars = 40;

// A value from outside (a cell of a clerk's file, a field of a request) as an error message
// echoes it: valid UTF-8 as it is, so that Chinese reads as Chinese; control characters (C0,
// DEL, C1), line and paragraph separators, bidirectional and byte-order marks escaped
// ("\n", "\t", "\x1b", "\u202e"), and each byte that is not well-formed UTF-8 as "\xNN". At
// most `max_chars` characters (an escape counts as one), cut on a character boundary and then
// marked with "…". Pure; thread-safe.
std::string ShownText(absl::string_view value, size_t max_chars = kShownChars);

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_STRINGS_H_
