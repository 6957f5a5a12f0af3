#include "contract/flow.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace hetong::contract {

namespace {

constexpr size_t kMaxParties = 20;

bool Open(State s) { return s == State::kSent || s == State::kPartiallySigned; }

Status NotOpen(const Contract& c, std::string_view what) {
  return FailedPreconditionError("the contract is " + std::string(StateName(c.state)) + "; " +
                                 std::string(what));
}

}  // namespace

std::string_view FlowName(Flow f) {
  switch (f) {
    case Flow::kSequential:
      return "sequential";
    case Flow::kParallel:
      return "parallel";
    case Flow::kSingle:
      return "single";
  }
  return "sequential";
}

StatusOr<Flow> ParseFlow(std::string_view name) {
  for (Flow f : {Flow::kSequential, Flow::kParallel, Flow::kSingle}) {
    if (FlowName(f) == name) return f;
  }
  return InvalidArgumentError("flow is sequential, parallel or single");
}

std::string_view StateName(State s) {
  switch (s) {
    case State::kDraft:
      return "draft";
    case State::kSent:
      return "sent";
    case State::kPartiallySigned:
      return "partially_signed";
    case State::kCompleted:
      return "completed";
    case State::kRejected:
      return "rejected";
    case State::kRevoked:
      return "revoked";
    case State::kExpired:
      return "expired";
  }
  return "draft";
}

StatusOr<State> ParseState(std::string_view name) {
  for (State s : {State::kDraft, State::kSent, State::kPartiallySigned, State::kCompleted,
                  State::kRejected, State::kRevoked, State::kExpired}) {
    if (StateName(s) == name) return s;
  }
  return InvalidArgumentError(
      "state is draft, sent, partially_signed, completed, rejected, revoked or expired");
}

bool IsFinal(State s) {
  return s == State::kCompleted || s == State::kRejected || s == State::kRevoked ||
         s == State::kExpired;
}

Status ValidateParties(Flow flow, const std::vector<Party>& parties) {
  if (parties.empty()) return InvalidArgumentError("a contract has at least one party");
  if (parties.size() > kMaxParties) {
    return InvalidArgumentError("a contract has at most " + std::to_string(kMaxParties) +
                                " parties");
  }
  if (flow == Flow::kSingle && parties.size() != 1) {
    return InvalidArgumentError("a single-signer contract has exactly one party");
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < parties.size(); ++i) {
    const Party& p = parties[i];
    std::string at = "party " + std::to_string(i + 1) + ": ";
    if (p.person_id.empty()) return InvalidArgumentError(at + "person_id is required");
    if (!seen.insert({p.person_id, p.org_id}).second) {
      return InvalidArgumentError(at + "the same person signs twice for the same party");
    }
    const Field& f = p.field;
    auto finite = [](double v) { return std::isfinite(v); };
    if (f.page < 1 || f.page > 100000) return InvalidArgumentError(at + "page is 1 or more");
    if (!finite(f.x) || !finite(f.y) || !finite(f.width) || !finite(f.height) || f.x < 0 ||
        f.y < 0 || f.width < 20 || f.height < 20 || f.width > 600 || f.height > 600 ||
        f.x > 14400 || f.y > 14400) {
      return InvalidArgumentError(at + "the field is x, y >= 0 and width, height 20..600 points");
    }
  }
  return OkStatus();
}

std::vector<int> PartiesToSign(const Contract& c) {
  std::vector<int> out;
  if (!Open(c.state)) return out;
  for (const Party& p : c.parties) {
    if (p.status != "pending") continue;
    out.push_back(p.index);
    if (c.flow == Flow::kSequential) break;
  }
  return out;
}

StatusOr<int> SigningParty(const Contract& c, const std::string& person_id, int party) {
  bool is_party = std::any_of(c.parties.begin(), c.parties.end(),
                              [&](const Party& p) { return p.person_id == person_id; });
  if (!is_party) return PermissionDeniedError("you are not a party to this contract");
  if (!Open(c.state)) return NotOpen(c, "nothing can be signed");
  std::vector<int> now = PartiesToSign(c);
  if (party >= 0) {
    if (static_cast<size_t>(party) >= c.parties.size() ||
        c.parties[static_cast<size_t>(party)].person_id != person_id) {
      return PermissionDeniedError("party " + std::to_string(party) + " is not yours");
    }
    if (c.parties[static_cast<size_t>(party)].status != "pending") {
      return FailedPreconditionError("you have already signed as this party");
    }
    if (std::find(now.begin(), now.end(), party) == now.end()) {
      return FailedPreconditionError("it is not your turn: the parties before you sign first");
    }
    return party;
  }
  for (int i : now) {
    if (c.parties[static_cast<size_t>(i)].person_id == person_id) return i;
  }
  bool pending = std::any_of(c.parties.begin(), c.parties.end(), [&](const Party& p) {
    return p.person_id == person_id && p.status == "pending";
  });
  if (!pending) return FailedPreconditionError("you have already signed this contract");
  return FailedPreconditionError("it is not your turn: the parties before you sign first");
}

Status Send(Contract& c, base::TimePoint now) {
  if (c.state != State::kDraft) return NotOpen(c, "only a draft can be sent");
  if (c.deadline && *c.deadline <= now) {
    return FailedPreconditionError("the deadline has passed; set a later one");
  }
  c.state = State::kSent;
  c.sent_at = now;
  c.updated_at = now;
  return OkStatus();
}

StatusOr<bool> RecordSignature(Contract& c, int party, const std::string& signature_id,
                               const std::string& seal_id, base::TimePoint now) {
  if (!Open(c.state)) return NotOpen(c, "nothing can be signed");
  std::vector<int> allowed = PartiesToSign(c);
  if (std::find(allowed.begin(), allowed.end(), party) == allowed.end()) {
    return FailedPreconditionError("party " + std::to_string(party) + " cannot sign now");
  }
  Party& p = c.parties[static_cast<size_t>(party)];
  p.status = "signed";
  p.signed_at = now;
  p.signature_id = signature_id;
  p.seal_id = seal_id;
  c.updated_at = now;
  bool done = std::all_of(c.parties.begin(), c.parties.end(),
                          [](const Party& x) { return x.status == "signed"; });
  c.state = done ? State::kCompleted : State::kPartiallySigned;
  if (done) c.completed_at = now;
  return done;
}

Status Reject(Contract& c, int party, const std::string& reason, base::TimePoint now) {
  if (!Open(c.state)) return NotOpen(c, "it cannot be rejected");
  std::vector<int> allowed = PartiesToSign(c);
  if (std::find(allowed.begin(), allowed.end(), party) == allowed.end()) {
    return FailedPreconditionError("party " + std::to_string(party) + " cannot reject now");
  }
  c.parties[static_cast<size_t>(party)].status = "rejected";
  c.state = State::kRejected;
  c.reason = reason;
  c.updated_at = now;
  return OkStatus();
}

Status Revoke(Contract& c, const std::string& reason, base::TimePoint now) {
  if (IsFinal(c.state)) return NotOpen(c, "it cannot be revoked");
  c.state = State::kRevoked;
  c.reason = reason;
  c.updated_at = now;
  return OkStatus();
}

Status Expire(Contract& c, base::TimePoint now) {
  if (!Overdue(c, now)) return FailedPreconditionError("the contract is not overdue");
  c.state = State::kExpired;
  c.updated_at = now;
  return OkStatus();
}

bool Overdue(const Contract& c, base::TimePoint now) {
  return Open(c.state) && c.deadline && *c.deadline <= now;
}

}  // namespace hetong::contract
