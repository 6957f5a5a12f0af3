#include "ocsp/ca_status_lookup.h"

namespace hetong::ocsp {

StatusOr<StatusLookup::Result> CaStatusLookup::Lookup(const std::string& ca_name, ByteView serial) {
  HETONG_ASSIGN_OR_RETURN(ca::CertificateStatus s, ca_.StatusOf(ca_name, serial));
  Result r;
  switch (s.state) {
    case ca::CertificateStatus::State::kGood:
      r.status = pki::OcspCertStatus::kGood;
      break;
    case ca::CertificateStatus::State::kRevoked:
      r.status = pki::OcspCertStatus::kRevoked;
      r.revoked_at = s.revoked_at;
      r.reason = s.reason;
      break;
    case ca::CertificateStatus::State::kUnknown:
      r.status = pki::OcspCertStatus::kUnknown;
      break;
  }
  return r;
}

}  // namespace hetong::ocsp
