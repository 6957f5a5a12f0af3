#include "evidence/scheduler.h"

#include <spdlog/spdlog.h>

namespace hetong::evidence {

HeadScheduler::HeadScheduler(EvidenceLog& log, const crypto::Signer& signer,
                             pki::TimestampSource* tsa, std::chrono::milliseconds interval)
    : log_(log), signer_(signer), tsa_(tsa), interval_(interval) {}

HeadScheduler::~HeadScheduler() { Stop(); }

void HeadScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void HeadScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

StatusOr<SignedTreeHead> HeadScheduler::SignNow() {
  auto head = log_.SignHead(signer_, tsa_);
  std::lock_guard<std::mutex> lock(mu_);
  ++ticks_;
  last_status_ = head.status();
  return head;
}

Status HeadScheduler::last_status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_status_;
}

uint64_t HeadScheduler::ticks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ticks_;
}

void HeadScheduler::Loop() {
  while (true) {
    auto head = SignNow();
    if (!head.ok()) {
      spdlog::warn("evidence: signing a tree head failed: {}", head.status().ToString());
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) return;
  }
}

}  // namespace hetong::evidence
