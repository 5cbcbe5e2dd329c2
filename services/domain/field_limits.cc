#include "services/domain/field_limits.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/limits.h"

namespace tierhub::domain {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// String fields by what they hold. A name not listed falls to the suffix rules below, then
// to kMaxOtherStringBytes.
const absl::flat_hash_map<absl::string_view, size_t>& BytesByName() {
  static const auto* const table = new absl::flat_hash_map<absl::string_view, size_t>{
      // Ids that become part of keys (ValidateId says the same).
      {"account", limits::kMaxIdBytes},
      {"accounts", limits::kMaxIdBytes},
      // Codes: region codes, months, days (*_day) and credit codes as clerks type them.
      {"code", limits::kMaxCodeBytes},
      {"parent_code", limits::kMaxCodeBytes},
      {"credit_code", limits::kMaxCodeBytes},
      {"month", limits::kMaxCodeBytes},
      {"from_month", limits::kMaxCodeBytes},
      {"to_month", limits::kMaxCodeBytes},
      {"origin_region", limits::kMaxCodeBytes},
      // Record keys.
      {"key", limits::kMaxKeyBytes},
      {"record_key", limits::kMaxKeyBytes},
      {"record_keys", limits::kMaxKeyBytes},
      {"delete_keys", limits::kMaxKeyBytes},
      // Names.
      {"name", limits::kMaxNameBytes},
      {"enterprise_name", limits::kMaxNameBytes},
      {"name_zh", limits::kMaxNameBytes},
      {"name_en", limits::kMaxNameBytes},
      {"region_name", limits::kMaxNameBytes},
      {"title", limits::kMaxNameBytes},
      // References, identities, file names.
      {"requirement_ref", limits::kMaxRefBytes},
      {"rule_ref", limits::kMaxRefBytes},
      {"evidence_ref", limits::kMaxRefBytes},
      {"number", limits::kMaxRefBytes},
      {"approving_authority", limits::kMaxRefBytes},
      {"inspected_by", limits::kMaxRefBytes},
      {"accepted_by", limits::kMaxRefBytes},
      {"actor", limits::kMaxRefBytes},
      {"author", limits::kMaxRefBytes},
      {"granted_by", limits::kMaxRefBytes},
      {"verified_by", limits::kMaxRefBytes},
      {"raised_by", limits::kMaxRefBytes},
      {"acknowledged_by", limits::kMaxRefBytes},
      {"resolved_by", limits::kMaxRefBytes},
      {"withdrawn_by", limits::kMaxRefBytes},
      {"received_by_node", limits::kMaxRefBytes},
      {"origin_node", limits::kMaxRefBytes},
      {"phone", limits::kMaxRefBytes},
      {"source_file", limits::kMaxRefBytes},
      {"file_name", limits::kMaxRefBytes},
      // Free text.
      {"reason", limits::kMaxNoteBytes},
      {"finding", limits::kMaxNoteBytes},
      {"note", limits::kMaxNoteBytes},
      {"verification_note", limits::kMaxNoteBytes},
      {"acknowledged_note", limits::kMaxNoteBytes},
      {"resolved_reason", limits::kMaxNoteBytes},
      {"withdrawn_reason", limits::kMaxNoteBytes},
      {"detail", limits::kMaxNoteBytes},
      {"content", limits::kMaxTipOffContentBytes},
  };
  return *table;
}

// Repeated fields with more than kMaxRepeatedItems. What a node derives (a submission's
// codes, an enterprise's listings) is bounded by what it was derived from.
const absl::flat_hash_map<absl::string_view, int>& ItemsByName() {
  static const auto* const table = new absl::flat_hash_map<absl::string_view, int>{
      {"history", limits::kMaxCaseHistory},
      {"added_credit_codes", static_cast<int>(limits::kMaxSubmissionEntries)},
      {"removed_credit_codes", static_cast<int>(limits::kMaxSubmissionEntries)},
      {"changed_credit_codes", static_cast<int>(limits::kMaxSubmissionEntries)},
      {"remove_credit_codes", static_cast<int>(limits::kMaxUploadRows)},
      {"previous_entries", limits::kMaxPreviousEntries},
      {"listings", limits::kMaxGeneratedItems},
      {"contradictions", limits::kMaxGeneratedItems},
      {"record_keys", limits::kMaxGeneratedItems},
      {"open_cases", limits::kMaxGeneratedItems},
      {"accounts", limits::kMaxGeneratedItems},
      {"records", limits::kMaxWriteRecords},
      {"delete_keys", limits::kMaxWriteRecords},
  };
  return *table;
}

struct FieldPlan {
  const FieldDescriptor* field;
  size_t max_bytes;  // string and bytes fields
  int max_items;     // repeated fields
};

// The fields of a message type worth looking at: strings, repeated fields, and messages whose
// own plan is not empty.
struct MessagePlan {
  std::vector<FieldPlan> fields;
};

class Plans {
 public:
  const MessagePlan& For(const Descriptor* type) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = plans_.find(type);
      if (it != plans_.end()) return *it->second;
    }
    absl::MutexLock lock(&mu_);
    return BuildLocked(type);
  }

 private:
  const MessagePlan& BuildLocked(const Descriptor* type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto [it, inserted] = plans_.emplace(type, nullptr);
    if (!inserted) return *it->second;  // built, or being built (a recursive type)
    auto plan = std::make_unique<MessagePlan>();
    MessagePlan* raw = plan.get();
    it->second = std::move(plan);
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* f = type->field(i);
      const bool text = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
      bool look = text || f->is_repeated();
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        look = look || !BuildLocked(f->message_type()).fields.empty();
      }
      if (look) raw->fields.push_back({f, MaxFieldBytes(*f), MaxFieldItems(*f)});
    }
    return *raw;
  }

  absl::Mutex mu_;
  std::map<const Descriptor*, std::unique_ptr<MessagePlan>> plans_ ABSL_GUARDED_BY(mu_);
};

