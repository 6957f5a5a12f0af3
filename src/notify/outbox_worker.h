// The outbox worker: sends the messages that identity (one-time codes) and other modules
// (invitations with their single-use links) queue in the outbox table, by email through an
// EmailSender (SMTP) and by SMS through an SmsSender.
//
// Each pass first expires pending messages past their expires_at (a code nobody can use any
// more is not sent), then takes due messages in batches. A taken message is leased (its
// next_attempt_at moves `lease` ahead) so that another worker on another node does not send it
// too. Success marks it sent; a permanent failure (IsPermanentFailure) or the last allowed
// attempt marks it failed; any other failure schedules a retry after
// first_retry * 2^(attempts-1), capped at max_retry. Sent, failed and expired messages have
// their body replaced by a short note: bodies carry login codes and single-use links and must
// not stay in the database in the clear. The subject, recipient, attempts and last error stay
// for operators (ListOutboxByState).
//
// A channel without a sender (no smtp.host, sms.provider = none) is left alone: its messages
// wait (demo instances show them to operators) until they expire.
//
// Thread-safety: RunOnce may be called from any thread, but not concurrently with itself or
// with the worker thread; Start/Stop/Notify from any thread. The repository and senders must
// be safe for use from the worker thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/config.h"
#include "base/status.h"
#include "identity/identity.h"
#include "notify/sms.h"
#include "notify/smtp.h"
#include "notify/worker_thread.h"

namespace hetong::notify {

// The outbox as the worker and operators see it (store/sql_notify.h implements it).
class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  // Takes up to `limit` pending messages of `channels` whose next_attempt_at is unset or not
  // after `now`, oldest first, and sets their next_attempt_at to `lease_until` (atomic: two
  // workers never take the same message).
  virtual StatusOr<std::vector<identity::OutboxMessage>> ClaimOutbox(
      const std::vector<std::string>& channels, base::TimePoint now, base::TimePoint lease_until,
      int limit) = 0;
  // Sent: state sent, sent_at = at, next_attempt_at cleared, the body replaced by `body_note`.
  virtual Status MarkOutboxSent(const std::string& id, base::TimePoint at,
                                const std::string& body_note) = 0;
  // A failed attempt: attempts + 1 and last_error. With `retry_at` the message stays pending
  // until then; without it the message is failed and its body replaced by `body_note`.
  virtual Status MarkOutboxFailed(const std::string& id, const std::string& error,
                                  std::optional<base::TimePoint> retry_at,
                                  const std::string& body_note) = 0;
  // Pending messages whose expires_at is before `now`: state expired, body replaced. Returns
  // how many.
  virtual StatusOr<int> ExpireOutbox(base::TimePoint now, const std::string& body_note) = 0;
  // Messages in `state` (pending, sent, failed, expired), newest first.
  virtual StatusOr<std::vector<identity::OutboxMessage>> ListOutboxByState(const std::string& state,
                                                                           int limit,
                                                                           int64_t offset) = 0;
};

struct OutboxWorkerOptions {
  int batch = 20;        // messages taken per claim
  int max_attempts = 8;  // then the message is failed
  std::chrono::seconds first_retry{30};
  std::chrono::seconds max_retry{3600};
  std::chrono::seconds lease{300};  // longer than one send can take (SMTP timeouts included)
  std::chrono::milliseconds interval{5000};  // between passes when nobody calls Notify()

  // notify.outbox_* keys (docs/formats/config.md).
  static StatusOr<OutboxWorkerOptions> FromConfig(const base::Config& config);
};

// The notes that replace bodies.
inline constexpr std::string_view kBodySentNote = "[body removed after sending]";
inline constexpr std::string_view kBodyFailedNote = "[body removed: the message was not sent]";
inline constexpr std::string_view kBodyExpiredNote = "[body removed: expired before sending]";

class OutboxWorker {
 public:
  // `email` and `sms` may be null (that channel is not sent); they must outlive the worker.
  OutboxWorker(OutboxRepository& repo, EmailSender* email, SmsSender* sms, const base::Clock& clock,
               OutboxWorkerOptions options);
  ~OutboxWorker();

  struct PassResult {
    int sent = 0;
    int retried = 0;
    int failed = 0;
    int expired = 0;
  };
  // One pass over everything due now. Errors are the repository's (sending errors are
  // recorded on the messages).
  StatusOr<PassResult> RunOnce();

  // The background thread: a pass every options.interval, or at once after Notify() (call it
  // after queueing a message). Stop() waits for the current pass.
  void Start();
  void Notify() { thread_.Notify(); }
  void Stop() { thread_.Stop(); }

  // The delay before the retry that follows the `attempts`-th failure.
  std::chrono::seconds RetryDelay(int attempts) const;

 private:
  Status SendOne(const identity::OutboxMessage& m);

  OutboxRepository& repo_;
  EmailSender* email_;
  SmsSender* sms_;
  const base::Clock& clock_;
  OutboxWorkerOptions options_;
  WorkerThread thread_;
};

}  // namespace hetong::notify
