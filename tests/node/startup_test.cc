// A node that cannot start says which config field is wrong and why: each TLS file is checked
// with OpenSSL before the store opens (unreadable, empty, a directory, not PEM, a key that is
// not the certificate's), and a port that another node holds is refused instead of shared.
// In-process with Node::Start, and as real tierhubd processes.
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/local_cluster/process.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/node/node.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::node {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testutil::Holds;
using testutil::WaitUntil;

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class NodeStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = dir_.Sub("certs");
    // Two nodes' certificates from the dev CA (deploy/dev-ca.sh), as operators get them.
    for (const char* args : {"node sd 440606", "node nh 440605"}) {
      const std::string command =
          absl::StrCat(DEV_CA_PATH, " ", certs_, " ", args, " >/dev/null 2>&1");
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
  }

  v1::NodeConfig Config(const std::string& ca, const std::string& cert, const std::string& key) {
    v1::NodeConfig config;
    config.set_node_id("sd");
    config.set_tier(v1::REGION_LEVEL_COUNTY);
    config.set_region_code("440606");
    config.set_listen_address("127.0.0.1:0");
    config.set_store_path(dir_.Sub(absl::StrCat("store-", ++stores_)));
    config.mutable_tls()->set_ca_file(ca);
    config.mutable_tls()->set_cert_file(cert);
    config.mutable_tls()->set_key_file(key);
    return config;
  }
  v1::NodeConfig GoodConfig() { return Config(Cert("ca.pem"), Cert("sd.pem"), Cert("sd.key")); }

  absl::StatusOr<std::unique_ptr<Node>> Start(v1::NodeConfig config) {
    Node::Options options;
    options.config = std::move(config);
    options.clock = SystemClock::Get();
    return Node::Start(std::move(options));
  }

  // Starts with `config`, expects INVALID_ARGUMENT with `message` and no store created.
  void ExpectRefused(const v1::NodeConfig& config, const std::string& message) {
    auto node = Start(config);
    ASSERT_FALSE(node.ok()) << "started despite: " << message;
    EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument) << node.status();
    EXPECT_THAT(std::string(node.status().message()), HasSubstr(message));
    EXPECT_THAT(std::string(node.status().message()), Not(HasSubstr("listen_address")));
    EXPECT_FALSE(std::filesystem::exists(config.store_path())) << "the store was opened";
  }

  std::string Cert(const std::string& name) const { return absl::StrCat(certs_, "/", name); }
  std::string File(const std::string& name, const std::string& text) const {
    const std::string path = dir_.Sub(name);
    Write(path, text);
    return path;
  }

  // Starts tierhubd as the city fs (440600) with the dev CA's certificate fs.pem; returns its
  // address ("" if it did not come up).
  std::string StartCity(local_cluster::Process* tierhubd, const std::string& log) {
    const std::string fs =
        absl::StrCat(DEV_CA_PATH, " ", certs_, " node fs 440600 >/dev/null 2>&1");
    if (std::system(fs.c_str()) != 0) return "";
    v1::NodeConfig config = Config(Cert("ca.pem"), Cert("fs.pem"), Cert("fs.key"));
    config.set_tier(v1::REGION_LEVEL_CITY);
    config.set_region_code("440600");
    config.set_node_id("fs");
    std::ostringstream text;
    text << config.DebugString();
    const std::string port_file = dir_.Sub("fs.port");
    if (!tierhubd->Start({TIERHUBD_PATH, "--config=" + File("fs.textproto", text.str()),
                          "--port_file=" + port_file},
                         log)) {
      return "";
    }
    std::string address;
    EXPECT_TRUE(WaitUntil(
        [&] {
          const std::string port = Read(port_file);
          if (port.empty() || port.back() != '\n') return false;
          address = absl::StrCat("127.0.0.1:", port.substr(0, port.size() - 1));
          return true;
        },
        absl::Seconds(60), "the city writes its port file"));
    return address;
  }

  // Waits (bounded) until `log` holds `text`.
  ::testing::AssertionResult LogShows(const std::string& log, const std::string& text) {
    return WaitUntil([&] { return Holds(Read(log), HasSubstr(text)); }, absl::Seconds(30),
                     "the log shows it");
  }

  testutil::TempDir dir_;
  std::string certs_;
  int stores_ = 0;
};

