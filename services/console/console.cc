#include "services/console/console.h"

#include <openssl/crypto.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "httplib.h"
#include "services/auth/identity.h"
#include "services/auth/policy.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/console/accounts.h"
#include "services/console/accounts_file.h"
#include "services/console/assets.h"
#include "services/console/html.h"
#include "services/console/overview.h"
#include "services/coordinator/coordinator_service.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/screening.h"
#include "services/enforcement/electricity_service.h"
#include "services/enforcement/enforcement_service.h"
#include "services/exchange/exchange_service.h"
#include "services/plans/plans_service.h"
#include "services/registry/lists.h"
#include "services/store/store.h"
#include "services/store/store_status.h"

#ifndef TIERHUB_BUILD_VERSION
#define TIERHUB_BUILD_VERSION "dev"
#endif

namespace tierhub::console {
namespace {

constexpr char kSessionCookie[] = "th_session";
constexpr char kLangCookie[] = "th_lang";
constexpr size_t kMaxBodyBytes = 16 << 10;  // a login form; nothing else is posted
constexpr int kPageSize = 100;
constexpr absl::Duration kDefaultSession = absl::Hours(8);
constexpr absl::Duration kDefaultStale = absl::Hours(24);
constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const char* field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(field, ": ", path, " cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  return out;
}

// A JSON string literal; < > & escaped too, so that no reader can take it for markup.
std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string RegionName(const std::string& code, Lang lang) {
  const v1::Region* r = domain::DefaultRegions().Lookup(code);
  if (r == nullptr) return code;
  return lang == Lang::kEn && !r->name_en().empty() ? r->name_en() : r->name_zh();
}

std::string IndustryName(v1::Industry industry, Lang lang) {
  return std::string(lang == Lang::kZh ? domain::IndustryNameZh(industry)
                                       : domain::IndustryNameEn(industry));
}

std::string EnumText(const std::string& name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

std::string Moment(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(ts.seconds()),
                          domain::ChinaTimeZone());
}

std::string Num(double v) { return absl::StrFormat("%.0f", v); }

std::string UnitName(v1::CapacityUnit unit, Lang lang) {
  return std::string(lang == Lang::kZh ? domain::CapacityUnitNameZh(unit)
                                       : domain::CapacityUnitNameEn(unit));
}

// An alert's handling as the pages show it: open, acknowledged, resolved (who, when, why) or
// withdrawn, escaped.
std::string AlertState(const v1::PowerAlert& a, Lang l) {
  if (a.withdrawn()) {
    return Escape(absl::StrCat(Tr(l, "已撤销 ", "withdrawn "), Moment(a.withdrawn_at()), " · ",
                               a.withdrawn_reason()));
  }
  if (a.has_resolved_at()) {
    return Escape(absl::StrCat(Tr(l, "已处置 ", "resolved "), Moment(a.resolved_at()), " · ",
                               a.resolved_by(), " · ", a.resolved_reason()));
  }
  if (a.has_acknowledged_at()) {
    return Escape(absl::StrCat(Tr(l, "已知悉 ", "acknowledged "), Moment(a.acknowledged_at()),
                               " · ", a.acknowledged_by(),
                               a.acknowledged_note().empty() ? "" : " · ", a.acknowledged_note()));
  }
  return std::string(Tr(l, "待处置", "open"));
}

// Capacity exited, one figure per unit ("1200 吨/年; 30 MW"), escaped.
std::string CapacityCell(const OverviewRow& row, Lang lang) {
  std::string out;
  for (const auto& [unit, c] : row.capacity) {
    absl::StrAppend(&out, out.empty() ? "" : "; ", Num(c.exited), " ",
                    Escape(UnitName(unit, lang)));
  }
  return out;
}

std::string Td(absl::string_view escaped, absl::string_view cls = "") {
  return cls.empty() ? absl::StrCat("<td>", escaped, "</td>")
                     : absl::StrCat("<td class=\"", cls, "\">", escaped, "</td>");
}

std::string Th(Lang l, absl::string_view zh, absl::string_view en) {
  return absl::StrCat("<th>", Tr(l, zh, en), "</th>");
}

std::string CookieValue(const httplib::Request& req, absl::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

// A six-digit region code or empty; anything else is refused before a service sees it.
absl::StatusOr<std::string> RegionParam(const httplib::Request& req) {
  const std::string region = req.get_param_value("region");
  if (region.empty()) return region;
  if (region.size() != 6 || !std::all_of(region.begin(), region.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat("region: '", ShownText(region), "' is not a 6-digit GB/T 2260 code"));
  }
  return region;
}

int PageParam(const httplib::Request& req) {
  int page = 0;
  if (!absl::SimpleAtoi(req.get_param_value("page"), &page) || page < 0) page = 0;
  return std::min(page, 99);
}

}  // namespace

// Per request: who is asking (the session's identity) and in which language.
struct Viewer {
  Session session;
  auth::Identity identity;
  Lang lang = Lang::kZh;
};

class Console::Handlers {
 public:
  Handlers(const v1::WebConfig& web, const auth::NodeContext& node, const ConsoleServices& services,
           Sessions* sessions, std::unique_ptr<AccountsFile> accounts, std::string metrics_token,
           std::string chart_js)
      : web_(web),
        node_(node),
        s_(services),
        sessions_(sessions),
        accounts_(std::move(accounts)),
        metrics_token_(std::move(metrics_token)),
        chart_js_(std::move(chart_js)),
        stale_after_(web.stale_after_seconds() > 0 ? absl::Seconds(web.stale_after_seconds())
                                                   : kDefaultStale) {}

  void Register(httplib::Server* server);

 private:
  using PageFn = std::function<void(const httplib::Request&, httplib::Response&, const Viewer&)>;

  Lang LangOf(const httplib::Request& req) const {
    return CookieValue(req, kLangCookie) == "en" ? Lang::kEn : Lang::kZh;
  }
  PageFrame Frame(const Viewer* v, Lang lang) const {
    PageFrame f;
    f.lang = lang;
    f.insecure_http = web_.insecure_http();
    f.node_id = node_.node_id;
    if (v != nullptr) {
      f.user = v->session.name;
      f.csrf = v->session.csrf;
    }
    return f;
  }
  std::optional<Viewer> ViewerOf(const httplib::Request& req) {
    const std::string token = CookieValue(req, kSessionCookie);
    if (token.empty()) return std::nullopt;
    auto session = sessions_->Find(token);
    if (!session) return std::nullopt;
    // A user removed from the accounts file (or given another identity) is out at once.
    const std::optional<Account> account = accounts_->Find(session->name);
    if (!account.has_value() || account->identity != session->identity) {
      sessions_->Remove(token);
      LogInfo("console: session of ", session->name, " ended: the account was ",
              account.has_value() ? "given another identity" : "removed");
      return std::nullopt;
    }
    auto identity = auth::ParseCommonName(session->identity);
    if (!identity.ok()) return std::nullopt;
    return Viewer{*session, *identity, LangOf(req)};
  }
  // A page that needs a session: without one, to the login page.
  httplib::Server::Handler PageRoute(PageFn fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      auto viewer = ViewerOf(req);
      if (!viewer) {
        res.set_redirect("/login", 303);
        return;
      }
      if (Throttled(req, res, *viewer)) return;
      fn(req, res, *viewer);
    };
  }
  // An API call that needs a session: without one, 401.
  httplib::Server::Handler ApiRoute(PageFn fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      auto viewer = ViewerOf(req);
      if (!viewer) {
        ApiError(res, absl::UnauthenticatedError("log in first (POST /login)"));
        return;
      }
      if (Throttled(req, res, *viewer)) return;
      fn(req, res, *viewer);
    };
  }
  // True (and a 429 with Retry-After) when the session has spent its request budget.
  bool Throttled(const httplib::Request& req, httplib::Response& res, const Viewer& v) {
    const absl::Duration wait = sessions_->Admit(CookieValue(req, kSessionCookie));
    if (wait <= absl::ZeroDuration()) return false;
    const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
    res.status = 429;
    res.set_header("Retry-After", absl::StrCat(seconds));
    res.set_content(
        absl::StrCat(Tr(v.lang, "请求过于频繁：每个会话每秒最多 ", "too many requests: at most "),
                     sessions_->requests_per_second(),
                     Tr(v.lang, " 次，请稍候 ", " per second per session; wait "), seconds,
                     Tr(v.lang, " 秒", " s"), "\n"),
        "text/plain; charset=utf-8");
    return true;
  }
  // False (and a 403 page, and a log line) for a form posted from another site.
  bool SameOrigin(const httplib::Request& req, httplib::Response& res) const {
    const absl::Status same =
        CheckSameOrigin(req.get_header_value("Origin"), req.get_header_value("Sec-Fetch-Site"),
                        req.get_header_value("Host"));
    if (same.ok()) return true;
    LogWarning("console: ", req.path, " refused from ", req.remote_addr, ": ", same.message());
    const Lang l = LangOf(req);
    res.status = 403;
    res.set_content(Page(Frame(nullptr, l), Tr(l, "拒绝", "Refused"),
                         absl::StrCat("<p class=\"error\" id=\"error\">",
                                      Tr(l, "来自其他网站的表单不能提交到本控制台。",
                                         "A form of another site cannot post to this console. "),
                                      Escape(same.message()), "</p><p><a href=\"/login\">",
                                      Tr(l, "打开登录页", "Open the login page"), "</a></p>")),
                    "text/html; charset=utf-8");
    return false;
  }
  void ApiError(httplib::Response& res, const absl::Status& status) const {
    res.status = HttpStatus(status);
    res.set_content(absl::StrCat("{\"error\":", JsonString(status.message()), ",\"code\":",
                                 JsonString(absl::StatusCodeToString(status.code())), "}\n"),
                    "application/json; charset=utf-8");
  }
  void PageError(httplib::Response& res, const Viewer& v, const absl::Status& status) const {
    if (status.code() == absl::StatusCode::kPermissionDenied) {
      LogWarning("console: refused ", v.session.name, " (", v.session.identity,
                 "): ", status.message());
    }
    res.status = HttpStatus(status);
    res.set_content(Page(Frame(&v, v.lang), Tr(v.lang, "无法显示", "Cannot show this"),
                         absl::StrCat("<p class=\"error\" id=\"error\">", res.status, " ",
                                      Escape(status.message()), "</p>")),
                    "text/html; charset=utf-8");
  }
  void Html(httplib::Response& res, const Viewer& v, absl::string_view title,
            absl::string_view body, absl::string_view scripts = "") const {
    res.set_content(Page(Frame(&v, v.lang), title, body, scripts), "text/html; charset=utf-8");
  }

