#include "services/node/grpc_log.h"

#include <grpc/support/log.h>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace tierhub::node {
namespace {

void ToNodeLog(gpr_log_func_args* args) {
  const std::string line = absl::StrCat("grpc: ", args->message);
  switch (args->severity) {
    case GPR_LOG_SEVERITY_ERROR:
      LogError(line);
      break;
    case GPR_LOG_SEVERITY_INFO:
    case GPR_LOG_SEVERITY_DEBUG:
      LogInfo(line);
      break;
  }
}

}  // namespace

void RouteGrpcLogToNodeLog() { gpr_set_log_function(ToNodeLog); }

}  // namespace tierhub::node
