// Helpers for hetong's tests: test data files, JSON vectors, temporary directories and
// running real external programs (openssl, pdfsig, qpdf, the hetong binary) as subprocesses.
//
// Thread-safety: RunCommand is safe to call concurrently; the rest are plain helpers.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hetong::testing {

// Absolute path of a file under testdata/.
std::string TestDataPath(const std::string& relative);
// Parses testdata/<relative> as JSON (fails the test when it cannot).
nlohmann::json LoadJson(const std::string& relative);
// Hex to bytes; aborts on bad hex (test literals only).
std::vector<uint8_t> Hex(const std::string& hex);
std::string ToHex(std::span<const uint8_t> data);

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, std::span<const uint8_t> data) const;
  void Write(const std::string& name, const std::string& text) const;
  std::vector<uint8_t> Read(const std::string& name) const;

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when the program could not be started or was killed
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with the given arguments and stdin, waits for it, and
// returns its exit code and output. `env` entries are added to the environment.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                         const std::map<std::string, std::string>& env = {});

// Path of the hetong binary under test (from $HETONG_BIN).
std::string HetongBinary();

// True if `program` is found in PATH.
bool HaveProgram(const std::string& program);

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int FreePort();

// `hetong serve` on an instance directory, started and stopped by the test.
class ServerProcess {
 public:
  // Starts `hetong serve --data dir --listen 127.0.0.1:port` and waits until /healthz answers
  // (over HTTPS, without checking the certificate, when `https`).
  ServerProcess(const std::string& data_dir, int port, const std::string& log_file,
                bool https = false);
  ~ServerProcess();  // SIGTERM, then wait
  bool running() const { return pid_ > 0 && ready_; }
  std::string url() const {
    return (https_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_);
  }
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();
  // SIGKILL (crash tests).
  void Kill();

 private:
  int pid_ = -1;
  int port_;
  bool https_ = false;
  bool ready_ = false;
};

}  // namespace hetong::testing
