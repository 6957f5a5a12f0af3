// SM2 key exchange (GB/T 32918.3-2016 §6): two parties, each with a static SM2 key pair and
// an identity, agree on a shared key and confirm it (the optional S_A / S_B hashes are
// always used here). OpenSSL 3.0 has no SM2 key exchange; this is built on its EC
// arithmetic (internal/sm2_math.h).
//
//   initiator A                               responder B
//   R_A = Create(kInitiator).ephemeral()  ->
//                                         <-  R_B, S_B = Respond(R_A)
//   K_A, S_A = Complete(R_B, S_B)          ->  ConfirmPeer(S_A)
//
// Thread-safety: one exchange object per exchange; not shareable.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"

namespace hetong::crypto {

struct Sm2KeyExchangeResult {
  SecretBytes key;     // the agreed key, key_len bytes
  Bytes confirmation;  // S_B (responder) or S_A (initiator) to send to the peer
};

class Sm2KeyExchange {
 public:
  enum class Role { kInitiator, kResponder };

  static StatusOr<std::unique_ptr<Sm2KeyExchange>> Create(Role role, const PrivateKey& own,
                                                          std::string_view own_id,
                                                          const PublicKey& peer,
                                                          std::string_view peer_id);
  ~Sm2KeyExchange();

  // This side's ephemeral public point R (65 bytes), to send to the peer.
  const Bytes& ephemeral_public() const { return ephemeral_public_; }

  // Responder: given R_A, derive K_B and S_B.
  StatusOr<Sm2KeyExchangeResult> Respond(ByteView peer_ephemeral, size_t key_len);
  // Initiator: given R_B and S_B, check S_B and derive K_A and S_A.
  StatusOr<Sm2KeyExchangeResult> Complete(ByteView peer_ephemeral, ByteView peer_confirmation,
                                          size_t key_len);
  // Responder: check S_A (after Respond).
  Status ConfirmPeer(ByteView peer_confirmation) const;

 private:
  struct State;
  explicit Sm2KeyExchange(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  Bytes ephemeral_public_;
};

}  // namespace hetong::crypto
