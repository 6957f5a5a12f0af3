#include "notify/outbox_worker.h"

#include <spdlog/spdlog.h>

namespace hetong::notify {

StatusOr<OutboxWorkerOptions> OutboxWorkerOptions::FromConfig(const base::Config& config) {
  OutboxWorkerOptions o;
  HETONG_ASSIGN_OR_RETURN(int64_t attempts, config.GetInt("notify.outbox_max_attempts", 8));
  if (attempts < 1 || attempts > 50) {
    return InvalidArgumentError("notify.outbox_max_attempts is 1 to 50");
  }
  o.max_attempts = static_cast<int>(attempts);
  HETONG_ASSIGN_OR_RETURN(int64_t first, config.GetInt("notify.outbox_first_retry_seconds", 30));
  if (first < 1 || first > 86400) {
    return InvalidArgumentError("notify.outbox_first_retry_seconds is 1 to 86400");
  }
  o.first_retry = std::chrono::seconds(first);
  HETONG_ASSIGN_OR_RETURN(int64_t max, config.GetInt("notify.outbox_max_retry_seconds", 3600));
  if (max < first || max > 7 * 86400) {
    return InvalidArgumentError(
        "notify.outbox_max_retry_seconds is at least the first retry and at most 604800");
  }
  o.max_retry = std::chrono::seconds(max);
  HETONG_ASSIGN_OR_RETURN(int64_t interval, config.GetInt("notify.poll_seconds", 5));
  if (interval < 1 || interval > 3600)
    return InvalidArgumentError("notify.poll_seconds is 1 to 3600");
  o.interval = std::chrono::seconds(interval);
  return o;
}

OutboxWorker::OutboxWorker(OutboxRepository& repo, EmailSender* email, SmsSender* sms,
                           const base::Clock& clock, OutboxWorkerOptions options)
    : repo_(repo), email_(email), sms_(sms), clock_(clock), options_(options) {}

OutboxWorker::~OutboxWorker() { Stop(); }

std::chrono::seconds OutboxWorker::RetryDelay(int attempts) const {
  std::chrono::seconds d = options_.first_retry;
  for (int i = 1; i < attempts && d < options_.max_retry; ++i) d *= 2;
  return std::min(d, options_.max_retry);
}

Status OutboxWorker::SendOne(const identity::OutboxMessage& m) {
  if (m.channel == "email" && email_) return email_->Send(m.recipient, m.subject, m.body);
  if (m.channel == "sms" && sms_) return sms_->Send(m.recipient, m.body);
  return FailedPreconditionError("no sender for channel '" + m.channel + "'");
}

StatusOr<OutboxWorker::PassResult> OutboxWorker::RunOnce() {
  PassResult result;
  HETONG_ASSIGN_OR_RETURN(result.expired,
                          repo_.ExpireOutbox(clock_.Now(), std::string(kBodyExpiredNote)));
  std::vector<std::string> channels;
  if (email_) channels.push_back("email");
  if (sms_) channels.push_back("sms");
  if (channels.empty()) return result;
  // Bounded so that a pass ends even when sending is faster than queueing.
  for (int round = 0; round < 50; ++round) {
    base::TimePoint now = clock_.Now();
    HETONG_ASSIGN_OR_RETURN(auto batch,
                            repo_.ClaimOutbox(channels, now, now + options_.lease, options_.batch));
    if (batch.empty()) break;
    for (const auto& m : batch) {
      if (m.expires_at && *m.expires_at < clock_.Now()) {
        HETONG_RETURN_IF_ERROR(repo_.MarkOutboxFailed(m.id, "expired before it could be sent",
                                                      std::nullopt, std::string(kBodyExpiredNote)));
        ++result.failed;
        continue;
      }
      Status s = SendOne(m);
      if (s.ok()) {
        HETONG_RETURN_IF_ERROR(
            repo_.MarkOutboxSent(m.id, clock_.Now(), std::string(kBodySentNote)));
        spdlog::info("notify: sent {} message {}", m.channel, m.id);
        ++result.sent;
        continue;
      }
      int attempts = m.attempts + 1;
      std::string error = s.ToString();
      if (error.size() > 500) error.resize(500);
      if (IsPermanentFailure(s) || attempts >= options_.max_attempts) {
        HETONG_RETURN_IF_ERROR(
            repo_.MarkOutboxFailed(m.id, error, std::nullopt, std::string(kBodyFailedNote)));
        spdlog::warn("notify: gave up on {} message {} after {} attempt(s): {}", m.channel, m.id,
                     attempts, error);
        ++result.failed;
      } else {
        base::TimePoint retry = clock_.Now() + RetryDelay(attempts);
        HETONG_RETURN_IF_ERROR(repo_.MarkOutboxFailed(m.id, error, retry, ""));
        spdlog::info("notify: {} message {} attempt {} failed, retry at {}: {}", m.channel, m.id,
                     attempts, base::FormatRfc3339(retry), error);
        ++result.retried;
      }
    }
  }
  return result;
}

void OutboxWorker::Start() {
  thread_.Start(
      [this] {
        auto r = RunOnce();
        if (!r.ok()) spdlog::error("notify: outbox pass failed: {}", r.status().ToString());
      },
      options_.interval);
}

}  // namespace hetong::notify
