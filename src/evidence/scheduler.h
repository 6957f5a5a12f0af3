// HeadScheduler: a thread that signs a tree head of the evidence log (EvidenceLog::SignHead)
// when it starts and then every `interval`, until stopped. A failed attempt (TSA down, store
// busy) is logged and retried at the next tick; last_status() reports it for /healthz.
//
// Thread-safety: Start/Stop/SignNow may be called from any thread; the Signer and the
// TimestampSource must be safe for concurrent use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "crypto/signature.h"
#include "evidence/log.h"
#include "pki/tsp.h"

namespace hetong::evidence {

class HeadScheduler {
 public:
  // `tsa` may be null (heads without time-stamps).
  HeadScheduler(EvidenceLog& log, const crypto::Signer& signer, pki::TimestampSource* tsa,
                std::chrono::milliseconds interval);
  ~HeadScheduler();  // Stop()
  HeadScheduler(const HeadScheduler&) = delete;
  HeadScheduler& operator=(const HeadScheduler&) = delete;

  // Starts the thread (once); it signs at once, then every interval.
  void Start();
  // Wakes the thread and waits for it; idempotent. Returns promptly whatever the interval.
  void Stop();
  // Signs now on the calling thread (what a tick does); records the outcome.
  StatusOr<SignedTreeHead> SignNow();

  Status last_status() const;
  uint64_t ticks() const;  // completed attempts

 private:
  void Loop();

  EvidenceLog& log_;
  const crypto::Signer& signer_;
  pki::TimestampSource* tsa_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool started_ = false;
  Status last_status_;
  uint64_t ticks_ = 0;
  std::thread thread_;
};

}  // namespace hetong::evidence
