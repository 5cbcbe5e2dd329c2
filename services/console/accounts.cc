#include "services/console/accounts.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/auth/identity.h"
#include "services/common/strings.h"

namespace tierhub::console {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKib = 19 * 1024;
constexpr uint32_t kParallelism = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMaxFileBytes = 4 << 20;

}  // namespace

absl::Status CheckAccountName(absl::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError("name: must be 1 to 64 characters");
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "name: '", ShownText(name), "' may hold only letters, digits, '.', '_', '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAccountIdentity(absl::string_view identity) {
  auto parsed = auth::ParseCommonName(std::string(identity));
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("identity: ", parsed.status().message()));
  }
  if (parsed->kind == auth::Identity::Kind::kNode) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity: '", ShownText(identity),
                     "' is a node identity; console users are ops:<region>:<user> or "
                     "dept:<DEPT>:<region>:<user>"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Account>> ParseAccounts(absl::string_view text) {
  std::vector<Account> accounts;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", why));
    };
    if (fields.size() != 3) return bad("expected 'name identity argon2id-hash'");
    if (auto s = CheckAccountName(fields[0]); !s.ok()) return bad(s.message());
    if (auto s = CheckAccountIdentity(fields[1]); !s.ok()) return bad(s.message());
    if (fields[2].rfind("$argon2id$", 0) != 0) return bad("hash: must be argon2id ($argon2id$...)");
    for (const Account& a : accounts) {
      if (a.name == fields[0]) return bad(absl::StrCat("name: '", fields[0], "' appears twice"));
    }
    accounts.push_back({fields[0], fields[1], fields[2]});
  }
  return accounts;
}

absl::StatusOr<std::vector<Account>> LoadAccounts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("accounts file ", path, " cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (buffer.str().size() > kMaxFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat("accounts file ", path, ": larger than 4 MiB"));
  }
  auto accounts = ParseAccounts(buffer.str());
  if (!accounts.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("accounts file ", path, ": ", accounts.status().message()));
  }
  return accounts;
}

absl::Status SaveAccounts(const std::string& path, const std::vector<Account>& accounts) {
  std::string text =
      "# tierhub console accounts: name identity argon2id-hash (tierhubctl web-user)\n";
  for (const Account& a : accounts)
    absl::StrAppend(&text, a.name, " ", a.identity, " ", a.hash, "\n");
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return absl::PermissionDeniedError(absl::StrCat(tmp, ": cannot be written"));
  chmod(tmp.c_str(), 0600);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
                  std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::InternalError(absl::StrCat(path, ": could not be written"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (password.empty()) return absl::InvalidArgumentError("password: must not be empty");
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError("password: longer than 1024 bytes");
  }
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) return absl::InternalError("no random salt");
  std::string encoded(
      argon2_encodedlen(kTimeCost, kMemoryKib, kParallelism, kSaltBytes, kHashBytes, Argon2_id),
      '\0');
  int rc =
      argon2id_hash_encoded(kTimeCost, kMemoryKib, kParallelism, password.data(), password.size(),
                            salt, sizeof(salt), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(absl::StrCat("argon2id: ", argon2_error_message(rc)));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(const std::string& hash, absl::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace tierhub::console
