#include "server/client_address.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "base/encoding.h"

namespace hetong::server {

namespace {

using Ip = std::array<uint8_t, 16>;

// IPv4 becomes ::ffff:a.b.c.d, so that one comparison serves both families.
std::optional<Ip> ParseIp(std::string_view text) {
  // A link-local IPv6 peer comes with its zone ("fe80::1%eth0"); the zone is not compared.
  if (size_t zone = text.find('%');
      zone != std::string_view::npos && zone > 0 && text.find(':') != std::string_view::npos) {
    text = text.substr(0, zone);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  Ip out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsMappedV4(const Ip& ip) {
  for (int i = 0; i < 10; ++i) {
    if (ip[i] != 0) return false;
  }
  return ip[10] == 0xff && ip[11] == 0xff;
}

std::string Format(const Ip& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsMappedV4(ip)) {
    inet_ntop(AF_INET, ip.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
  }
  return buf;
}

// An X-Forwarded-For entry: an address, optionally with a port ("1.2.3.4:80", "[::1]:80",
// "[::1]").
std::optional<Ip> ParseForwardedEntry(std::string_view e) {
  e = base::TrimSpaces(e);
  if (!e.empty() && e.front() == '[') {
    size_t close = e.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = e.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return ParseIp(e.substr(1, close - 1));
  }
  if (auto ip = ParseIp(e)) return ip;
  size_t colon = e.find(':');
  if (colon != std::string_view::npos && e.find(':', colon + 1) == std::string_view::npos) {
    return ParseIp(e.substr(0, colon));  // IPv4 with a port
  }
  return std::nullopt;
}

}  // namespace

StatusOr<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies out;
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find_first_of(", \t", pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view entry = list.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    auto bad = [&] {
      return InvalidArgumentError("trusted proxy '" + std::string(entry) +
                                  "' is not an IP address or network (10.0.0.0/8, fd00::/8)");
    };
    Network n;
    std::string_view address = entry;
    std::optional<int> prefix;
    if (size_t slash = entry.find('/'); slash != std::string_view::npos) {
      std::string_view digits = entry.substr(slash + 1);
      if (digits.empty() || digits.size() > 3) return bad();
      int v = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return bad();
        v = v * 10 + (c - '0');
      }
      prefix = v;
      address = entry.substr(0, slash);
    }
    auto ip = ParseIp(address);
    if (!ip) return bad();
    bool v4 = address.find(':') == std::string_view::npos;
    int max_prefix = v4 ? 32 : 128;
    if (prefix && *prefix > max_prefix) return bad();
    n.bytes = *ip;
    n.prefix = (v4 ? 96 : 0) + prefix.value_or(max_prefix);
    out.networks_.push_back(n);
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto ip = ParseIp(base::TrimSpaces(address));
  if (!ip) return false;
  for (const Network& n : networks_) {
    int full = n.prefix / 8;
    if (std::memcmp(ip->data(), n.bytes.data(), static_cast<size_t>(full)) != 0) continue;
    int rest = n.prefix % 8;
    if (rest != 0) {
      auto mask = static_cast<uint8_t>(0xff << (8 - rest));
      if ((((*ip)[full] ^ n.bytes[full]) & mask) != 0) continue;
    }
    return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(
    std::string_view peer, const std::vector<std::string_view>& forwarded_for) const {
  if (networks_.empty() || forwarded_for.empty() || !Contains(peer)) return std::string(peer);
  // The entries, rightmost (the nearest hop) first.
  std::vector<std::string_view> entries;
  for (std::string_view line : forwarded_for) {
    size_t pos = 0;
    while (pos <= line.size()) {
      size_t end = line.find(',', pos);
      if (end == std::string_view::npos) end = line.size();
      entries.push_back(base::TrimSpaces(line.substr(pos, end - pos)));
      pos = end + 1;
    }
  }
  std::string client(peer);
  for (size_t i = entries.size(); i-- > 0;) {
    auto ip = ParseForwardedEntry(entries[i]);
    if (!ip) return client;  // a hop we cannot read: keep the last address we can vouch for
    client = Format(*ip);
    if (!Contains(client)) return client;
  }
  return client;  // every hop is a trusted proxy: the leftmost one
}

}  // namespace hetong::server
