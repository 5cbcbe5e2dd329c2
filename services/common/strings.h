// Small string helpers shared across services.
#ifndef TIERHUB_SERVICES_COMMON_STRINGS_H_
#define TIERHUB_SERVICES_COMMON_STRINGS_H_

#include <string_view>

namespace tierhub {

// absl::StartsWith for std::string_view (the store's), which is not absl::string_view in
// Debian's Abseil build.
inline bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_STRINGS_H_