TEST_F(NodeStartupTest, GoodTlsFilesStart) {
  auto node = Start(GoodConfig());
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_GT((*node)->port(), 0);
}

TEST_F(NodeStartupTest, AnotherNodesKeyIsNamedAsNotTheCertificatesKey) {
  ExpectRefused(Config(Cert("ca.pem"), Cert("sd.pem"), Cert("nh.key")),
                absl::StrCat("tls.key_file: ", Cert("nh.key"),
                             " does not match the certificate in tls.cert_file ", Cert("sd.pem")));
}

TEST_F(NodeStartupTest, AGarbageCertificateIsNamedAsNotPem) {
  const std::string garbage = File("garbage.pem", "this is not a certificate\n");
  ExpectRefused(Config(Cert("ca.pem"), garbage, Cert("sd.key")),
                absl::StrCat("tls.cert_file: ", garbage, " holds no PEM certificate"));
  // PEM armour around a damaged body is no certificate either.
  const std::string damaged =
      File("damaged.pem", "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n");
  ExpectRefused(Config(Cert("ca.pem"), damaged, Cert("sd.key")),
                absl::StrCat("tls.cert_file: ", damaged, " holds no PEM certificate (OpenSSL: "));
  // A certificate where the key should be.
  ExpectRefused(
      Config(Cert("ca.pem"), Cert("sd.pem"), Cert("sd.pem")),
      absl::StrCat("tls.key_file: ", Cert("sd.pem"), " is not an unencrypted PEM private key"));
}

TEST_F(NodeStartupTest, AnEmptyOrMissingFileIsNamed) {
  const std::string empty = File("empty.key", "");
  ExpectRefused(Config(Cert("ca.pem"), Cert("sd.pem"), empty),
                absl::StrCat("tls.key_file: ", empty, " is empty"));
  const std::string missing = dir_.Sub("absent.pem");
  ExpectRefused(
      Config(Cert("ca.pem"), missing, Cert("sd.key")),
      absl::StrCat("tls.cert_file: ", missing, " cannot be read (No such file or directory)"));
}

// Before: an empty or directory ca_file started a node that then refused every client.
TEST_F(NodeStartupTest, AnUnusableCaFileIsRefusedAtStart) {
  const std::string empty = File("empty-ca.pem", "\n");
  ExpectRefused(Config(empty, Cert("sd.pem"), Cert("sd.key")),
                absl::StrCat("tls.ca_file: ", empty, " is empty"));
  ExpectRefused(Config(certs_, Cert("sd.pem"), Cert("sd.key")),
                absl::StrCat("tls.ca_file: ", certs_, " is a directory, not a PEM file"));
  ExpectRefused(Config(Cert("sd.key"), Cert("sd.pem"), Cert("sd.key")),
                absl::StrCat("tls.ca_file: ", Cert("sd.key"), " holds no PEM certificate"));
}

// Before: a node started with an expired certificate, or one another CA issued, and then
// every peer refused it.
TEST_F(NodeStartupTest, AnExpiredOwnCertificateIsRefusedAtStart) {
  // The dev CA's node certificates are valid for 825 days; the node's clock says 900 days on.
  FakeClock later(absl::Now() + absl::Hours(24 * 900));
  Node::Options options;
  options.config = GoodConfig();
  options.clock = &later;
  auto node = Node::Start(options);
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument) << node.status();
  EXPECT_THAT(std::string(node.status().message()),
              HasSubstr(absl::StrCat("tls.cert_file: ", Cert("sd.pem"), " expired at ")));
  EXPECT_FALSE(std::filesystem::exists(options.config.store_path()));
}