Plans& AllPlans() {
  static Plans* const plans = new Plans();
  return *plans;
}

absl::Status TooMany(absl::string_view path, absl::string_view field, size_t n, size_t most,
                     absl::string_view unit) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, path.empty() ? "" : ".", field, ": ", n, " ", unit, ", at most ", most));
}

absl::Status Check(const Message& m, const std::string& path, std::string* scratch) {
  const Reflection* r = m.GetReflection();
  for (const FieldPlan& p : AllPlans().For(m.GetDescriptor()).fields) {
    const FieldDescriptor* f = p.field;
    const bool text = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      if (n > p.max_items) return TooMany(path, f->name(), n, p.max_items, "items");
      for (int i = 0; i < n; ++i) {
        if (text) {
          const std::string& s = r->GetRepeatedStringReference(m, f, i, scratch);
          if (s.size() > p.max_bytes) {
            return TooMany(path, absl::StrCat(f->name(), "[", i, "]"), s.size(), p.max_bytes,
                           "bytes");
          }
        } else if (message) {
          absl::Status s =
              Check(r->GetRepeatedMessage(m, f, i),
                    absl::StrCat(path, path.empty() ? "" : ".", f->name(), "[", i, "]"), scratch);
          if (!s.ok()) return s;
        }
      }
    } else if (text) {
      const std::string& s = r->GetStringReference(m, f, scratch);
      if (s.size() > p.max_bytes) return TooMany(path, f->name(), s.size(), p.max_bytes, "bytes");
    } else if (message && r->HasField(m, f)) {
      absl::Status s = Check(r->GetMessage(m, f),
                             absl::StrCat(path, path.empty() ? "" : ".", f->name()), scratch);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

size_t MaxFieldBytes(const FieldDescriptor& field) {
  const absl::string_view name = field.name();
  auto it = BytesByName().find(name);
  if (it != BytesByName().end()) return it->second;
  if (absl::EndsWith(name, "_id") || absl::EndsWith(name, "_ids")) return limits::kMaxIdBytes;
  if (absl::EndsWith(name, "region_code") || absl::EndsWith(name, "credit_codes") ||
      absl::EndsWith(name, "_day")) {
    return limits::kMaxCodeBytes;
  }
  return limits::kMaxOtherStringBytes;
}

int MaxFieldItems(const FieldDescriptor& field) {
  auto it = ItemsByName().find(field.name());
  return it != ItemsByName().end() ? it->second : limits::kMaxRepeatedItems;
}

absl::Status CheckFieldLimits(const Message& message, absl::string_view path) {
  std::string scratch;
  return Check(message, std::string(path), &scratch);
}

absl::Status CheckMessageBytes(const Message& message, absl::string_view path, size_t max_bytes) {
  const size_t n = message.ByteSizeLong();
  if (n > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", n, " bytes, at most ", max_bytes));
  }
  return absl::OkStatus();
}

}  // namespace tierhub::domain
