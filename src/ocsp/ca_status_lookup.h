// The OCSP responder's StatusLookup over the instance CA's certificate records: good,
// revoked (time and reason) or unknown for a serial of one of its issuing CAs. Used by
// `hetong serve`, the administrative commands and the benchmarks.
//
// Thread-safety: as the CA (safe for concurrent use).
#pragma once

#include "ca/authority.h"
#include "ocsp/responder.h"

namespace hetong::ocsp {

class CaStatusLookup final : public StatusLookup {
 public:
  explicit CaStatusLookup(ca::CertificateAuthority& ca) : ca_(ca) {}
  StatusOr<Result> Lookup(const std::string& ca_name, ByteView serial) override;

 private:
  ca::CertificateAuthority& ca_;
};

}  // namespace hetong::ocsp
