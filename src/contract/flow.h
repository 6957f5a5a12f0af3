// The signing-flow state machine of contract.h: which transitions are allowed, whose turn it
// is, and what a signature or a rejection does to a contract. Pure functions over a Contract
// (no storage, no clock of their own), so every rule is unit-tested on its own.
//
// Thread-safety: functions.
#pragma once

#include <string>
#include <vector>

#include "contract/contract.h"

namespace hetong::contract {

// Checks a new contract's shape: 1..20 parties (exactly 1 for single), each with a person,
// fields inside sane bounds, no person twice for the same organisation (or twice on their own
// behalf). InvalidArgument with the reason.
Status ValidateParties(Flow flow, const std::vector<Party>& parties);

// The parties who may sign now: for sequential flows the first pending party, for parallel and
// single flows every pending party. Empty unless the contract is sent or partially signed.
std::vector<int> PartiesToSign(const Contract& c);

// The party `person_id` signs as now: `party` when given (>= 0), otherwise their first party
// in PartiesToSign. FailedPrecondition (not their turn, already signed, contract not open)
// or PermissionDenied (not a party) with a reason the signer can act on.
StatusOr<int> SigningParty(const Contract& c, const std::string& person_id, int party);

// The transitions; each returns FailedPrecondition when the current state does not allow it.
Status Send(Contract& c, base::TimePoint now);
// Marks `party` signed; moves to partially_signed or completed. Returns whether it completed.
StatusOr<bool> RecordSignature(Contract& c, int party, const std::string& signature_id,
                               const std::string& seal_id, base::TimePoint now);
Status Reject(Contract& c, int party, const std::string& reason, base::TimePoint now);
Status Revoke(Contract& c, const std::string& reason, base::TimePoint now);
Status Expire(Contract& c, base::TimePoint now);

// Whether the deadline has passed for an open contract.
bool Overdue(const Contract& c, base::TimePoint now);

}  // namespace hetong::contract