TEST_F(NodeStartupTest, ACertificateNotIssuedByTheCaFileIsRefusedAtStart) {
  const std::string other = dir_.Sub("other-ca");
  const std::string command =
      absl::StrCat(DEV_CA_PATH, " ", other, " node sd 440606 >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  ExpectRefused(Config(Cert("ca.pem"), other + "/sd.pem", other + "/sd.key"),
                absl::StrCat("tls.cert_file: ", other,
                             "/sd.pem is not issued by a CA in "
                             "tls.ca_file ",
                             Cert("ca.pem"), " (OpenSSL: unable to get local issuer certificate)"));
}

// The certificate a node at `address` presents, seen by a client with the county sd's
// certificate over `channel` (a new one if null); "" if the call failed.
std::string PresentedCertificate(const std::string& address, const std::string& certs,
                                 std::shared_ptr<grpc::Channel> channel = nullptr) {
  if (channel == nullptr) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Read(certs + "/ca.pem");
    ssl.pem_cert_chain = Read(certs + "/sd.pem");
    ssl.pem_private_key = Read(certs + "/sd.key");
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    channel = grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
  }
  auto stub = v1::Exchange::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::SyncStatusResponse response;
  // sd may read its parent's sync status: an answer shows that the node knows the caller
  // by its certificate, as before the copies.
  if (!stub->GetSyncStatus(&context, v1::SyncStatusRequest(), &response).ok()) return "";
  auto pem = context.auth_context()->FindPropertyValues("x509_pem_cert");
  return pem.empty() ? "" : std::string(pem.front().data(), pem.front().size());
}

// A certificate renewed on disk is taken on SIGHUP: new connections get it, an open one keeps
// working; a bad renewal is refused with its reason and the certificate in use stays.
TEST_F(NodeStartupTest, RenewedCertificateIsTakenOnSighupWithoutDroppingConnections) {
  const std::string log = dir_.Sub("fs.log");
  local_cluster::Process tierhubd;
  const std::string address = StartCity(&tierhubd, log);
  ASSERT_FALSE(address.empty()) << Read(log);
  const std::string old_pem = Read(Cert("fs.pem"));
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Read(Cert("ca.pem"));
  ssl.pem_cert_chain = Read(Cert("sd.pem"));
  ssl.pem_private_key = Read(Cert("sd.key"));
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto open = grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
  ASSERT_EQ(PresentedCertificate(address, certs_, open), old_pem) << Read(log);

  // Renewed on disk (a new key and certificate), but not yet taken: no SIGHUP yet.
  const std::string renew =
      absl::StrCat(DEV_CA_PATH, " ", certs_, " node fs 440600 >/dev/null 2>&1");
  ASSERT_EQ(std::system(renew.c_str()), 0);
  const std::string new_pem = Read(Cert("fs.pem"));
  ASSERT_NE(new_pem, old_pem);
  absl::SleepFor(absl::Seconds(2));  // longer than the copies' refresh
  EXPECT_EQ(PresentedCertificate(address, certs_), old_pem);

  ASSERT_EQ(kill(tierhubd.pid(), SIGHUP), 0);
  EXPECT_TRUE(LogShows(log, "TLS files reloaded")) << Read(log);
  EXPECT_TRUE(WaitUntil([&] { return PresentedCertificate(address, certs_) == new_pem; },
                        absl::Seconds(20), "new connections get the renewed certificate"))
      << Read(log);
  // The connection opened before the renewal still answers.
  EXPECT_EQ(PresentedCertificate(address, certs_, open), old_pem) << Read(log);

  // A broken renewal (the key of another node) is refused, naming the file; fs.pem stays.
  std::filesystem::copy_file(Cert("nh.key"), Cert("fs.key"),
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(kill(tierhubd.pid(), SIGHUP), 0);
  EXPECT_TRUE(LogShows(log, "TLS files NOT reloaded, the old ones stay in use: tls.key_file: "))
      << Read(log);
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(PresentedCertificate(address, certs_), new_pem) << Read(log);
  EXPECT_EQ(tierhubd.Terminate(), 0) << Read(log);
}

// Before: gRPC's SO_REUSEPORT let the second node bind too, and the two shared connections.
TEST_F(NodeStartupTest, APortInUseIsRefusedNotShared) {
  auto first = Start(GoodConfig());
  ASSERT_TRUE(first.ok()) << first.status();
  v1::NodeConfig second = GoodConfig();
  const std::string address = absl::StrCat("127.0.0.1:", (*first)->port());
  second.set_listen_address(address);
  auto refused = Start(second);
  ASSERT_FALSE(refused.ok()) << "a second node started on " << address;
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(absl::StrCat("listen_address: cannot listen on ", address,
                                     ": address already in use")));
}

