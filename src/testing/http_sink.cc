#include "testing/http_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace hetong::testing {

HttpSink::HttpSink() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
}

HttpSink::~HttpSink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void HttpSink::Respond(std::vector<int> statuses) {
  std::lock_guard<std::mutex> lock(mu_);
  statuses_.assign(statuses.begin(), statuses.end());
}

std::vector<HttpSink::Request> HttpSink::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool HttpSink::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void HttpSink::Run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Serve(fd);
    close(fd);
  }
}

void HttpSink::Serve(int fd) {
  std::string data;
  Request req;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  while (!stop_) {
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = data.substr(0, header_end);
        size_t eol = head.find("\r\n");
        std::string first = head.substr(0, eol);
        req.method = first.substr(0, first.find(' '));
        size_t t = first.find(' ') + 1;
        req.target = first.substr(t, first.find(' ', t) - t);
        size_t pos = eol == std::string::npos ? head.size() : eol + 2;
        while (pos < head.size()) {
          size_t next = head.find("\r\n", pos);
          if (next == std::string::npos) next = head.size();
          std::string line = head.substr(pos, next - pos);
          size_t colon = line.find(':');
          if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            req.headers[name] = value;
          }
          pos = next + 2;
        }
        if (req.headers.count("content-length")) {
          content_length = std::stoul(req.headers["content-length"]);
        }
      }
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char chunk[4096];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return;
    data.append(chunk, static_cast<size_t>(n));
  }
  if (stop_) return;
  req.body = data.substr(header_end + 4, content_length);
  int status = 200;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(req);
    if (!statuses_.empty()) {
      status = statuses_.front();
      statuses_.pop_front();
    }
  }
  cv_.notify_all();
  if (silent_) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) {
        char c[256];
        if (recv(fd, c, sizeof c, 0) <= 0) return;
      }
    }
    return;
  }
  std::string answer = "HTTP/1.1 " + std::to_string(status) +
                       " Sink\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: "
                       "close\r\n\r\nok";
  send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
}

}  // namespace hetong::testing