  void Login(const httplib::Request& req, httplib::Response& res);
  void Overview(const httplib::Request& req, httplib::Response& res, const Viewer& v,
                const std::string& region);
  std::string OverviewJson(const v1::GetProgressResponse& progress, const Viewer& v) const;
  void Enterprise(const httplib::Request& req, httplib::Response& res, const Viewer& v,
                  const std::string& code);
  void Sync(httplib::Response& res, const Viewer& v);
  void Contradictions(const httplib::Request& req, httplib::Response& res, const Viewer& v);
  void Overdue(const httplib::Request& req, httplib::Response& res, const Viewer& v);
  void PowerAlerts(const httplib::Request& req, httplib::Response& res, const Viewer& v);
  void Rounds(const httplib::Request& req, httplib::Response& res, const Viewer& v);
  void Downloads(httplib::Response& res, const Viewer& v);
  void Download(const httplib::Request& req, httplib::Response& res, const Viewer& v, bool summary);
  void Metrics(const httplib::Request& req, httplib::Response& res);

  const v1::WebConfig& web_;
  const auth::NodeContext& node_;
  const ConsoleServices s_;
  Sessions* const sessions_;
  const std::unique_ptr<AccountsFile> accounts_;
  const std::string metrics_token_;
  const std::string chart_js_;
  const absl::Duration stale_after_;
};

