// What every service of a node knows about the node it runs in: its identity in the tree, its
// mode and its clock. Built once by the node (services/node) and passed by reference.
#ifndef TIERHUB_SERVICES_AUTH_NODE_CONTEXT_H_
#define TIERHUB_SERVICES_AUTH_NODE_CONTEXT_H_

#include <string>

#include "services/common/clock.h"

namespace tierhub::auth {

struct NodeContext {
  std::string node_id;
  std::string region_code;       // the node's jurisdiction (GB/T 2260)
  bool is_root = false;          // only the top node writes global reference data (e.g. rounds)
  bool insecure = false;         // identities from the x-tierhub-identity header (development only)
  const Clock* clock = nullptr;  // borrowed; required (services refuse to start without one)
};

// The node's clock. A context without one is a programming error, not a condition to recover
// from: the services have no clock of their own to fall back on, so this aborts, naming the node.
const Clock& RequireClock(const NodeContext& node);

}  // namespace tierhub::auth

#endif  // TIERHUB_SERVICES_AUTH_NODE_CONTEXT_H_
