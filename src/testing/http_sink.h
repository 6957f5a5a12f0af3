// A minimal HTTP/1.1 server for tests of outgoing requests (webhooks, SMS gateways): listens
// on 127.0.0.1 on an ephemeral port, reads each request (headers and a Content-Length body),
// keeps it for assertions and answers with a scripted status (200 unless told otherwise),
// one request per connection. It can also accept and never answer (client timeouts).
//
// Thread-safety: all methods may be called from the test thread while the sink runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hetong::testing {

class HttpSink {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
  };

  HttpSink();
  ~HttpSink();
  HttpSink(const HttpSink&) = delete;
  HttpSink& operator=(const HttpSink&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // The next requests are answered with these statuses, in order; then 200 again.
  void Respond(std::vector<int> statuses);
  void SetSilent(bool silent) { silent_ = silent; }

  std::vector<Request> requests() const;
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void Run();
  void Serve(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silent_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<int> statuses_;
  std::vector<Request> requests_;
};

}  // namespace hetong::testing
