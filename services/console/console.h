// Console: a node's built-in web console, JSON API and /metrics (docs/CONSOLE.md). It has no
// authorization of its own: a logged-in user's account carries an identity of the same form
// as a certificate's, and every page and API call goes through the same auth code and service
// methods as the gRPC API with that identity, so a user sees exactly what the identity may read
// through gRPC. Off unless the node config has a `web` section. Thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_CONSOLE_H_
#define TIERHUB_SERVICES_CONSOLE_CONSOLE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/auth/node_context.h"
#include "services/console/sessions.h"
#include "tierhub/v1/config.pb.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace tierhub {
namespace coordinator {
class CoordinatorService;
}  // namespace coordinator
namespace registry {
class Lists;
}  // namespace registry
namespace enforcement {
class EnforcementService;
class ElectricityWatchService;
}  // namespace enforcement
namespace plans {
class PlansService;
}  // namespace plans
namespace exchange {
class ExchangeService;
}  // namespace exchange
namespace store {
class Store;
}  // namespace store

namespace console {

// What the console reads, in process; every pointer is borrowed and must outlive the console.
struct ConsoleServices {
  coordinator::CoordinatorService* coordinator = nullptr;
  registry::Lists* lists = nullptr;
  enforcement::EnforcementService* enforcement = nullptr;
  enforcement::ElectricityWatchService* electricity = nullptr;
  plans::PlansService* plans = nullptr;
  exchange::ExchangeService* exchange = nullptr;
  store::Store* store = nullptr;
};

class Console {
 public:
  // Loads the accounts file, the TLS files and the metrics token, binds web.listen_address and
  // serves. INVALID_ARGUMENT / NOT_FOUND name the config field and the file; UNAVAILABLE if the
  // address cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Console>> Start(const v1::WebConfig& web,
                                                                      const auth::NodeContext& node,
                                                                      ConsoleServices services);
  ~Console();  // calls Stop()

  // Stops listening and waits for requests in flight. Idempotent.
  void Stop();
  int port() const { return port_; }

  class Handlers;  // console.cc: the routes

 private:
  Console(const v1::WebConfig& web, const auth::NodeContext& node, ConsoleServices services);

  const v1::WebConfig web_;
  const auth::NodeContext node_;
  const ConsoleServices services_;
  Sessions sessions_;
  std::unique_ptr<Handlers> handlers_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace console
}  // namespace tierhub

#endif  // TIERHUB_SERVICES_CONSOLE_CONSOLE_H_