// The same through tierhubd: it exits 1 and its last line names the field and the cause.
TEST_F(NodeStartupTest, TierhubdExitsNamingTheFieldAndTheCause) {
  auto holder = Start(GoodConfig());
  ASSERT_TRUE(holder.ok()) << holder.status();
  struct Case {
    std::string name;
    v1::NodeConfig config;
    std::string expected;
  };
  v1::NodeConfig same_port = GoodConfig();
  same_port.set_listen_address(absl::StrCat("127.0.0.1:", (*holder)->port()));
  const Case cases[] = {
      {"wrong-key", Config(Cert("ca.pem"), Cert("sd.pem"), Cert("nh.key")),
       absl::StrCat("tls.key_file: ", Cert("nh.key"), " does not match the certificate")},
      {"empty-ca", Config(File("empty.pem", ""), Cert("sd.pem"), Cert("sd.key")),
       absl::StrCat("tls.ca_file: ", dir_.Sub("empty.pem"), " is empty")},
      {"same-port", same_port, "address already in use"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::ostringstream text;
    text << c.config.DebugString();
    const std::string config_path = File(c.name + ".textproto", text.str());
    const std::string log = dir_.Sub(c.name + ".log");
    local_cluster::Process tierhubd;
    ASSERT_TRUE(tierhubd.Start({TIERHUBD_PATH, "--config=" + config_path}, log));
    const std::optional<int> code = tierhubd.WaitForExit(absl::Seconds(60));
    ASSERT_TRUE(code.has_value()) << "tierhubd is still running; log:\n" << Read(log);
    EXPECT_EQ(*code, 1) << Read(log);
    EXPECT_THAT(Read(log), HasSubstr(c.expected));
  }
}

// TIERHUB_FAULTS arms fault points in a real tierhubd (docs/FAULTS.md); a name that is no
// point (a typo would otherwise test nothing) stops it at start, naming the item.
TEST_F(NodeStartupTest, AnUnknownFaultPointInTheEnvironmentStopsTierhubd) {
  std::ostringstream text;
  text << GoodConfig().DebugString();
  const std::string config_path = File("faults.textproto", text.str());
  const std::string log = dir_.Sub("faults.log");
  ASSERT_EQ(setenv("TIERHUB_FAULTS", "exchange.parent.pull_start=error,exchange.nope=crash", 1), 0);
  local_cluster::Process tierhubd;
  const bool started = tierhubd.Start({TIERHUBD_PATH, "--config=" + config_path}, log);
  ASSERT_EQ(unsetenv("TIERHUB_FAULTS"), 0);
  ASSERT_TRUE(started);
  const std::optional<int> code = tierhubd.WaitForExit(absl::Seconds(60));
  ASSERT_TRUE(code.has_value()) << "tierhubd is still running; log:\n" << Read(log);
  EXPECT_EQ(*code, 2) << Read(log);
  EXPECT_THAT(Read(log),
              HasSubstr("TIERHUB_FAULTS: INVALID_ARGUMENT: 'exchange.nope' is not a fault point"));
}

}  // namespace
}  // namespace tierhub::node
