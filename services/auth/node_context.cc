#include "services/auth/node_context.h"

#include <cstdio>
#include <cstdlib>

namespace tierhub::auth {

const Clock& RequireClock(const NodeContext& node) {
  if (node.clock == nullptr) {
    std::fprintf(stderr, "tierhub: node context of '%s' has no clock\n", node.node_id.c_str());
    std::abort();
  }
  return *node.clock;
}

}  // namespace tierhub::auth
