// HTML for the console's pages: escaping, the page frame, the two languages. Every value a
// page shows goes through Escape; pages carry no inline script or style (the
// Content-Security-Policy forbids both), so data can never become code. Pure; thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_HTML_H_
#define TIERHUB_SERVICES_CONSOLE_HTML_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tierhub::console {

// The language of a page: Simplified Chinese first, English on request (the `lang` cookie).
enum class Lang { kZh, kEn };

// `zh` or `en` as the page's language asks.
inline absl::string_view Tr(Lang lang, absl::string_view zh, absl::string_view en) {
  return lang == Lang::kZh ? zh : en;
}

// & < > " ' as entities; the result is safe in element text and in quoted attributes.
std::string Escape(absl::string_view text);
// A query-string component, percent-encoded (for links the pages build from data).
std::string UrlEncode(absl::string_view text);

struct PageFrame {
  Lang lang = Lang::kZh;
  bool insecure_http = false;  // a banner on every page
  std::string node_id;
  std::string user;  // logged-in name; empty on the login page
  std::string csrf;  // for the logout form
};

// A whole page: head (CSS and scripts from /static only), the navigation, `body` (already
// escaped HTML) and `scripts` (extra <script src> paths under /static).
std::string Page(const PageFrame& frame, absl::string_view title, absl::string_view body,
                 absl::string_view scripts = "");

// The HTTP status for a service error: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED,
// 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 FAILED_PRECONDITION, 429/507 RESOURCE_EXHAUSTED
// (507 for a full disk), 503 UNAVAILABLE, 500 otherwise.
int HttpStatus(const absl::Status& status);

// Whether a form post comes from one of the console's own pages, by the headers a browser sets
// and a page cannot forge (OWASP, "Verifying Origin With Standard Headers"). When
// `sec_fetch_site` is set it decides alone: "same-origin" or "none" is allowed, anything else is
// PERMISSION_DENIED naming it. Without it (older browsers), `origin` must be unset or name
// `host` (the request's Host) as scheme://host[:port]; "null" or another origin is refused.
// Both unset is a client that is not a browser (a city's system logging in), which is allowed.
// This is what stops login CSRF (another site logging a user in under its own account), which
// SameSite cookies cannot, as there is no session yet.
[[nodiscard]] absl::Status CheckSameOrigin(absl::string_view origin,
                                           absl::string_view sec_fetch_site,
                                           absl::string_view host);

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_HTML_H_