void Console::Handlers::Register(httplib::Server* server) {
  server->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const bool writable = s_.store->WriteHealth().ok();
    res.set_content(writable ? "ok\n" : "ok (store refuses writes)\n", "text/plain");
  });
  server->Get("/static/console.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(ConsoleCss()), "text/css; charset=utf-8");
  });
  server->Get("/static/console.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(ConsoleJs()), "text/javascript; charset=utf-8");
  });
  server->Get("/static/chart.min.js", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(chart_js_, "text/javascript; charset=utf-8");
  });
  server->Get("/lang", [](const httplib::Request& req, httplib::Response& res) {
    const std::string to = req.get_param_value("to") == "en" ? "en" : "zh";
    res.set_header("Set-Cookie", absl::StrCat(kLangCookie, "=", to,
                                              "; Path=/; SameSite=Strict; Max-Age=31536000"));
    res.set_redirect("/", 303);
  });
  server->Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
    const Lang l = LangOf(req);
    res.set_content(
        Page(Frame(nullptr, l), Tr(l, "登录", "Log in"),
             absl::StrCat("<form method=\"post\" action=\"/login\" id=\"login\"><label>",
                          Tr(l, "用户名", "Name"),
                          " <input name=\"name\" id=\"name\" autocomplete=\"username\"></label> "
                          "<label>",
                          Tr(l, "密码", "Password"),
                          " <input type=\"password\" name=\"password\" id=\"password\" "
                          "autocomplete=\"current-password\"></label> <button type=\"submit\" "
                          "id=\"submit\">",
                          Tr(l, "登录", "Log in"), "</button></form>")),
        "text/html; charset=utf-8");
  });
  server->Post("/login",
               [this](const httplib::Request& req, httplib::Response& res) { Login(req, res); });
  server->Post("/logout", [this](const httplib::Request& req, httplib::Response& res) {
    if (!SameOrigin(req, res)) return;
    auto viewer = ViewerOf(req);
    // A logout needs the session's form token: another site cannot log a user out.
    if (viewer &&
        CRYPTO_memcmp(req.get_param_value("csrf").c_str(), viewer->session.csrf.c_str(),
                      viewer->session.csrf.size()) == 0 &&
        req.get_param_value("csrf").size() == viewer->session.csrf.size()) {
      sessions_->Remove(CookieValue(req, kSessionCookie));
      LogInfo("console: logout of ", viewer->session.name);
    }
    res.set_header("Set-Cookie",
                   absl::StrCat(kSessionCookie, "=; Path=/; Max-Age=0; HttpOnly; ",
                                web_.insecure_http() ? "" : "Secure; ", "SameSite=Strict"));
    res.set_redirect("/login", 303);
  });
  server->Get("/metrics",
              [this](const httplib::Request& req, httplib::Response& res) { Metrics(req, res); });

  server->Get("/", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Overview(req, res, v, v.identity.region_code);
              }));
  server->Get(R"(/region/([^/]+))", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Overview(req, res, v, req.matches[1]);
              }));
  server->Get(R"(/enterprise/([^/]+))", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Enterprise(req, res, v, req.matches[1]);
              }));
  server->Get("/sync", PageRoute([this](auto&, auto& res, const Viewer& v) { Sync(res, v); }));
  server->Get("/contradictions", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Contradictions(req, res, v);
              }));
  server->Get("/overdue",
              PageRoute([this](auto& req, auto& res, const Viewer& v) { Overdue(req, res, v); }));
  server->Get("/power-alerts", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                PowerAlerts(req, res, v);
              }));
  server->Get("/rounds",
              PageRoute([this](auto& req, auto& res, const Viewer& v) { Rounds(req, res, v); }));
  server->Get("/downloads",
              PageRoute([this](auto&, auto& res, const Viewer& v) { Downloads(res, v); }));
  server->Get("/download/disclosure", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Download(req, res, v, false);
              }));
  server->Get("/download/summary", PageRoute([this](auto& req, auto& res, const Viewer& v) {
                Download(req, res, v, true);
              }));

  // The JSON API (docs/CONSOLE.md): the service's own answers, as protobuf JSON.
  server->Get("/api/v1/progress", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::GetProgressRequest request;
                request.set_region_code(*region);
                request.set_by_child_region(req.get_param_value("by_child_region") != "false");
                auto r = s_.coordinator->Progress(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/overview", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::GetProgressRequest request;
                request.set_region_code(*region);
                request.set_by_child_region(true);
                auto r = s_.coordinator->Progress(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(OverviewJson(*r, v), "application/json; charset=utf-8");
              }));
  server->Get(R"(/api/v1/enterprise/([^/]+))",
              ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                v1::GetMergedViewRequest request;
                request.set_credit_code(req.matches[1]);
                auto r = s_.coordinator->MergedView(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/sync", ApiRoute([this](auto&, auto& res, const Viewer& v) {
                auto r = s_.exchange->SyncStatus(v.identity);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/contradictions", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::ListContradictionsRequest request;
                request.set_region_code(*region);
                request.set_page_size(kPageSize);
                request.set_page_token(req.get_param_value("page_token"));
                auto r = s_.coordinator->Contradictions(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/overdue", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::ListOverdueRequest request;
                request.set_region_code(*region);
                auto r = s_.enforcement->Overdue(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/power-alerts", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::ListAlertsRequest request;
                request.set_region_code(*region);
                request.set_from_month(req.get_param_value("from"));
                request.set_to_month(req.get_param_value("to"));
                auto r = s_.electricity->Alerts(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
  server->Get("/api/v1/round-status", ApiRoute([this](auto& req, auto& res, const Viewer& v) {
                auto region = RegionParam(req);
                if (!region.ok()) return ApiError(res, region.status());
                v1::GetRoundStatusRequest request;
                request.set_round_id(req.get_param_value("round"));
                request.set_region_code(*region);
                request.set_include_children(true);
                auto r = s_.coordinator->RoundStatus(v.identity, request);
                if (!r.ok()) return ApiError(res, r.status());
                res.set_content(Json(*r), "application/json; charset=utf-8");
              }));
}

void Console::Handlers::Login(const httplib::Request& req, httplib::Response& res) {
  if (!SameOrigin(req, res)) return;
  const Lang l = LangOf(req);
  const std::string name = req.get_param_value("name");
  const std::string password = req.get_param_value("password");
  auto refuse = [&](int status, const std::string& why, const std::string& shown) {
    LogWarning("console: login refused for '", ShownText(name), "' from ", req.remote_addr, ": ",
               why);
    res.status = status;
    res.set_content(Page(Frame(nullptr, l), Tr(l, "登录", "Log in"),
                         absl::StrCat("<p class=\"error\" id=\"error\">", Escape(shown),
                                      "</p><p><a href=\"/login\">", Tr(l, "重新登录", "Try again"),
                                      "</a></p>")),
                    "text/html; charset=utf-8");
  };
  if (!CheckAccountName(name).ok()) {
    return refuse(400, "bad name",
                  std::string(Tr(l, "用户名无效", "name: not a valid login name")));
  }
  if (absl::Duration wait = sessions_->WaitBeforeLogin(name); wait > absl::ZeroDuration()) {
    const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
    res.set_header("Retry-After", absl::StrCat(seconds));
    return refuse(429, absl::StrCat("too many failed logins, wait ", seconds, " s"),
                  absl::StrCat(Tr(l, "登录失败次数过多，请等待 ", "too many failed logins; wait "),
                               seconds, Tr(l, " 秒", " s")));
  }
  const std::optional<Account> account = accounts_->Find(name);
  // An unknown name costs the same hash as a known one, so timing does not tell them apart.
  static const std::string kDummy = *HashPassword("tierhub-no-such-user");
  const bool ok =
      VerifyPassword(account.has_value() ? account->hash : kDummy, password) && account.has_value();
  if (!ok) {
    sessions_->LoginFailed(name);
    return refuse(401, !account.has_value() ? "unknown name" : "wrong password",
                  std::string(Tr(l, "用户名或密码错误", "wrong name or password")));
  }
  sessions_->LoginSucceeded(name);
  const std::string token = sessions_->Create(account->name, account->identity);
  LogInfo("console: login of ", account->name, " as ", account->identity, " from ",
          req.remote_addr);
  res.set_header("Set-Cookie",
                 absl::StrCat(kSessionCookie, "=", token, "; Path=/; HttpOnly; ",
                              web_.insecure_http() ? "" : "Secure; ", "SameSite=Strict"));
  res.set_redirect("/", 303);
}

std::string Console::Handlers::OverviewJson(const v1::GetProgressResponse& progress,
                                            const Viewer& v) const {
  const Lang lang = v.lang;
  const int year = absl::ToCivilYear(node_.clock->Now(), domain::ChinaTimeZone()).year();
  std::string months;
  auto exits = s_.plans->ExitsByMonth(v.identity, progress.region_code(), year);
  if (exits.ok()) months = absl::StrJoin(*exits, ",");
  std::string out =
      absl::StrCat("{\"region_code\":", JsonString(progress.region_code()),
                   ",\"as_of\":", JsonString(Moment(progress.as_of().now())), ",\"year\":", year,
                   ",\"exits_by_month\":[", months, "]", ",\"rows\":[");
  bool first = true;
  for (const auto& [key, row] : OverviewRows(progress)) {
    std::string capacity;
    for (const auto& [unit, c] : row.capacity) {
      absl::StrAppend(&capacity, capacity.empty() ? "" : ",",
                      "{\"unit\":", JsonString(std::string(domain::CapacityUnitCode(unit))),
                      ",\"unit_name\":", JsonString(UnitName(unit, lang)),
                      ",\"listed\":", Num(c.listed), ",\"exited\":", Num(c.exited), "}");
    }
    absl::StrAppend(&out, first ? "" : ",", "{\"region_code\":", JsonString(key.first),
                    ",\"region_name\":", JsonString(RegionName(key.first, lang)),
                    ",\"industry\":", JsonString(v1::Industry_Name(key.second)),
                    ",\"listed\":", row.listed, ",\"rectifying\":", row.rectifying,
                    ",\"overdue\":", row.overdue, ",\"closed\":", row.closed,
                    ",\"exited\":", row.exited, ",\"cases_open\":", row.cases_open,
                    ",\"capacity\":[", capacity, "]}");
    first = false;
  }
  return out + "]}\n";
}

void Console::Handlers::Overview(const httplib::Request& req, httplib::Response& res,
                                 const Viewer& v, const std::string& region) {
  const Lang l = v.lang;
  v1::GetProgressRequest request;
  request.set_region_code(region);
  request.set_by_child_region(true);
  auto progress = s_.coordinator->Progress(v.identity, request);
  if (!progress.ok()) return PageError(res, v, progress.status());
  // The action plans of the year (a city, a province or the root): who is behind.
  const int year = absl::ToCivilYear(node_.clock->Now(), domain::ChinaTimeZone()).year();
  v1::GetPlanProgressRequest plan_request;
  plan_request.set_region_code(progress->region_code());
  plan_request.set_year(year);
  auto plan = s_.plans->Progress(v.identity, plan_request);
  std::set<std::string> behind;
  if (plan.ok()) behind.insert(plan->cities_behind().begin(), plan->cities_behind().end());

  const std::string& code = progress->region_code();
  std::string body;
  // Where we are: the way back up, as far as the viewer may read.
  std::string crumbs;
  for (const v1::Region* a : domain::DefaultRegions().Ancestors(code)) {
    if (!auth::CheckReadable(node_, v.identity, a->code()).ok()) continue;
    crumbs = absl::StrCat("<a href=\"/region/", a->code(), "\">", Escape(RegionName(a->code(), l)),
                          "</a> › ", crumbs);
  }
  absl::StrAppend(&body, "<p class=\"crumbs\">", crumbs, "<b id=\"region\" data-code=\"",
                  Escape(code), "\">", Escape(RegionName(code, l)), " (", Escape(code),
                  ")</b></p>");
  absl::StrAppend(&body, "<p class=\"asof\" id=\"asof\">", Tr(l, "数据截至 ", "As of "),
                  Escape(Moment(progress->as_of().now())), Tr(l, "（北京时间）", " (China time)"),
                  "</p>");
  absl::StrAppend(&body, "<table id=\"overview\"><tr>", Th(l, "地区", "Region"),
                  Th(l, "行业", "Industry"), Th(l, "列入名单", "Listed"),
                  Th(l, "整改中", "Under rectification"), Th(l, "逾期", "Overdue"),
                  Th(l, "关停", "Closed"), Th(l, "退出", "Exited"),
                  Th(l, "退出产能", "Capacity exited"), "</tr>");
  const bool leaf = domain::DefaultRegions().Children(code).empty();
  for (const auto& [key, row] : OverviewRows(*progress)) {
    const bool is_behind = behind.count(key.first) > 0;
    const std::string link = key.first == code
                                 ? Escape(RegionName(key.first, l))
                                 : absl::StrCat("<a href=\"/region/", Escape(key.first), "\">",
                                                Escape(RegionName(key.first, l)), "</a>");
    absl::StrAppend(
        &body, "<tr class=\"row", is_behind ? " behind" : "", "\" data-region=\"",
        Escape(key.first), "\" data-industry=\"", Escape(v1::Industry_Name(key.second)), "\">",
        Td(link), Td(Escape(IndustryName(key.second, l))), Td(absl::StrCat(row.listed), "n listed"),
        Td(absl::StrCat(row.rectifying), "n rectifying"),
        Td(absl::StrCat(row.overdue), "n overdue"), Td(absl::StrCat(row.closed), "n closed"),
        Td(absl::StrCat(row.exited), "n exited"), Td(CapacityCell(row, l), "n capacity"), "</tr>");
  }
  absl::StrAppend(&body, "</table>");
  absl::StrAppend(&body, "<p>", Tr(l, "逾期案件合计：", "Cases overdue: "),
                  "<span id=\"cases-overdue\">", progress->cases_overdue(), "</span></p>");
  absl::StrAppend(&body, "<canvas id=\"bars\" data-region=\"", Escape(code), "\" data-listed=\"",
                  Tr(l, "列入名单", "Listed"), "\" data-exited=\"", Tr(l, "退出", "Exited"),
                  "\" data-overdue=\"", Tr(l, "逾期", "Overdue"), "\"></canvas>");
  absl::StrAppend(&body, "<h2>", Tr(l, "每月退出企业（", "Enterprises exited per month ("), year,
                  Tr(l, "年）", ")"), "</h2><canvas id=\"months\" data-label=\"",
                  Tr(l, "退出企业", "Exited"), "\"></canvas>");
  // The plans: targets against exits, the cities behind them (通报/约谈 candidates).
  if (plan.ok() && plan->rows_size() > 0) {
    absl::StrAppend(
        &body, "<h2>", Tr(l, "行动计划进度（", "Action plans ("), year, Tr(l, "年）", ")"),
        "</h2><table id=\"plans\"><tr>", Th(l, "城市", "City"), Th(l, "行业", "Industry"),
        Th(l, "方面", "Dimension"), Th(l, "目标企业", "Target"), Th(l, "应完成", "Due"),
        Th(l, "已退出", "Exited"), Th(l, "差额", "Shortfall"),
        Th(l, "产能 已退出/目标", "Capacity exited / target"), Th(l, "状态", "State"), "</tr>");
    for (const auto& row : plan->rows()) {
      std::string capacity;
      for (const auto& c : row.capacity()) {
        absl::StrAppend(&capacity, capacity.empty() ? "" : "; ", Num(c.exited()), " / ",
                        Num(c.target()), " ", UnitName(c.unit(), l));
      }
      absl::StrAppend(&body, "<tr class=\"", row.behind() ? "behind" : "", "\">",
                      Td(Escape(RegionName(row.region_code(), l))),
                      Td(Escape(IndustryName(row.industry(), l))),
                      Td(Escape(l == Lang::kZh ? domain::DimensionNameZh(row.dimension())
                                               : domain::DimensionNameEn(row.dimension()))),
                      Td(absl::StrCat(row.enterprises_target()), "n"),
                      Td(absl::StrCat(row.enterprises_due()), "n"),
                      Td(absl::StrCat(row.enterprises_exited()), "n"),
                      Td(absl::StrCat(row.enterprises_shortfall()), "n"), Td(Escape(capacity)),
                      Td(row.behind() ? Tr(l, "落后（通报/约谈）", "behind (通报/约谈)")
                                      : Tr(l, "正常", "on track")),
                      "</tr>");
    }
    absl::StrAppend(&body, "</table>");
  }
  // Freshness: every child's data, stale or never reported marked.
  absl::StrAppend(&body, "<h2>", Tr(l, "下级数据时效", "Freshness of the children's data"),
                  "</h2><table id=\"freshness\"><tr>", Th(l, "节点", "Node"),
                  Th(l, "地区", "Region"), Th(l, "最近变更", "Last change"), Th(l, "时长", "Age"),
                  Th(l, "状态", "State"), "</tr>");
  for (const auto& c : progress->as_of().children()) {
    const bool stale = absl::Seconds(c.age_seconds()) > stale_after_;
    absl::StrAppend(&body, "<tr class=\"", stale ? "stale" : "fresh", "\">",
                    Td(Escape(c.origin_node())),
                    Td(Escape(absl::StrCat(RegionName(c.region_code(), l), " ", c.region_code()))),
                    Td(Escape(Moment(c.last_change_at()))),
                    Td(absl::FormatDuration(absl::Seconds(static_cast<int64_t>(c.age_seconds())))),
                    Td(stale ? Tr(l, "过期", "stale") : Tr(l, "正常", "fresh")), "</tr>");
  }
  for (const auto& silent : progress->as_of().silent_children()) {
    absl::StrAppend(
        &body, "<tr class=\"silent\">", Td("—"),
        Td(Escape(absl::StrCat(RegionName(silent.region_code(), l), " ", silent.region_code()))),
        Td(Tr(l, "从未报送", "never reported")), Td(""), Td(Tr(l, "从未报送", "never reported")),
        "</tr>");
  }
  absl::StrAppend(&body, "</table>");
  // At a county: its enterprises, each a link to the merged view.
  if (leaf) {
    v1::ListEnterprisesRequest list;
    list.set_region_code(code);
    list.set_page_size(kPageSize);
    list.set_page_token(req.get_param_value("page_token"));
    auto enterprises = s_.lists->ListEnterprises(v.identity, list);
    if (enterprises.ok()) {
      absl::StrAppend(&body, "<h2>", Tr(l, "企业", "Enterprises"),
                      "</h2><table id=\"enterprises\"><tr>",
                      Th(l, "统一社会信用代码", "Credit code"), Th(l, "名称", "Name"),
                      Th(l, "状态", "Status"), "</tr>");
      for (const auto& e : enterprises->enterprises()) {
        absl::StrAppend(
            &body, "<tr>",
            Td(absl::StrCat("<a href=\"/enterprise/", Escape(e.credit_code()), "\">",
                            Escape(e.credit_code()), "</a>")),
            Td(Escape(e.name())),
            Td(Escape(EnumText(v1::OperatingStatus_Name(e.status()), "OPERATING_STATUS_"))),
            "</tr>");
      }
      absl::StrAppend(&body, "</table>");
      if (!enterprises->next_page_token().empty()) {
        absl::StrAppend(&body, "<p><a href=\"/region/", Escape(code),
                        "?page_token=", UrlEncode(enterprises->next_page_token()), "\">",
                        Tr(l, "下一页", "Next page"), "</a></p>");
      }
    }
  }
  Html(
      res, v, Tr(l, "总览", "Overview"), body,
      "<script src=\"/static/chart.min.js\"></script><script src=\"/static/console.js\"></script>");
}

void Console::Handlers::Enterprise(const httplib::Request&, httplib::Response& res, const Viewer& v,
                                   const std::string& code) {
  const Lang l = v.lang;
  v1::GetMergedViewRequest request;
  request.set_credit_code(code);
  auto merged_or = s_.coordinator->MergedView(v.identity, request);
  if (!merged_or.ok()) return PageError(res, v, merged_or.status());
  const v1::MergedEnterprise& m = merged_or->merged();
  std::string body =
      absl::StrCat("<p><a href=\"/region/", Escape(m.region_code()), "\">",
                   Escape(RegionName(m.region_code(), l)), "</a></p><p id=\"enterprise\">",
                   Escape(m.credit_code()), " <b>", Escape(m.name()), "</b> ",
                   Escape(IndustryName(m.industry(), l)), "</p>");
  absl::StrAppend(&body, "<h2>", Tr(l, "所在名单", "Lists"), "</h2><table id=\"listings\"><tr>",
                  Th(l, "部门", "Department"), Th(l, "方面", "Dimension"), Th(l, "名单", "List"),
                  Th(l, "轮次", "Round"), Th(l, "报送", "Submission"),
                  Th(l, "报告状态", "Reported status"), Th(l, "产能", "Capacity"), "</tr>");
  for (const auto& x : m.listings()) {
    absl::StrAppend(
        &body, "<tr>", Td(Escape(domain::DepartmentCode(x.department()))),
        Td(Escape(EnumText(v1::Dimension_Name(x.dimension()), "DIMENSION_"))),
        Td(Escape(EnumText(v1::ListKind_Name(x.kind()), "LIST_KIND_"))), Td(Escape(x.round_id())),
        Td(Escape(x.submission_id())),
        Td(Escape(EnumText(v1::OperatingStatus_Name(x.reported_status()), "OPERATING_STATUS_"))),
        Td(Num(x.capacity()), "n"), "</tr>");
  }
  absl::StrAppend(&body, "</table><h2>", Tr(l, "案件", "Cases"), "</h2>");
  // Every case, closed ones too, each with its whole history.
  for (const std::string& case_id : merged_or->case_ids()) {
    v1::GetCaseRequest case_request;
    case_request.set_case_id(case_id);
    auto c = s_.enforcement->Get(v.identity, case_request);
    if (!c.ok()) continue;
    const v1::EnforcementCase& ec = c->enforcement_case();
    std::string next;
    for (auto state : c->allowed_next()) {
      absl::StrAppend(&next, next.empty() ? "" : ", ",
                      EnumText(v1::CaseState_Name(state), "CASE_STATE_"));
    }
    absl::StrAppend(&body, "<div class=\"case\" data-case=\"", Escape(ec.case_id()), "\"><p><b>",
                    Escape(ec.case_id()), "</b> ",
                    Escape(EnumText(v1::CaseState_Name(ec.state()), "CASE_STATE_")), " · ",
                    Escape(ec.finding()), " · ", Tr(l, "期限 ", "deadline "),
                    Escape(ec.deadline_day()), c->overdue() ? Tr(l, "（逾期）", " (overdue)") : "",
                    "</p><p>", Tr(l, "可进行的下一步：", "Allowed next steps: "), Escape(next),
                    "</p><table><tr>", Th(l, "自", "From"), Th(l, "至", "To"), Th(l, "时间", "At"),
                    Th(l, "操作人", "Actor"), Th(l, "依据", "Evidence"), "</tr>");
    for (const auto& t : ec.history()) {
      absl::StrAppend(
          &body, "<tr>", Td(Escape(EnumText(v1::CaseState_Name(t.from_state()), "CASE_STATE_"))),
          Td(Escape(EnumText(v1::CaseState_Name(t.to_state()), "CASE_STATE_"))),
          Td(Escape(Moment(t.at()))), Td(Escape(t.actor())), Td(Escape(t.evidence_ref())), "</tr>");
    }
    absl::StrAppend(&body, "</table></div>");
  }
  v1::ListEquipmentRequest eq_request;
  eq_request.set_credit_code(m.credit_code());
  auto equipment = s_.lists->ListEquipment(v.identity, eq_request);
  if (equipment.ok() && equipment->equipment_size() > 0) {
    absl::StrAppend(&body, "<h2>", Tr(l, "设备（表5 判定）", "Equipment (Table 5 verdict)"),
                    "</h2><table id=\"equipment\"><tr>", Th(l, "设备", "Equipment"),
                    Th(l, "类型", "Type"), Th(l, "判定", "Verdict"), Th(l, "依据", "Rule"),
                    "</tr>");
    for (const auto& e : equipment->equipment()) {
      const domain::ScreeningResult verdict = domain::Screen(e);
      absl::StrAppend(
          &body, "<tr>", Td(Escape(e.equipment_id())),
          Td(Escape(EnumText(v1::EquipmentType_Name(e.type()), "EQUIPMENT_TYPE_"))),
          Td(verdict.eliminate
                 ? Tr(l, "淘汰", "eliminate")
                 : (verdict.unchecked_rule_ids.empty() ? Tr(l, "保留", "keep")
                                                       : Tr(l, "数据不全", "unchecked"))),
          Td(Escape(absl::StrCat(verdict.rule_id, " ",
                                 l == Lang::kZh ? verdict.description_zh : verdict.description))),
          "</tr>");
    }
    absl::StrAppend(&body, "</table>");
  }
  v1::ListAlertsRequest alert_request;
  alert_request.set_credit_code(m.credit_code());
  auto alerts = s_.electricity->Alerts(v.identity, alert_request);
  if (alerts.ok() && alerts->alerts_size() > 0) {
    absl::StrAppend(&body, "<h2>", Tr(l, "用电预警", "Power alerts"), "</h2><table><tr>",
                    Th(l, "月份", "Month"), Th(l, "用电量 kWh", "kWh"), Th(l, "阈值", "Threshold"),
                    Th(l, "原因", "Reason"), Th(l, "处置", "Handling"), "</tr>");
    for (const auto& a : alerts->alerts()) {
      absl::StrAppend(&body, "<tr>", Td(Escape(a.month())), Td(Num(a.kwh()), "n"),
                      Td(Num(a.threshold_kwh()), "n"),
                      Td(Escape(v1::ShutdownReason_Name(a.reason()))),
                      Td(AlertState(a, l), "state"), "</tr>");
    }
    absl::StrAppend(&body, "</table>");
  }
  if (m.contradictions_size() > 0) {
    absl::StrAppend(&body, "<h2>", Tr(l, "矛盾", "Contradictions"), "</h2><ul>");
    for (const auto& c : m.contradictions()) {
      absl::StrAppend(&body, "<li>",
                      Escape(EnumText(v1::Contradiction::Kind_Name(c.kind()), "KIND_")), ": ",
                      Escape(c.detail()), "</li>");
    }
    absl::StrAppend(&body, "</ul>");
  }
  Html(res, v, Tr(l, "企业", "Enterprise"), body);
}

void Console::Handlers::Sync(httplib::Response& res, const Viewer& v) {
  const Lang l = v.lang;
  auto status = s_.exchange->SyncStatus(v.identity);
  if (!status.ok()) return PageError(res, v, status.status());
  std::string body =
      absl::StrCat("<p>", Escape(status->node_id()), " · ", Escape(status->region_code()), " · ",
                   Tr(l, "日志头 ", "log head "), status->last_seq(), "</p>");
  absl::StrAppend(&body, "<table id=\"links\"><tr>", Th(l, "链路", "Link"), Th(l, "对端", "Peer"),
                  Th(l, "状态", "State"), Th(l, "已确认", "Acked"), Th(l, "待发送", "Pending"),
                  Th(l, "延迟(秒)", "Lag (s)"), Th(l, "最近联系", "Last contact"),
                  Th(l, "重试", "Retries"), Th(l, "最近错误", "Last error"), "</tr>");
  auto link = [&](absl::string_view what, const v1::LinkStatus& s) {
    absl::StrAppend(
        &body, "<tr>", Td(what), Td(Escape(s.peer_node_id())),
        Td(Escape(EnumText(v1::LinkState_Name(s.state()), "LINK_STATE_"))),
        Td(absl::StrCat(s.last_acked_seq()), "n"), Td(absl::StrCat(s.pending_changes()), "n"),
        Td(absl::StrFormat("%.1f", s.lag_seconds()), "n"), Td(Escape(Moment(s.last_contact()))),
        Td(absl::StrCat(s.retries()), "n"), Td(Escape(s.last_error())), "</tr>");
  };
  if (status->has_upward()) link(Tr(l, "上行", "up"), status->upward());
  if (status->has_downward()) link(Tr(l, "下行", "down"), status->downward());
  for (const auto& c : status->children()) link(Tr(l, "下级", "child"), c);
  const v1::Counters& c = status->counters();
  absl::StrAppend(&body, "</table><table id=\"counters\">");
  for (const auto& [zh, en, value] :
       std::vector<std::tuple<absl::string_view, absl::string_view, uint64_t>>{
           {"收到批次", "batches in", c.batches_in()},
           {"发出批次", "batches out", c.batches_out()},
           {"收到变更", "changes in", c.changes_in()},
           {"发出变更", "changes out", c.changes_out()},
           {"收到字节", "bytes in", c.bytes_in()},
           {"发出字节", "bytes out", c.bytes_out()},
           {"拒绝", "refusals", c.refusals()},
           {"冲突", "conflicts", c.conflicts()},
           {"重新同步", "resyncs", c.resyncs()}}) {
    absl::StrAppend(&body, "<tr><th>", Tr(l, zh, en), "</th>", Td(absl::StrCat(value), "n"),
                    "</tr>");
  }
  absl::StrAppend(&body, "</table><p>", Tr(l, "存储：", "Store: "),
                  Escape(EnumText(v1::StoreState_Name(status->store().state()), "STORE_STATE_")),
                  " ", Escape(status->store().reason()), "</p>");
  Html(res, v, Tr(l, "同步", "Sync"), body);
}

void Console::Handlers::Contradictions(const httplib::Request& req, httplib::Response& res,
                                       const Viewer& v) {
  const Lang l = v.lang;
  auto region = RegionParam(req);
  if (!region.ok()) return PageError(res, v, region.status());
  v1::ListContradictionsRequest request;
  request.set_region_code(*region);
  request.set_page_size(kPageSize);
  request.set_page_token(req.get_param_value("page_token"));
  auto r = s_.coordinator->Contradictions(v.identity, request);
  if (!r.ok()) return PageError(res, v, r.status());
  std::string body = absl::StrCat(
      "<form class=\"filter\" method=\"get\"><label>", Tr(l, "地区代码", "Region code"),
      " <input name=\"region\" value=\"", Escape(*region), "\"></label><button>",
      Tr(l, "筛选", "Filter"), "</button></form><table id=\"list\"><tr>",
      Th(l, "统一社会信用代码", "Credit code"), Th(l, "企业", "Enterprise"),
      Th(l, "地区", "Region"), Th(l, "类型", "Kind"), Th(l, "详情", "Detail"), "</tr>");
  for (const auto& m : r->merged()) {
    for (const auto& c : m.contradictions()) {
      absl::StrAppend(&body, "<tr>",
                      Td(absl::StrCat("<a href=\"/enterprise/", Escape(m.credit_code()), "\">",
                                      Escape(m.credit_code()), "</a>")),
                      Td(Escape(m.name())), Td(Escape(m.region_code())),
                      Td(Escape(EnumText(v1::Contradiction::Kind_Name(c.kind()), "KIND_"))),
                      Td(Escape(c.detail())), "</tr>");
    }
  }
  absl::StrAppend(&body, "</table>");
  if (!r->next_page_token().empty()) {
    absl::StrAppend(&body, "<p><a href=\"/contradictions?region=", UrlEncode(*region),
                    "&amp;page_token=", UrlEncode(r->next_page_token()), "\">",
                    Tr(l, "下一页", "Next page"), "</a></p>");
  }
  Html(res, v, Tr(l, "矛盾", "Contradictions"), body);
}

void Console::Handlers::Overdue(const httplib::Request& req, httplib::Response& res,
                                const Viewer& v) {
  const Lang l = v.lang;
  auto region = RegionParam(req);
  if (!region.ok()) return PageError(res, v, region.status());
  const int page = PageParam(req);
  v1::ListOverdueRequest request;
  request.set_region_code(*region);
  request.set_limit((page + 1) * kPageSize + 1);
  auto r = s_.enforcement->Overdue(v.identity, request);
  if (!r.ok()) return PageError(res, v, r.status());
  std::string body = absl::StrCat(
      "<form class=\"filter\" method=\"get\"><label>", Tr(l, "地区代码", "Region code"),
      " <input name=\"region\" value=\"", Escape(*region), "\"></label><button>",
      Tr(l, "筛选", "Filter"), "</button></form><table id=\"list\"><tr>", Th(l, "案件", "Case"),
      Th(l, "企业", "Enterprise"), Th(l, "地区", "Region"), Th(l, "状态", "State"),
      Th(l, "期限", "Deadline"), "</tr>");
  for (int i = page * kPageSize; i < std::min(r->cases_size(), (page + 1) * kPageSize); ++i) {
    const auto& c = r->cases(i);
    absl::StrAppend(&body, "<tr>", Td(Escape(c.case_id())),
                    Td(absl::StrCat("<a href=\"/enterprise/", Escape(c.credit_code()), "\">",
                                    Escape(c.credit_code()), "</a>")),
                    Td(Escape(c.region_code())),
                    Td(Escape(EnumText(v1::CaseState_Name(c.state()), "CASE_STATE_"))),
                    Td(Escape(c.deadline_day())), "</tr>");
  }
  absl::StrAppend(&body, "</table>");
  if (r->cases_size() > (page + 1) * kPageSize) {
    absl::StrAppend(&body, "<p><a href=\"/overdue?region=", UrlEncode(*region),
                    "&amp;page=", page + 1, "\">", Tr(l, "下一页", "Next page"), "</a></p>");
  }
  Html(res, v, Tr(l, "逾期案件", "Overdue cases"), body);
}

void Console::Handlers::PowerAlerts(const httplib::Request& req, httplib::Response& res,
                                    const Viewer& v) {
  const Lang l = v.lang;
  auto region = RegionParam(req);
  if (!region.ok()) return PageError(res, v, region.status());
  const int page = PageParam(req);
  v1::ListAlertsRequest request;
  request.set_region_code(*region);
  request.set_from_month(req.get_param_value("from"));
  request.set_to_month(req.get_param_value("to"));
  request.set_limit((page + 1) * kPageSize + 1);
  auto r = s_.electricity->Alerts(v.identity, request);
  if (!r.ok()) return PageError(res, v, r.status());
  std::string body = absl::StrCat(
      "<form class=\"filter\" method=\"get\"><label>", Tr(l, "地区代码", "Region code"),
      " <input name=\"region\" value=\"", Escape(*region), "\"></label><label>",
      Tr(l, "起始月份", "From month"), " <input name=\"from\" value=\"",
      Escape(request.from_month()), "\"></label><label>", Tr(l, "截止月份", "To month"),
      " <input name=\"to\" value=\"", Escape(request.to_month()), "\"></label><button>",
      Tr(l, "筛选", "Filter"), "</button></form><table id=\"list\"><tr>",
      Th(l, "企业", "Enterprise"), Th(l, "名称", "Name"), Th(l, "月份", "Month"),
      Th(l, "用电量 kWh", "kWh"), Th(l, "原因", "Reason"), Th(l, "处置", "Handling"), "</tr>");
  for (int i = page * kPageSize; i < std::min(r->alerts_size(), (page + 1) * kPageSize); ++i) {
    const auto& a = r->alerts(i);
    absl::StrAppend(&body, "<tr>",
                    Td(absl::StrCat("<a href=\"/enterprise/", Escape(a.credit_code()), "\">",
                                    Escape(a.credit_code()), "</a>")),
                    Td(Escape(a.enterprise_name())), Td(Escape(a.month())), Td(Num(a.kwh()), "n"),
                    Td(Escape(v1::ShutdownReason_Name(a.reason()))), Td(AlertState(a, l), "state"),
                    "</tr>");
  }
  absl::StrAppend(&body, "</table>");
  Html(res, v, Tr(l, "用电预警", "Power alerts"), body);
}

void Console::Handlers::Rounds(const httplib::Request& req, httplib::Response& res,
                               const Viewer& v) {
  const Lang l = v.lang;
  auto rounds = s_.lists->ListRounds();
  if (!rounds.ok()) return PageError(res, v, rounds.status());
  std::string body = "<ul>";
  for (const auto& round : rounds->rounds()) {
    absl::StrAppend(&body, "<li><a href=\"/rounds?round=", UrlEncode(round.round_id()), "\">",
                    Escape(round.round_id()), "</a> ", Escape(round.title()), "</li>");
  }
  absl::StrAppend(&body, "</ul>");
  const std::string round = req.get_param_value("round");
  if (!round.empty()) {
    v1::GetRoundStatusRequest request;
    request.set_round_id(round);
    request.set_include_children(true);
    auto r = s_.coordinator->RoundStatus(v.identity, request);
    if (!r.ok()) return PageError(res, v, r.status());
    absl::StrAppend(&body, "<table id=\"round\"><tr>", Th(l, "地区", "Region"),
                    Th(l, "部门", "Department"), Th(l, "状态", "Status"), Th(l, "迟报", "Late by"),
                    Th(l, "首次报送", "First submitted"), "</tr>");
    for (const auto& row : r->rows()) {
      absl::StrAppend(
          &body, "<tr>", Td(Escape(RegionName(row.region_code(), l))),
          Td(Escape(domain::DepartmentCode(row.department()))),
          Td(Escape(EnumText(v1::RoundStatusRow::Status_Name(row.status()), "STATUS_"))),
          Td(row.late_seconds() > 0
                 ? Escape(absl::FormatDuration(absl::Seconds(row.late_seconds())))
                 : ""),
          Td(Escape(Moment(row.first_submitted_at()))), "</tr>");
    }
    absl::StrAppend(&body, "</table>");
  }
  Html(res, v, Tr(l, "报送轮次", "Rounds"), body);
}

void Console::Handlers::Downloads(httplib::Response& res, const Viewer& v) {
  const Lang l = v.lang;
  std::string body = absl::StrCat("<h2>", Tr(l, "公开名单", "Disclosure lists"), "</h2><ul>");
  for (int i = 1; v1::DisclosureList_IsValid(i); ++i) {
    const std::string list = absl::AsciiStrToLower(
        EnumText(v1::DisclosureList_Name(static_cast<v1::DisclosureList>(i)), "DISCLOSURE_LIST_"));
    absl::StrAppend(&body, "<li>", Escape(list), ": <a href=\"/download/disclosure?list=", list,
                    "&amp;format=csv\">CSV</a> <a href=\"/download/disclosure?list=", list,
                    "&amp;format=xlsx\">xlsx</a></li>");
  }
  const int year = absl::ToCivilYear(node_.clock->Now(), domain::ChinaTimeZone()).year();
  absl::StrAppend(&body, "</ul><h2>", Tr(l, "年度总结", "Annual summary"),
                  "</h2><p><a href=\"/download/summary?year=", year, "&amp;format=xlsx\">", year,
                  " xlsx</a> <a href=\"/download/summary?year=", year, "&amp;format=csv\">", year,
                  " CSV</a></p>");
  Html(res, v, Tr(l, "下载", "Downloads"), body);
}

void Console::Handlers::Download(const httplib::Request& req, httplib::Response& res,
                                 const Viewer& v, bool summary) {
  auto region = RegionParam(req);
  if (!region.ok()) return PageError(res, v, region.status());
  const std::string format = req.get_param_value("format");
  if (format != "csv" && format != "xlsx") {
    return PageError(res, v, absl::InvalidArgumentError("format: must be csv or xlsx"));
  }
  const v1::ExportFormat f = format == "csv" ? v1::EXPORT_FORMAT_CSV : v1::EXPORT_FORMAT_XLSX;
  std::string name, content;
  if (summary) {
    v1::ExportSummaryRequest request;
    request.set_region_code(*region);
    int year = 0;
    if (!absl::SimpleAtoi(req.get_param_value("year"), &year)) {
      return PageError(res, v, absl::InvalidArgumentError("year: required, e.g. 2019"));
    }
    request.set_year(year);
    request.set_format(f);
    if (req.get_param_value("table") == "closed") request.set_table(v1::SUMMARY_TABLE_CLOSED);
    auto file = s_.plans->Summary(v.identity, request);
    if (!file.ok()) return PageError(res, v, file.status());
    name = file->file_name;
    content = std::move(file->content);
  } else {
    v1::DisclosureList list;
    if (!v1::DisclosureList_Parse(
            absl::StrCat("DISCLOSURE_LIST_", absl::AsciiStrToUpper(req.get_param_value("list"))),
            &list) ||
        list == v1::DISCLOSURE_LIST_UNSPECIFIED) {
      return PageError(
          res, v,
          absl::InvalidArgumentError(absl::StrCat("list: '", ShownText(req.get_param_value("list")),
                                                  "' is not a disclosure list")));
    }
    v1::ExportDisclosureRequest request;
    request.set_list(list);
    request.set_region_code(*region);
    request.set_format(f);
    auto file = s_.enforcement->Export(v.identity, request);
    if (!file.ok()) return PageError(res, v, file.status());
    name = file->file_name();
    content = std::move(*file->mutable_content());
  }
  // The file name comes from the service (codes and digits); quoted all the same.
  std::string safe;
  for (char c : name)
    safe += (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')
                ? c
                : '_';
  res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"", safe, "\""));
  res.set_content(std::move(content),
                  format == "csv"
                      ? "text/csv; charset=utf-8"
                      : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

void Console::Handlers::Metrics(const httplib::Request& req, httplib::Response& res) {
  // A bearer token from the config, or a console session (of an identity that may see the
  // exchange: auth::CheckExchangeView decides, as for GetSyncStatus).
  auth::Identity viewer;
  const std::string authorization = req.get_header_value("Authorization");
  const std::string bearer =
      absl::StartsWith(authorization, "Bearer ") ? authorization.substr(7) : "";
  if (!metrics_token_.empty() && bearer.size() == metrics_token_.size() &&
      CRYPTO_memcmp(bearer.data(), metrics_token_.data(), bearer.size()) == 0) {
    viewer.kind = auth::Identity::Kind::kOperator;
    viewer.name = "metrics";
    viewer.region_code = node_.region_code;
  } else if (auto v = ViewerOf(req)) {
    viewer = v->identity;
  } else {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content("a bearer token (web.metrics_token_file) or a console session is required\n",
                    "text/plain");
    return;
  }
  auto sync = s_.exchange->SyncStatus(viewer);
  if (!sync.ok()) {
    res.status = HttpStatus(sync.status());
    res.set_content(std::string(sync.status().message()) + "\n", "text/plain");
    return;
  }
  const double now = absl::ToDoubleSeconds(node_.clock->Now() - absl::UnixEpoch());
  std::string out;
  auto family = [&](absl::string_view name, absl::string_view type, absl::string_view help) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  };
  family("tierhub_build_info", "gauge", "Build version of this tierhubd.");
  absl::StrAppend(&out, "tierhub_build_info{version=\"", TIERHUB_BUILD_VERSION, "\",node=\"",
                  node_.node_id, "\"} 1\n");
  std::vector<std::pair<std::string, const v1::LinkStatus*>> links;
  if (sync->has_upward()) links.push_back({"up", &sync->upward()});
  if (sync->has_downward()) links.push_back({"down", &sync->downward()});
  for (const auto& c : sync->children()) links.push_back({"child", &c});
  auto label = [](const std::string& kind, const v1::LinkStatus& s) {
    std::string peer;
    for (char c : s.peer_node_id()) {
      if (c == '"' || c == '\\' || c == '\n') peer += '\\';
      peer += c == '\n' ? 'n' : c;
    }
    return absl::StrCat("{link=\"", kind, "\",peer=\"", peer, "\"}");
  };
  family("tierhub_link_lag_seconds", "gauge",
         "Age of the oldest unacknowledged change on the link; for a child whose stream is "
         "closed, seconds since it was last heard from.");
  for (const auto& [kind, s] : links) {
    double lag = s->lag_seconds();
    // A parent does not know a child's pending changes; while the child's stream is closed,
    // how long it has been silent is how far behind this node may be.
    if (kind == "child" && s->state() != v1::LINK_STATE_CONNECTED && s->has_last_contact()) {
      lag = std::max(0.0, now - (s->last_contact().seconds() + s->last_contact().nanos() * 1e-9));
    }
    absl::StrAppend(&out, "tierhub_link_lag_seconds", label(kind, *s), " ",
                    absl::StrFormat("%.3f", lag), "\n");
  }
  family("tierhub_link_pending_changes", "gauge", "Changes not yet acknowledged on the link.");
  for (const auto& [kind, s] : links) {
    absl::StrAppend(&out, "tierhub_link_pending_changes", label(kind, *s), " ",
                    s->pending_changes(), "\n");
  }
  family("tierhub_link_last_contact_timestamp_seconds", "gauge",
         "When the peer was last heard from (Unix seconds; 0 = never).");
  for (const auto& [kind, s] : links) {
    absl::StrAppend(&out, "tierhub_link_last_contact_timestamp_seconds", label(kind, *s), " ",
                    s->last_contact().seconds(), "\n");
  }
  family("tierhub_link_up", "gauge", "1 if the link is connected.");
  for (const auto& [kind, s] : links) {
    absl::StrAppend(&out, "tierhub_link_up", label(kind, *s), " ",
                    s->state() == v1::LINK_STATE_CONNECTED ? 1 : 0, "\n");
  }
  const v1::Counters& c = sync->counters();
  for (const auto& [name, help, in, outv] :
       std::vector<std::tuple<absl::string_view, absl::string_view, uint64_t, uint64_t>>{
           {"tierhub_exchange_batches_total", "Batches of changes received and sent.",
            c.batches_in(), c.batches_out()},
           {"tierhub_exchange_changes_total", "Changes received and sent.", c.changes_in(),
            c.changes_out()},
           {"tierhub_exchange_bytes_total", "Bytes of changes received and sent.", c.bytes_in(),
            c.bytes_out()}}) {
    family(name, "counter", help);
    absl::StrAppend(&out, name, "{direction=\"in\"} ", in, "\n", name, "{direction=\"out\"} ", outv,
                    "\n");
  }
  for (const auto& [name, help, value] :
       std::vector<std::tuple<absl::string_view, absl::string_view, uint64_t>>{
           {"tierhub_exchange_refusals_total", "Pushes and peers refused.", c.refusals()},
           {"tierhub_exchange_conflicts_total", "Conflicting versions resolved.", c.conflicts()},
           {"tierhub_exchange_resyncs_total", "Snapshots sent or taken to resynchronise.",
            c.resyncs()},
           {"tierhub_store_refused_writes_total", "Writes the store refused (disk).",
            sync->store().refused_writes()}}) {
    family(name, "counter", help);
    absl::StrAppend(&out, name, " ", value, "\n");
  }
  uint64_t store_bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(s_.store->path(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) store_bytes += it->file_size(ec);
  }
  family("tierhub_store_size_bytes", "gauge", "Bytes of the store's directory on disk.");
  absl::StrAppend(&out, "tierhub_store_size_bytes ", store_bytes, "\n");
  const store::Store::EngineFigures engine = s_.store->Figures();
  family("tierhub_store_live_sst_bytes", "gauge", "Bytes of RocksDB's live SST files.");
  absl::StrAppend(&out, "tierhub_store_live_sst_bytes ", engine.live_sst_bytes, "\n");
  family("tierhub_store_pending_compaction_bytes", "gauge",
         "RocksDB's estimate of the bytes compaction still has to rewrite.");
  absl::StrAppend(&out, "tierhub_store_pending_compaction_bytes ", engine.pending_compaction_bytes,
                  "\n");
  family("tierhub_store_write_stalls_total", "counter",
         "Writes RocksDB stopped or slowed down since the store opened.");
  absl::StrAppend(&out, "tierhub_store_write_stalls_total ", engine.write_stalls, "\n");
  family("tierhub_store_writes_stopped", "gauge", "1 while RocksDB stops writes.");
  absl::StrAppend(&out, "tierhub_store_writes_stopped ", engine.writes_stopped ? 1 : 0, "\n");
  family("tierhub_store_free_bytes", "gauge", "Free bytes of the store's filesystem.");
  absl::StrAppend(&out, "tierhub_store_free_bytes ", sync->store().free_bytes(), "\n");
  family("tierhub_store_writable", "gauge", "1 if the store takes writes.");
  absl::StrAppend(&out, "tierhub_store_writable ",
                  sync->store().state() == v1::STORE_STATE_WRITABLE ? 1 : 0, "\n");
  family("tierhub_store_last_seq", "gauge", "The node's change-log head.");
  absl::StrAppend(&out, "tierhub_store_last_seq ", sync->last_seq(), "\n");
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  family("process_resident_memory_bytes", "gauge", "Resident memory of tierhubd.");
  absl::StrAppend(&out, "process_resident_memory_bytes ",
                  static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE), "\n");
  family("tierhub_console_sessions", "gauge", "Live console sessions.");
  absl::StrAppend(&out, "tierhub_console_sessions ", sessions_->size(), "\n");
  res.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
}

Console::Console(const v1::WebConfig& web, const auth::NodeContext& node, ConsoleServices services)
    : web_(web),
      node_(node),
      services_(services),
      sessions_(node.clock,
                web.session_seconds() > 0 ? absl::Seconds(web.session_seconds()) : kDefaultSession,
                web.session_requests_per_second()) {}

Console::~Console() { Stop(); }

absl::StatusOr<std::unique_ptr<Console>> Console::Start(const v1::WebConfig& web,
                                                        const auth::NodeContext& node,
                                                        ConsoleServices services) {
  std::unique_ptr<Console> console(new Console(web, node, services));
  auto accounts = AccountsFile::Open(web.accounts_file());
  if (!accounts.ok()) {
    return absl::Status(accounts.status().code(),
                        absl::StrCat("web.accounts_file: ", accounts.status().message()));
  }
  std::string token;
  if (!web.metrics_token_file().empty()) {
    TH_ASSIGN_OR_RETURN(token, ReadSmallFile(web.metrics_token_file(), "web.metrics_token_file"));
    token = std::string(absl::StripAsciiWhitespace(token));
    if (token.size() < 16) {
      return absl::InvalidArgumentError(
          "web.metrics_token_file: the token must be at least 16 characters");
    }
  }
  const std::string chart_dir =
      web.chart_js_dir().empty() ? "/usr/share/javascript/chart.js" : web.chart_js_dir();
  TH_ASSIGN_OR_RETURN(std::string chart_js,
                      ReadSmallFile(chart_dir + "/chart.min.js",
                                    "web.chart_js_dir (Debian package libjs-chart.js)"));
  if (web.insecure_http()) {
    console->server_ = std::make_unique<httplib::Server>();
  } else {
    // Read first, so that a missing or unreadable file is named (httplib only says invalid).
    TH_RETURN_IF_ERROR(ReadSmallFile(web.cert_file(), "web.cert_file").status());
    TH_RETURN_IF_ERROR(ReadSmallFile(web.key_file(), "web.key_file").status());
    auto server =
        std::make_unique<httplib::SSLServer>(web.cert_file().c_str(), web.key_file().c_str());
    if (!server->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("web.cert_file / web.key_file: ", web.cert_file(), " and ", web.key_file(),
                       " are not a PEM certificate chain and its private key"));
    }
    console->server_ = std::move(server);
  }
  console->handlers_ = std::make_unique<Handlers>(console->web_, console->node_, console->services_,
                                                  &console->sessions_, std::move(*accounts), token,
                                                  std::move(chart_js));
  httplib::Server& server = *console->server_;
  server.set_payload_max_length(kMaxBodyBytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_max_count(100);
  server.set_default_headers({{"Content-Security-Policy", kCsp},
                              {"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "same-origin"},
                              {"Cache-Control", "no-store"}});
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_content(absl::StrCat(res.status, res.status == 404 ? " not found" : "", "\n"),
                      "text/plain; charset=utf-8");
    }
  });
  console->handlers_->Register(&server);
  const std::string& listen = web.listen_address();
  const std::string host = listen.substr(0, listen.rfind(':'));
  int port = 0;
  if (!absl::SimpleAtoi(listen.substr(listen.rfind(':') + 1), &port)) port = -1;
  if (port == 0) {
    console->port_ = server.bind_to_any_port(host);
  } else if (port > 0 && server.bind_to_port(host, port)) {
    console->port_ = port;
  }
  if (console->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("web.listen_address: cannot listen on ", listen, " (in use?)"));
  }
  console->thread_ = std::thread([s = console->server_.get()] { s->listen_after_bind(); });
  if (web.insecure_http()) {
    LogWarning("console: INSECURE plain HTTP on ", host, ":", console->port_,
               ". Development only.");
  } else {
    LogInfo("console: HTTPS on ", host, ":", console->port_);
  }
  return console;
}

void Console::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tierhub::console
