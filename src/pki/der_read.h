// DER pieces shared by the parsers of pki/ (certificates requests, CRLs, OCSP): the
// AlgorithmIdentifier and the list of Extensions. Internal to pki/.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/der.h"
#include "pki/certificate.h"

namespace hetong::pki {

// AlgorithmIdentifier: the OID and, unless absent or NULL, the parameters' DER.
Status ReadAlgorithmIdentifier(base::der::Reader& r, std::string& oid_out, Bytes& params_out);

// The Extension elements of an Extensions SEQUENCE (RFC 5280 §4.1) read from `r` (its
// contents) until it is empty, each OID at most once; a repeated one is InvalidArgument
// "<duplicate_prefix>extension <oid> appears twice".
Status ReadExtensionList(base::der::Reader& r, std::vector<Extension>& out,
                         std::string_view duplicate_prefix);

}  // namespace hetong::pki
