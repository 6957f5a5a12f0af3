#include "testing/testing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace hetong::testing {

std::string TestDataPath(const std::string& relative) {
  const char* env = std::getenv("HETONG_TESTDATA");
  std::string base = env && *env ? env : HETONG_TESTDATA_DIR;
  return base + "/" + relative;
}

nlohmann::json LoadJson(const std::string& relative) {
  std::ifstream in(TestDataPath(relative));
  if (!in) {
    ADD_FAILURE() << "cannot open test data " << relative;
    return nlohmann::json();
  }
  return nlohmann::json::parse(in);
}

std::vector<uint8_t> Hex(const std::string& hex) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    std::abort();
  };
  if (hex.size() % 2) std::abort();
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(val(hex[2 * i]) << 4 | val(hex[2 * i + 1]));
  }
  return out;
}

std::string ToHex(std::span<const uint8_t> data) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t b : data) {
    s.push_back(d[b >> 4]);
    s.push_back(d[b & 15]);
  }
  return s;
}

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/hetong-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& name, std::span<const uint8_t> data) const {
  std::ofstream out(File(name), std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

void TempDir::Write(const std::string& name, const std::string& text) const {
  std::ofstream out(File(name), std::ios::binary);
  out << text;
}

std::vector<uint8_t> TempDir::Read(const std::string& name) const {
  std::ifstream in(File(name), std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data,
                         const std::map<std::string, std::string>& env) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) {
    return result;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
  for (const auto& [k, v] : env) env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = "cannot start " + argv[0];
    return result;
  }
  size_t in_off = 0;
  int in_fd = in_pipe[1];
  if (stdin_data.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open || in_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    int oi = -1, ei = -1, ii = -1;
    if (out_open) {
      fds[n] = {out_pipe[0], POLLIN, 0};
      oi = n++;
    }
    if (err_open) {
      fds[n] = {err_pipe[0], POLLIN, 0};
      ei = n++;
    }
    if (in_fd >= 0) {
      fds[n] = {in_fd, POLLOUT, 0};
      ii = n++;
    }
    if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (oi >= 0 && fds[oi].revents) {
      ssize_t r = read(out_pipe[0], buf, sizeof buf);
      if (r <= 0)
        out_open = false;
      else
        result.out.append(buf, static_cast<size_t>(r));
    }
    if (ei >= 0 && fds[ei].revents) {
      ssize_t r = read(err_pipe[0], buf, sizeof buf);
      if (r <= 0)
        err_open = false;
      else
        result.err.append(buf, static_cast<size_t>(r));
    }
    if (ii >= 0 && fds[ii].revents) {
      ssize_t w = write(in_fd, stdin_data.data() + in_off, stdin_data.size() - in_off);
      if (w > 0) in_off += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN) in_off = stdin_data.size();
      if (in_off >= stdin_data.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string HetongBinary() {
  const char* bin = std::getenv("HETONG_BIN");
  return bin && *bin ? bin : HETONG_BIN_DEFAULT;
}

bool HaveProgram(const std::string& program) {
  return RunCommand({"sh", "-c", "command -v " + program}).exit_code == 0;
}

}  // namespace hetong::testing

namespace hetong::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

ServerProcess::ServerProcess(const std::string& data_dir, int port, const std::string& log_file,
                             bool https)
    : port_(port), https_(https) {
  std::string cmd = "exec \"" + HetongBinary() + "\" serve --data \"" + data_dir +
                    "\" --listen 127.0.0.1:" + std::to_string(port) + " > \"" + log_file +
                    "\" 2>&1";
  std::vector<std::string> args = {"sh", "-c", cmd};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, "sh", nullptr, nullptr, argv.data(), environ) != 0) return;
  pid_ = pid;
  for (int i = 0; i < 200; ++i) {
    auto r = RunCommand({"curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                         "2", url() + "/healthz"});
    if (r.out == "200") {
      ready_ = true;
      return;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

ServerProcess::~ServerProcess() { Stop(); }

}  // namespace hetong::testing
