#include "pki/der_read.h"

#include <set>

namespace hetong::pki {

namespace der = base::der;

Status ReadAlgorithmIdentifier(der::Reader& r, std::string& oid_out, Bytes& params_out) {
  HETONG_ASSIGN_OR_RETURN(der::Reader alg, r.ReadSequence());
  HETONG_ASSIGN_OR_RETURN(oid_out, alg.ReadOid());
  if (!alg.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Element p, alg.ReadAny());
    if (p.tag != der::kNull) params_out = ToBytes(p.tlv);
  }
  return alg.ExpectEnd("algorithm identifier");
}

Status ReadExtensionList(der::Reader& r, std::vector<Extension>& out,
                         std::string_view duplicate_prefix) {
  std::set<std::string> seen;
  while (!r.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Reader ext, r.ReadSequence());
    Extension e;
    HETONG_ASSIGN_OR_RETURN(e.oid, ext.ReadOid());
    if (ext.PeekIs(der::kBoolean)) {
      HETONG_ASSIGN_OR_RETURN(e.critical, ext.ReadBoolean());
    }
    HETONG_ASSIGN_OR_RETURN(ByteView value, ext.ReadOctetString());
    e.value = ToBytes(value);
    HETONG_RETURN_IF_ERROR(ext.ExpectEnd("extension"));
    if (!seen.insert(e.oid).second) {
      return InvalidArgumentError(std::string(duplicate_prefix) + "extension " + e.oid +
                                  " appears twice");
    }
    out.push_back(std::move(e));
  }
  return OkStatus();
}

}  // namespace hetong::pki
