#include "pki/path.h"

#include <algorithm>

#include "pki/oids.h"

namespace hetong::pki {

std::string_view PathErrorName(PathError e) {
  switch (e) {
    case PathError::kOk:
      return "ok";
    case PathError::kNoChain:
      return "no-chain";
    case PathError::kBadSignature:
      return "bad-signature";
    case PathError::kNotYetValid:
      return "not-yet-valid";
    case PathError::kExpired:
      return "expired";
    case PathError::kNotCa:
      return "not-a-ca";
    case PathError::kPathLength:
      return "path-length-exceeded";
    case PathError::kKeyUsage:
      return "key-usage";
    case PathError::kExtendedKeyUsage:
      return "extended-key-usage";
    case PathError::kUnknownCriticalExtension:
      return "unknown-critical-extension";
    case PathError::kUnsupportedAlgorithm:
      return "unsupported-algorithm";
    case PathError::kRevoked:
      return "revoked";
    case PathError::kRevocationUnknown:
      return "revocation-unknown";
  }
  return "?";
}

namespace {

std::string Who(const Certificate& c) {
  std::string cn = c.subject().common_name();
  return "'" + (cn.empty() ? c.subject().ToString() : cn) + "'";
}

bool MayHaveIssued(const Certificate& issuer, const Certificate& child) {
  if (!NamesMatch(child.issuer_der(), issuer.subject_der())) return false;
  if (!child.authority_key_id().empty() && !issuer.subject_key_id().empty() &&
      child.authority_key_id() != issuer.subject_key_id()) {
    return false;
  }
  return true;
}

bool SameCert(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

// Depth-first chain building; the first chain whose signatures all check wins. Returns the
// closest failure when none does.
struct Builder {
  const std::vector<Certificate>& intermediates;
  const std::vector<Certificate>& anchors;
  int max_depth;
  std::vector<Certificate> best_failure_chain;
  PathError best_error = PathError::kNoChain;
  std::string best_message;
  int best_depth = 0;

  void Fail(const std::vector<Certificate>& chain, PathError e, int depth, std::string msg) {
    // Prefer the failure that got furthest (a bad signature over a missing issuer).
    if (best_error == PathError::kNoChain || chain.size() > best_failure_chain.size()) {
      best_failure_chain = chain;
      best_error = e;
      best_depth = depth;
      best_message = std::move(msg);
    }
  }

  bool Extend(std::vector<Certificate>& chain, std::vector<Certificate>& out) {
    const Certificate last = chain.back();  // a copy: chain grows below
    if (static_cast<int>(chain.size()) > max_depth) {
      Fail(chain, PathError::kNoChain, static_cast<int>(chain.size()) - 1, "the chain is too long");
      return false;
    }
    // An anchor that is the certificate itself (the target is trusted directly).
    for (const auto& a : anchors) {
      if (SameCert(a, last)) {
        out = chain;
        return true;
      }
    }
    auto try_issuer = [&](const Certificate& cand, bool is_anchor) -> bool {
      if (!MayHaveIssued(cand, last)) return false;
      for (const auto& c : chain) {
        if (SameCert(c, cand)) return false;  // loop
      }
      Status sig = last.VerifySignedBy(cand.public_key());
      if (!sig.ok()) {
        auto alg = last.SignatureAlgorithm(cand.public_key().type());
        chain.push_back(cand);
        Fail(chain, alg ? PathError::kBadSignature : PathError::kUnsupportedAlgorithm,
             static_cast<int>(chain.size()) - 2,
             "the signature on " + Who(last) + " does not verify with the key of " + Who(cand));
        chain.pop_back();
        return false;
      }
      chain.push_back(cand);
      if (is_anchor) {
        out = chain;
        return true;
      }
      if (Extend(chain, out)) return true;
      chain.pop_back();
      return false;
    };
    for (const auto& a : anchors) {
      if (try_issuer(a, true)) return true;
    }
    for (const auto& i : intermediates) {
      if (try_issuer(i, false)) return true;
    }
    bool any_name_match = false;
    for (const auto* pool : {&anchors, &intermediates}) {
      for (const auto& c : *pool)
        any_name_match = any_name_match || NamesMatch(last.issuer_der(), c.subject_der());
    }
    if (!any_name_match) {
      Fail(chain, PathError::kNoChain, static_cast<int>(chain.size()) - 1,
           "no certificate of the issuer of " + Who(last) + " (" + last.issuer().ToString() +
               ") is among the trusted or supplied certificates");
    }
    return false;
  }
};

bool HasEku(const Certificate& c, std::string_view o) {
  const auto& e = c.ext_key_usage();
  return std::find(e.begin(), e.end(), o) != e.end();
}

}  // namespace

ValidationResult ValidatePath(const Certificate& target,
                              const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& anchors,
                              const ValidationOptions& opt) {
  ValidationResult result;
  if (anchors.empty()) {
    result.error = PathError::kNoChain;
    result.message = "no trust anchors were given";
    return result;
  }
  Builder b{intermediates, anchors, opt.max_depth, {}, PathError::kNoChain, "", 0};
  std::vector<Certificate> chain{target};
  if (!b.Extend(chain, result.chain)) {
    result.error = b.best_error;
    result.depth = b.best_depth;
    result.message = b.best_message.empty() ? "no path to a trust anchor" : b.best_message;
    result.chain = b.best_failure_chain;
    return result;
  }
  const auto& ch = result.chain;
  int n = static_cast<int>(ch.size());
  auto fail = [&](PathError e, int depth, std::string msg) {
    result.error = e;
    result.depth = depth;
    result.message = std::move(msg);
    return result;
  };
  // Per-certificate checks, anchor included for validity.
  for (int i = 0; i < n; ++i) {
    const Certificate& c = ch[static_cast<size_t>(i)];
    if (opt.time < c.not_before()) {
      return fail(PathError::kNotYetValid, i,
                  Who(c) + " is not valid until " + base::FormatRfc3339(c.not_before()));
    }
    if (opt.time > c.not_after()) {
      return fail(PathError::kExpired, i,
                  Who(c) + " expired on " + base::FormatRfc3339(c.not_after()));
    }
    if (!c.unknown_critical().empty()) {
      return fail(PathError::kUnknownCriticalExtension, i,
                  Who(c) + " has a critical extension hetong does not understand (" +
                      c.unknown_critical()[0] + ")");
    }
  }
  // Issuers: CA, keyCertSign, path length (counting non-self-issued intermediates below).
  for (int i = 1; i < n; ++i) {
    const Certificate& issuer = ch[static_cast<size_t>(i)];
    bool is_anchor = i == n - 1;
    if (!issuer.is_ca() && !(is_anchor && issuer.version() < 3)) {
      return fail(PathError::kNotCa, i,
                  Who(issuer) + " is not a CA certificate but issued " +
                      Who(ch[static_cast<size_t>(i - 1)]));
    }
    if (!issuer.HasKeyUsage(kKeyCertSign)) {
      return fail(PathError::kKeyUsage, i, Who(issuer) + " may not sign certificates (keyUsage)");
    }
    if (issuer.path_len()) {
      int below = 0;
      for (int k = 1; k < i; ++k) {
        if (!ch[static_cast<size_t>(k)].IsSelfIssued()) ++below;
      }
      if (below > *issuer.path_len()) {
        return fail(PathError::kPathLength, i,
                    Who(issuer) + " allows " + std::to_string(*issuer.path_len()) +
                        " intermediate CA(s) below it, the chain has " + std::to_string(below));
      }
    }
  }
  // Purpose of the target.
  const Certificate& t = ch[0];
  switch (opt.purpose) {
    case KeyPurpose::kAny:
      break;
    case KeyPurpose::kDocumentSigning:
      if (!t.HasKeyUsage(kDigitalSignature) && !t.HasKeyUsage(kNonRepudiation)) {
        return fail(PathError::kKeyUsage, 0, Who(t) + " may not make signatures (keyUsage)");
      }
      if (!t.ext_key_usage().empty() && !HasEku(t, oid::kKpEmailProtection) &&
          !HasEku(t, oid::kKpDocumentSigning) && !HasEku(t, oid::kAnyExtendedKeyUsage)) {
        return fail(PathError::kExtendedKeyUsage, 0,
                    Who(t) + " is not for signing documents (extendedKeyUsage)");
      }
      break;
    case KeyPurpose::kTimeStamping:
      if (!HasEku(t, oid::kKpTimeStamping) || t.ext_key_usage().size() != 1) {
        return fail(PathError::kExtendedKeyUsage, 0,
                    Who(t) +
                        " is not a time-stamping certificate "
                        "(its extendedKeyUsage must be exactly timeStamping)");
      }
      break;
    case KeyPurpose::kOcspSigning:
      if (!HasEku(t, oid::kKpOcspSigning)) {
        return fail(PathError::kExtendedKeyUsage, 0,
                    Who(t) + " is not an OCSP signing certificate");
      }
      break;
    case KeyPurpose::kServerAuth:
    case KeyPurpose::kClientAuth: {
      auto want = opt.purpose == KeyPurpose::kServerAuth ? oid::kKpServerAuth : oid::kKpClientAuth;
      if (!t.ext_key_usage().empty() && !HasEku(t, want) && !HasEku(t, oid::kAnyExtendedKeyUsage)) {
        return fail(PathError::kExtendedKeyUsage, 0,
                    Who(t) + " is not for this TLS role (extendedKeyUsage)");
      }
      break;
    }
  }
  // Revocation of every certificate below the anchor.
  if (opt.revocation != RevocationPolicy::kNone) {
    for (int i = 0; i + 1 < n; ++i) {
      const Certificate& c = ch[static_cast<size_t>(i)];
      RevocationCheck rc;
      if (c.ocsp_nocheck() && HasEku(c, oid::kKpOcspSigning)) {
        rc.state = RevocationCheck::State::kGood;
        rc.detail = "OCSP responder certificate with id-pkix-ocsp-nocheck";
      } else if (!opt.checker) {
        rc.detail = "no revocation source";
      } else {
        rc = opt.checker->Check(c, ch[static_cast<size_t>(i + 1)], opt.time);
      }
      result.revocation.push_back(rc);
      if (rc.state == RevocationCheck::State::kRevoked && rc.revoked_at &&
          *rc.revoked_at <= opt.time) {
        return fail(PathError::kRevoked, i,
                    Who(c) + " was revoked on " + base::FormatRfc3339(*rc.revoked_at));
      }
      if (rc.state == RevocationCheck::State::kUnknown &&
          opt.revocation == RevocationPolicy::kRequire) {
        return fail(PathError::kRevocationUnknown, i,
                    "the revocation status of " + Who(c) + " is unknown: " + rc.detail);
      }
    }
  }
  result.error = PathError::kOk;
  result.depth = 0;
  result.message = "valid";
  return result;
}

}  // namespace hetong::pki
