// The webhook dispatcher: POSTs pending deliveries (webhooks.h) and records every attempt.
// Each attempt is signed afresh (Hetong-Timestamp and the t= of Hetong-Signature are the time
// of the attempt; the body is the same bytes every time). A 2xx answer delivers; anything
// else, or no answer within the poster's timeout, schedules the next attempt after
// settings.retry_schedule[attempts - 1] (the last entry repeating) until
// settings.max_attempts, then the delivery is failed. Deliveries of an inactive webhook are
// cancelled. Deliveries are leased while in flight, so several nodes may run a dispatcher.
//
// Thread-safety: as OutboxWorker.
#pragma once

#include "base/clock.h"
#include "notify/http_post.h"
#include "notify/webhooks.h"
#include "notify/worker_thread.h"

namespace hetong::notify {

class WebhookDispatcher {
 public:
  // All arguments must outlive the dispatcher.
  WebhookDispatcher(WebhookService& service, WebhookRepository& repo, HttpPoster& poster,
                    const base::Clock& clock);
  ~WebhookDispatcher();

  struct PassResult {
    int delivered = 0;
    int retried = 0;
    int failed = 0;
    int cancelled = 0;
  };
  StatusOr<PassResult> RunOnce();

  void Start();
  void Notify() { thread_.Notify(); }
  void Stop() { thread_.Stop(); }

  // The wait after the `attempts`-th failed attempt.
  std::chrono::seconds RetryDelay(int attempts) const;

 private:
  WebhookService& service_;
  WebhookRepository& repo_;
  HttpPoster& poster_;
  const base::Clock& clock_;
  WorkerThread thread_;
};

}  // namespace hetong::notify
