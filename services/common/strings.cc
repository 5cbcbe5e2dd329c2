#include "services/common/strings.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace tierhub {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (Unicode Table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF), with its code point in *cp; 0 if it is not one.
size_t Utf8Sequence(absl::string_view s, size_t i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (next & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

// Characters that would move the cursor, end the line, reorder or hide text in a terminal.
bool IsControl(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

std::string ShownText(absl::string_view value, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++chars) {
    if (chars == max_chars) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    uint32_t cp = 0;
    const size_t len = Utf8Sequence(value, i, &cp);
    if (len == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(value[i]));
      ++i;
      continue;
    }
    if (!IsControl(cp)) {
      out.append(value.data() + i, len);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x80) {
      absl::StrAppendFormat(&out, "\\x%02x", cp);
    } else {
      absl::StrAppendFormat(&out, "\\u%04x", cp);
    }
    i += len;
  }
  return out;
}

}  // namespace tierhub
