#include "app/cli_util.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "base/file.h"
#include "pki/oids.h"

namespace hetong::app {

StatusOr<Bytes> ReadInput(const std::string& path) {
  if (path.empty() || path == "-") return base::ReadStdin();
  return base::ReadFile(path);
}

Status WriteOutput(const std::string& path, ByteView data, unsigned mode) {
  if (path.empty() || path == "-") return base::WriteStdout(data);
  return base::WriteFileAtomic(path, data, static_cast<mode_t>(mode));
}

StatusOr<SecretBytes> ReadPasswordFile(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(Bytes raw, base::ReadFile(path));
  size_t end = 0;
  while (end < raw.size() && raw[end] != '\n' && raw[end] != '\r') ++end;
  SecretBytes pw = SecretBytes::Copy(ByteView(raw).first(end));
  SecureWipe(raw);
  if (pw.empty()) return InvalidArgumentError("the password file '" + path + "' is empty");
  return pw;
}

int Fail(const Status& status) {
  return Fail(status.message().empty() ? status.ToString() : status.message());
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "hetong: %s\n", message.c_str());
  return kExitError;
}

StatusOr<crypto::PrivateKey> LoadPrivateKey(const std::string& path, const std::string& pass_file) {
  HETONG_ASSIGN_OR_RETURN(Bytes data, base::ReadFile(path));
  std::optional<SecretBytes> pw;
  if (!pass_file.empty()) {
    HETONG_ASSIGN_OR_RETURN(SecretBytes p, ReadPasswordFile(pass_file));
    pw = std::move(p);
  }
  auto key = crypto::PrivateKey::Parse(data, pw ? &*pw : nullptr);
  SecureWipe(data);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

StatusOr<std::vector<pki::Certificate>> LoadCertificates(const std::vector<std::string>& files) {
  std::vector<pki::Certificate> out;
  for (const auto& f : files) {
    HETONG_ASSIGN_OR_RETURN(Bytes data, base::ReadFile(f));
    auto certs = pki::Certificate::ParseAll(data);
    if (!certs.ok()) return certs.status().WithContext(f);
    for (auto& c : *certs) out.push_back(std::move(c));
  }
  return out;
}

// "/C=CN/O=Org/CN=张三" or "CN=张三,O=Org,C=CN".
StatusOr<pki::DistinguishedName> ParseSubject(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> parts;
  auto add = [&](std::string_view item) -> Status {
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return InvalidArgumentError("subject parts look like CN=name");
    parts.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    return OkStatus();
  };
  if (!text.empty() && text[0] == '/') {
    size_t pos = 1;
    while (pos < text.size()) {
      size_t next = text.find('/', pos);
      HETONG_RETURN_IF_ERROR(add(
          text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos)));
      if (next == std::string_view::npos) break;
      pos = next + 1;
    }
  } else {
    size_t pos = 0;
    std::vector<std::pair<std::string, std::string>> rev;
    while (pos < text.size()) {
      size_t next = text.find(',', pos);
      HETONG_RETURN_IF_ERROR(add(
          text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos)));
      if (next == std::string_view::npos) break;
      pos = next + 1;
    }
    std::reverse(parts.begin(), parts.end());  // RFC 4514 text is most-specific first
  }
  if (parts.empty()) return InvalidArgumentError("the subject is empty");
  pki::DistinguishedName dn;
  for (auto& [k, v] : parts) {
    std::string key;
    for (char c : k) {
      if (c != ' ') key.push_back(c);
    }
    std::string_view o;
    if (key == "C")
      o = pki::oid::kCountry;
    else if (key == "ST")
      o = pki::oid::kProvince;
    else if (key == "L")
      o = pki::oid::kLocality;
    else if (key == "O")
      o = pki::oid::kOrganization;
    else if (key == "OU")
      o = pki::oid::kOrganizationalUnit;
    else if (key == "CN")
      o = pki::oid::kCommonName;
    else if (key == "serialNumber")
      o = pki::oid::kSerialNumber;
    else if (key == "organizationIdentifier")
      o = pki::oid::kOrganizationIdentifier;
    else if (key == "emailAddress")
      o = pki::oid::kEmailAddress;
    else
      return InvalidArgumentError(
          "unknown subject attribute '" + key +
          "' (use C, ST, L, O, OU, CN, serialNumber, organizationIdentifier, emailAddress)");
    dn.Add(o, v);
  }
  HETONG_RETURN_IF_ERROR(dn.Encode().status());
  return dn;
}

}  // namespace hetong::app
