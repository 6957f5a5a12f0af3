// The public PKI endpoints of an instance, used by any relying party:
//   GET  /pki/ca/<name>.crt   CA certificate (DER; .pem for PEM) — the caIssuers URL
//   GET  /pki/crl/<name>.crl  the CA's current CRL (DER)              — the CRL DP URL
//   POST /pki/ocsp            OCSP (application/ocsp-request)         — the AIA OCSP URL
//   GET  /pki/ocsp/<base64>   OCSP by GET (RFC 6960 Appendix A.1)
//   POST /tsa                 RFC 3161 time-stamping (application/timestamp-query)
//
// Thread-safety: handlers are reentrant.
#pragma once

#include "api/http.h"
#include "ca/authority.h"
#include "ocsp/responder.h"
#include "tsa/authority.h"

namespace hetong::api {

void RegisterPkiRoutes(Router& router, ca::CertificateAuthority& ca, ocsp::OcspResponder& ocsp);
void RegisterTsaRoute(Router& router, tsa::TimeStampAuthority& tsa);

}  // namespace hetong::api
