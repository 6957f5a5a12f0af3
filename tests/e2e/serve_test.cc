// `hetong init` + `hetong serve`: the server answers /healthz and stops cleanly on SIGTERM.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "testing/testing.h"

extern char** environ;

namespace hetong {
namespace {

TEST(ServeTest, HealthzAndCleanShutdown) {
  testing::TempDir dir;
  std::string data = dir.File("inst");
  int port = testing::FreePort();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  auto init =
      testing::RunCommand({testing::HetongBinary(), "init", "--data", data, "--listen", listen});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  // A second init refuses to overwrite.
  EXPECT_EQ(testing::RunCommand({testing::HetongBinary(), "init", "--data", data}).exit_code, 2);

  std::string bin = testing::HetongBinary();
  std::string log = dir.File("serve.log");
  std::vector<std::string> args = {
      "sh", "-c", "exec \"" + bin + "\" serve --data \"" + data + "\" > \"" + log + "\" 2>&1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  ASSERT_EQ(posix_spawnp(&pid, "sh", nullptr, nullptr, argv.data(), environ), 0);
  std::string url = "http://" + listen + "/healthz";
  testing::CommandResult health;
  for (int i = 0; i < 100; ++i) {
    health = testing::RunCommand({"curl", "-s", "--max-time", "2", url});
    if (health.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_NE(health.out.find("\"status\":\"ok\""), std::string::npos) << health.out;
  // The instance is locked while served.
  EXPECT_EQ(testing::RunCommand({testing::HetongBinary(), "serve", "--data", data}).exit_code, 2);
  auto start = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(took, std::chrono::seconds(5));
  auto text = dir.Read("serve.log");
  EXPECT_NE(std::string(text.begin(), text.end()).find("stopped cleanly"), std::string::npos);
}

}  // namespace
}  // namespace hetong
