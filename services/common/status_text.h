// Status messages that always arrive: a status message travels in the grpc-message trailer,
// percent-encoded, and a trailer block larger than the peer's metadata limit replaces the
// whole status with "received initial metadata size exceeds limit". These helpers keep a
// message within limits::kMaxStatusMessageBytes as sent, and a list of problems within a
// budget with a count of the rest. Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_COMMON_STATUS_TEXT_H_
#define TIERHUB_SERVICES_COMMON_STATUS_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/common/limits.h"

namespace tierhub {

// Bytes `text` takes as a grpc-message value: printable ASCII other than '%' is sent as it
// is, every other byte as "%XX".
size_t EncodedStatusBytes(absl::string_view text);

// The longest prefix of `text` that ends on a UTF-8 character boundary and encodes in at most
// `budget` bytes (EncodedStatusBytes).
absl::string_view PrefixWithin(absl::string_view text, size_t budget);

// `text` if it encodes within `budget`; otherwise its beginning and
// " [... N more bytes not shown]", within `budget` in all.
std::string CutToBudget(absl::string_view text, size_t budget = limits::kMaxStatusMessageBytes);

// 12345 -> "12,345".
std::string WithThousands(uint64_t n);

// Joins items with "; " while they fit a budget (as encoded), and counts the rest:
//   BoundedJoin j(3000); j.Add("row 2 ..."); ...; j.Finish("errors") ->
//   "row 2 ...; row 3 ...; ... and 12,345 more errors".
// An item too long for the budget on its own is cut (CutToBudget). Not thread-safe.
class BoundedJoin {
 public:
  explicit BoundedJoin(size_t budget) : budget_(budget) {}
  // Adds `item` if it fits (the first item always does, cut if need be). False once full.
  bool Add(absl::string_view item);
  // Counts `n` more items as left out without looking at them.
  void SkipRest(size_t n) { left_out_ += n; }
  size_t shown() const { return shown_; }
  size_t left_out() const { return left_out_; }
  // The joined items, then "; ... and N more <what>" if any were left out.
  std::string Finish(absl::string_view what) const;

 private:
  // Room kept for the tail "; ... and 18,446,744,073,709,551,615 more <what>".
  static constexpr size_t kTailRoom = 80;
  size_t budget_;
  std::string text_;
  size_t used_ = 0;  // encoded bytes of text_
  size_t shown_ = 0;
  size_t left_out_ = 0;
};

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_STATUS_TEXT_H_
