#include "services/common/status_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tierhub {
namespace {

size_t EncodedByteSize(unsigned char c) { return (c >= 0x20 && c <= 0x7e && c != '%') ? 1 : 3; }

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

size_t EncodedStatusBytes(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += EncodedByteSize(c);
  return n;
}

absl::string_view PrefixWithin(absl::string_view text, size_t budget) {
  size_t used = 0;
  size_t end = 0;
  while (end < text.size()) {
    const size_t next = used + EncodedByteSize(static_cast<unsigned char>(text[end]));
    if (next > budget) break;
    used = next;
    ++end;
  }
  // Never end inside a multi-byte character.
  while (end > 0 && end < text.size() && IsContinuation(static_cast<unsigned char>(text[end]))) {
    --end;
  }
  return text.substr(0, end);
}

std::string CutToBudget(absl::string_view text, size_t budget) {
  if (EncodedStatusBytes(text) <= budget) return std::string(text);
  // " [... 18446744073709551615 more bytes not shown]" is at most 48 bytes.
  constexpr size_t kNoteRoom = 48;
  absl::string_view head = PrefixWithin(text, budget > kNoteRoom ? budget - kNoteRoom : 0);
  return absl::StrCat(head, " [... ", text.size() - head.size(), " more bytes not shown]");
}

std::string WithThousands(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

bool BoundedJoin::Add(absl::string_view item) {
  if (left_out_ > 0) {
    ++left_out_;
    return false;
  }
  const size_t room = budget_ > kTailRoom ? budget_ - kTailRoom : 0;
  const size_t separator = shown_ > 0 ? 2 : 0;
  const size_t size = EncodedStatusBytes(item);
  if (used_ + separator + size > room) {
    if (shown_ > 0) {
      ++left_out_;
      return false;
    }
    // The first item is shown even when it alone is too long: its beginning says what is wrong.
    const std::string cut = CutToBudget(item, room);
    text_ = cut;
    used_ = EncodedStatusBytes(cut);
    shown_ = 1;
    return true;
  }
  if (separator > 0) text_.append("; ");
  text_.append(item.data(), item.size());
  used_ += separator + size;
  ++shown_;
  return true;
}

std::string BoundedJoin::Finish(absl::string_view what) const {
  if (left_out_ == 0) return text_;
  return absl::StrCat(text_, "; ... and ", WithThousands(left_out_), " more ", what);
}

}  // namespace tierhub
