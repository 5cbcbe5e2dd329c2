#include "services/console/html.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/common/strings.h"

namespace tierhub::console {

std::string Escape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string UrlEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string Page(const PageFrame& f, absl::string_view title, absl::string_view body,
                 absl::string_view scripts) {
  const Lang l = f.lang;
  std::string nav;
  if (!f.user.empty()) {
    nav = absl::StrCat(
        "<nav><a href=\"/\">", Tr(l, "总览", "Overview"), "</a> <a href=\"/contradictions\">",
        Tr(l, "矛盾", "Contradictions"), "</a> <a href=\"/overdue\">",
        Tr(l, "逾期案件", "Overdue cases"), "</a> <a href=\"/power-alerts\">",
        Tr(l, "用电预警", "Power alerts"), "</a> <a href=\"/rounds\">", Tr(l, "报送轮次", "Rounds"),
        "</a> <a href=\"/sync\">", Tr(l, "同步", "Sync"), "</a> <a href=\"/downloads\">",
        Tr(l, "下载", "Downloads"), "</a> <span class=\"user\">", Escape(f.user),
        "</span> <form method=\"post\" action=\"/logout\" class=\"inline\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"",
        Escape(f.csrf), "\"><button id=\"logout\" type=\"submit\">", Tr(l, "退出", "Log out"),
        "</button></form> ");
  } else {
    nav = "<nav>";
  }
  absl::StrAppend(&nav, "<a id=\"lang\" href=\"/lang?to=", l == Lang::kZh ? "en" : "zh", "\">",
                  l == Lang::kZh ? "English" : "中文", "</a></nav>");
  const std::string banner = f.insecure_http
                                 ? absl::StrCat("<div class=\"insecure\" id=\"insecure\">",
                                                Tr(l, "不安全模式：明文 HTTP，仅供开发使用",
                                                   "INSECURE: plain HTTP, development only"),
                                                "</div>")
                                 : "";
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", l == Lang::kZh ? "zh-CN" : "en",
      "\"><head><meta charset=\"utf-8\"><title>", Escape(title), " · tierhub ", Escape(f.node_id),
      "</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>", banner,
      "<header><b>tierhub</b> ", Escape(f.node_id), " ", nav, "</header><main><h1>", Escape(title),
      "</h1>", body, "</main>", scripts, "</body></html>\n");
}

int HttpStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return absl::StrContains(status.message(), "disk full") ? 507 : 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

absl::Status CheckSameOrigin(absl::string_view origin, absl::string_view sec_fetch_site,
                             absl::string_view host) {
  if (!sec_fetch_site.empty()) {
    // The browser's own verdict, which no page can set: it decides alone.
    if (sec_fetch_site == "same-origin" || sec_fetch_site == "none") return absl::OkStatus();
    return absl::PermissionDeniedError(
        absl::StrCat("Sec-Fetch-Site: ", ShownText(sec_fetch_site),
                     ": a form of another site cannot post here; open the console's own page"));
  }
  if (origin.empty()) return absl::OkStatus();
  absl::string_view rest = origin;
  const bool has_scheme =
      absl::ConsumePrefix(&rest, "https://") || absl::ConsumePrefix(&rest, "http://");
  if (!has_scheme || rest != host || host.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("Origin: ", ShownText(origin), " is not this console (", ShownText(host),
                     "): a form of another site cannot post here; open the console's own page"));
  }
  return absl::OkStatus();
}

}  // namespace tierhub::console
