// tierhubd: the tier node daemon. One binary for every tier; the config says which.
//
//   tierhubd --config=/etc/tierhub/node.textproto [--listen_address=...] [--store_path=...]
//
// SIGTERM or SIGINT: stop accepting, finish in-flight batches, flush, exit 0. A node whose store
// can take writes again only after a reopen restarts itself in this process (Node::Options).
#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/fault_points.h"
#include "services/common/log.h"
#include "services/node/config.h"
#include "services/node/node.h"

ABSL_FLAG(std::string, config, "", "Node config file (protobuf text format or JSON). Required.");
ABSL_FLAG(std::string, listen_address, "", "Overrides listen_address from the config.");
ABSL_FLAG(std::string, parent_address, "", "Overrides parent_address from the config.");
ABSL_FLAG(std::string, store_path, "", "Overrides store_path from the config.");
ABSL_FLAG(std::string, web_port_file, "",
          "If set, the web console's bound port is written to this file (before --port_file).");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once serving (for port 0).");

// jemalloc's settings, read when it starts (ignored by glibc's malloc). Memory freed after a
// large stream goes back to the system within about a second (muzzy pages, which MADV_FREE
// leaves counted in RSS until the kernel wants them, are skipped), from a background thread so
// that an idle node returns it too: with jemalloc's defaults, 50 hostile clients left a node
// at 600 MB for 10 s after they stopped, against about 110 MB (docs/LIMITS.md, bench/run
// hostile). An operator's MALLOC_CONF still overrides this.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tierhub tier node daemon.\n\n"
      "Example:\n  tierhubd --config=deploy/demo/province.textproto\n\n"
      "The config (a tierhub.v1.NodeConfig) names the node, its tier and region, where it\n"
      "listens, its parent, its store and its TLS files. See deploy/ for samples.");
  absl::ParseCommandLine(argc, argv);
#ifdef NDEBUG
  // Debian's Abseil is built with its mutex deadlock detector on: it keeps a graph of lock
  // orders updated on every lock, about 1% of a node's CPU. Debug builds (and the tests under
  // the sanitizers) keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  if (absl::GetFlag(FLAGS_config).empty()) {
    std::fprintf(stderr, "tierhubd: --config is required (see --help)\n");
    return 2;
  }
  auto config = tierhub::node::LoadNodeConfig(absl::GetFlag(FLAGS_config));
  if (!config.ok()) {
    std::fprintf(stderr, "tierhubd: %s\n", config.status().ToString().c_str());
    return 2;
  }
  if (!absl::GetFlag(FLAGS_listen_address).empty()) {
    config->set_listen_address(absl::GetFlag(FLAGS_listen_address));
  }
  if (!absl::GetFlag(FLAGS_parent_address).empty()) {
    config->set_parent_address(absl::GetFlag(FLAGS_parent_address));
  }
  if (!absl::GetFlag(FLAGS_store_path).empty()) {
    config->set_store_path(absl::GetFlag(FLAGS_store_path));
  }
  // Fault points for process tests (services/common/fault_points.h, docs/FAULTS.md).
  if (const char* faults = std::getenv(tierhub::faults::kFaultsEnvVar); faults && *faults) {
    if (absl::Status armed = tierhub::faults::ArmFromSpec(faults); !armed.ok()) {
      std::fprintf(stderr, "tierhubd: %s: %s\n", tierhub::faults::kFaultsEnvVar,
                   armed.ToString().c_str());
      return 2;
    }
    std::fprintf(stderr, "tierhubd: FAULT POINTS ARMED (%s=%s): for tests only\n",
                 tierhub::faults::kFaultsEnvVar, faults);
  }

  // Signals are taken synchronously by one thread; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // renewed TLS files: Node::ReloadTls
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::Mutex mu;
  int stop_signal = 0;         // guarded by mu
  int reloads = 0;             // SIGHUPs not yet handled; guarded by mu
  std::string restart_reason;  // guarded by mu
  std::thread([&signals, &mu, &stop_signal, &reloads] {
    while (true) {
      int signal = 0;
      sigwait(&signals, &signal);
      absl::MutexLock lock(&mu);
      if (signal != SIGHUP) {
        stop_signal = signal;
        return;
      }
      ++reloads;
    }
  }).detach();

  tierhub::node::Node::Options options;
  options.config = *config;
  options.clock = tierhub::SystemClock::Get();
  options.restart = [&mu, &restart_reason](const std::string& why) {
    absl::MutexLock lock(&mu);
    restart_reason = why;
  };
  // A node whose store opened read-only on a full disk restarts itself, in this process, once
  // the disk has room (docs/OPERATIONS.md, "Disk full"). Restarts are spaced out, doubling from
  // 2 s to 5 min, while the node keeps serving, so that one that lands read-only again does
  // not loop.
  absl::Duration spacing = absl::Seconds(2);
  while (true) {
    const absl::Time started = absl::Now();
    auto node = tierhub::node::Node::Start(options);
    if (!node.ok()) {
      std::fprintf(stderr, "tierhubd: %s\n", node.status().ToString().c_str());
      return 1;
    }
    // A restart listens on the same port.
    options.config.set_listen_address((*node)->address());
    if ((*node)->web_port() > 0) {
      const std::string& web = options.config.web().listen_address();
      options.config.mutable_web()->set_listen_address(
          absl::StrCat(web.substr(0, web.rfind(':')), ":", (*node)->web_port()));
      if (!absl::GetFlag(FLAGS_web_port_file).empty()) {
        const std::string path = absl::GetFlag(FLAGS_web_port_file);
        const std::string tmp = path + ".tmp";
        if (FILE* f = std::fopen(tmp.c_str(), "w")) {
          std::fprintf(f, "%d\n", (*node)->web_port());
          std::fclose(f);
          std::rename(tmp.c_str(), path.c_str());
        }
      }
    }
    if (!absl::GetFlag(FLAGS_port_file).empty()) {
      const std::string path = absl::GetFlag(FLAGS_port_file);
      const std::string tmp = path + ".tmp";
      if (FILE* f = std::fopen(tmp.c_str(), "w")) {
        std::fprintf(f, "%d\n", (*node)->port());
        std::fclose(f);
        std::rename(tmp.c_str(), path.c_str());
      }
    }
    std::string why;
    {
      absl::MutexLock lock(&mu);
      auto stop_or_restart = [&] { return stop_signal != 0 || !restart_reason.empty(); };
      auto woken = [&] { return stop_or_restart() || reloads > 0; };
      while (true) {
        mu.Await(absl::Condition(&woken));
        if (stop_or_restart()) break;
        reloads = 0;
        mu.Unlock();
        tierhub::LogInfo("received SIGHUP: reloading the TLS files");
        auto reloaded = (*node)->ReloadTls();
        if (reloaded.ok()) {
          tierhub::LogInfo("TLS files reloaded: new connections use the certificate valid until ",
                           *reloaded);
        } else {
          tierhub::LogError("TLS files NOT reloaded, the old ones stay in use: ",
                            reloaded.status().message());
        }
        mu.Lock();
      }
      if (stop_signal == 0) {
        auto stop = [&] { return stop_signal != 0; };
        mu.AwaitWithDeadline(absl::Condition(&stop), started + spacing);
      }
      if (stop_signal != 0) {
        tierhub::LogInfo("received ", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
      } else {
        why = restart_reason;
        restart_reason.clear();
      }
    }
    (*node)->Shutdown();
    if (why.empty()) return 0;
    tierhub::LogInfo("restarting: ", why);
    spacing = std::min(spacing * 2, absl::Minutes(5));
  }
}
