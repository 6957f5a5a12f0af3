// SM2 two-party collaborative key generation and signature, as described in GM/Y 5013-2024
// §5.3.3.2.2: the signing key d = d1·d2 − 1 never exists in one place. The client (browser,
// phone) holds d1, the server (key center) holds d2; together they produce an ordinary
// GB/T 32918.2 signature that any SM2 verifier (OpenSSL included) accepts.
//
//   key generation:  client P1 = [d1]G                       -> server
//                    server P2 = [d2]G, Ppub = [d2]P1 − G    -> client (checks [d1]P2 − G)
//   signing:         client e = SM3(Z(Ppub, ID) || M)        -> server
//                    server k1, k2; R1 = [k1]P1, R2 = [k2]G  -> client
//                    client k3, k4; (x1,·) = [k3]R1 + R2 + [k4]G; r = e + x1; r' = r + k4 -> server
//                    server s1 = k1/d2, s2 = (r' + k2)/d2    -> client
//                    client s = k3·s1 + s2/d1 − r; outputs (r, s) only after verifying it
//
// Every message is a versioned binary record (docs/formats/sm2-cosign.md); every received
// point is checked to be on the curve and not the identity; server nonces are single-use
// (a server session answers one challenge). A tampered message makes the protocol fail: the
// client verifies the final signature against Ppub and never emits a bad one.
//
// Thread-safety: Sm2CosignClient/Server are immutable after creation (safe to share);
// sessions are single-owner.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace hetong::crypto {

class Sm2CosignClientSession;
class Sm2CosignServerSession;

class Sm2CosignClient {
 public:
  // A fresh client share d1.
  static StatusOr<Sm2CosignClient> Generate();
  // A stored share, with the joint public key if key generation has completed.
  static StatusOr<Sm2CosignClient> FromShare(const SecretBytes& d1, ByteView joint_public_point);
  static StatusOr<Sm2CosignClient> FromShare(const SecretBytes& d1);

  Sm2CosignClient(Sm2CosignClient&&) noexcept;
  Sm2CosignClient& operator=(Sm2CosignClient&&) noexcept;
  ~Sm2CosignClient();

  // Message 1 of key generation (carries P1).
  Bytes KeygenRequest() const;
  // Checks the server's answer and adopts the joint public key.
  Status FinishKeygen(ByteView keygen_response);

  // The joint public key (after FinishKeygen or FromShare with a point).
  StatusOr<PublicKey> public_key() const;
  // d1, for storage by the caller (who must protect it).
  SecretBytes ExportShare() const;

  // Starts signing `message` with signer identity `id`; the session's request() goes to the
  // server.
  StatusOr<std::unique_ptr<Sm2CosignClientSession>> BeginSign(
      ByteView message, std::string_view id = kDefaultSm2Id) const;

 private:
  struct State;
  explicit Sm2CosignClient(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  friend class Sm2CosignClientSession;
};

class Sm2CosignClientSession {
 public:
  ~Sm2CosignClientSession();
  // The sign request (carries e).
  const Bytes& request() const { return request_; }
  // Answers the server's commitment (R1, R2) with the challenge r'.
  StatusOr<Bytes> Respond(ByteView commitment);
  // Combines the server's (s1, s2) into the signature; returns DER SEQUENCE{r,s} only if it
  // verifies under the joint key.
  StatusOr<Bytes> Finish(ByteView response);

 private:
  friend class Sm2CosignClient;
  struct State;
  explicit Sm2CosignClientSession(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  Bytes request_;
};

class Sm2CosignServer {
 public:
  static StatusOr<Sm2CosignServer> Generate();
  // A stored share d2 and the client's P1 (saved at key generation).
  static StatusOr<Sm2CosignServer> FromShare(const SecretBytes& d2, ByteView client_point);

  Sm2CosignServer(Sm2CosignServer&&) noexcept;
  Sm2CosignServer& operator=(Sm2CosignServer&&) noexcept;
  ~Sm2CosignServer();

  // Handles key-generation message 1; remembers P1; returns message 2 (P2, Ppub).
  StatusOr<Bytes> HandleKeygen(ByteView keygen_request);
  // The client's P1 (to store with d2) and the joint key.
  StatusOr<Bytes> client_point() const;
  StatusOr<PublicKey> public_key() const;
  SecretBytes ExportShare() const;

  // Handles a sign request; the session's commitment() goes to the client.
  StatusOr<std::unique_ptr<Sm2CosignServerSession>> BeginSign(ByteView sign_request) const;

 private:
  struct State;
  explicit Sm2CosignServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  friend class Sm2CosignServerSession;
};

class Sm2CosignServerSession {
 public:
  ~Sm2CosignServerSession();
  const Bytes& commitment() const { return commitment_; }
  // The digest e the client asked to have signed (for binding to the document shown).
  const Bytes& digest() const { return digest_; }
  // Answers the challenge r' with (s1, s2). Single use: a second call fails.
  StatusOr<Bytes> Respond(ByteView challenge);

 private:
  friend class Sm2CosignServer;
  struct State;
  explicit Sm2CosignServerSession(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  Bytes commitment_;
  Bytes digest_;
};

}  // namespace hetong::crypto
