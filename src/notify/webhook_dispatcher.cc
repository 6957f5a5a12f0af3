#include "notify/webhook_dispatcher.h"

#include <spdlog/spdlog.h>

namespace hetong::notify {

WebhookDispatcher::WebhookDispatcher(WebhookService& service, WebhookRepository& repo,
                                     HttpPoster& poster, const base::Clock& clock)
    : service_(service), repo_(repo), poster_(poster), clock_(clock) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

std::chrono::seconds WebhookDispatcher::RetryDelay(int attempts) const {
  const auto& schedule = service_.settings().retry_schedule;
  if (schedule.empty()) return std::chrono::seconds(60);
  size_t i = static_cast<size_t>(std::max(attempts, 1) - 1);
  return schedule[std::min(i, schedule.size() - 1)];
}

StatusOr<WebhookDispatcher::PassResult> WebhookDispatcher::RunOnce() {
  const WebhookSettings& settings = service_.settings();
  PassResult result;
  for (int round = 0; round < 50; ++round) {
    base::TimePoint now = clock_.Now();
    HETONG_ASSIGN_OR_RETURN(auto batch,
                            repo_.ClaimDeliveries(now, now + settings.lease, settings.batch));
    if (batch.empty()) break;
    for (auto d : batch) {
      HETONG_ASSIGN_OR_RETURN(auto hook, repo_.GetWebhook(d.webhook_id));
      WebhookAttempt a;
      a.delivery_id = d.id;
      a.attempt = d.attempts + 1;
      a.started_at = clock_.Now();
      if (!hook || !hook->active) {
        d.state = "cancelled";
        d.next_attempt_at.reset();
        d.last_error = "the webhook is inactive";
        a.error = d.last_error;
        HETONG_RETURN_IF_ERROR(repo_.RecordAttempt(d, a));
        ++result.cancelled;
        continue;
      }
      HETONG_ASSIGN_OR_RETURN(SecretBytes secret, service_.SecretOf(*hook));
      int64_t t = base::ToUnixSeconds(a.started_at);
      HttpHeaders headers = {
          {"Hetong-Event", d.event_type},
          {"Hetong-Delivery", d.id},
          {"Hetong-Timestamp", std::to_string(t)},
          {"Hetong-Signature", WebhookSignature(secret.Reveal(SecretAccess::Unsafe()), t, d.body)}};
      auto started = std::chrono::steady_clock::now();
      auto answer = poster_.Post(hook->url, headers, d.body);
      a.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      d.attempts = a.attempt;
      if (answer.ok()) {
        a.status = answer->status;
        d.last_status = answer->status;
        if (answer->status >= 200 && answer->status < 300) {
          d.state = "delivered";
          d.delivered_at = clock_.Now();
          d.next_attempt_at.reset();
          d.last_error.clear();
          HETONG_RETURN_IF_ERROR(repo_.RecordAttempt(d, a));
          ++result.delivered;
          continue;
        }
        a.error = "HTTP " + std::to_string(answer->status);
      } else {
        a.status = 0;
        d.last_status = 0;
        a.error = answer.status().ToString();
        if (a.error.size() > 500) a.error.resize(500);
      }
      d.last_error = a.error;
      if (d.attempts >= settings.max_attempts) {
        d.state = "failed";
        d.next_attempt_at.reset();
        spdlog::warn("notify: webhook delivery {} to {} failed after {} attempts: {}", d.id,
                     hook->id, d.attempts, a.error);
        ++result.failed;
      } else {
        d.next_attempt_at = clock_.Now() + RetryDelay(d.attempts);
        ++result.retried;
      }
      HETONG_RETURN_IF_ERROR(repo_.RecordAttempt(d, a));
    }
  }
  return result;
}

void WebhookDispatcher::Start() {
  thread_.Start(
      [this] {
        auto r = RunOnce();
        if (!r.ok()) spdlog::error("notify: webhook pass failed: {}", r.status().ToString());
      },
      service_.settings().interval);
}

}  // namespace hetong::notify
