// The client's address behind reverse proxies the operator trusts (`server.trusted_proxies`).
//
// A request that arrives from a trusted proxy and carries X-Forwarded-For is attributed to the
// rightmost address of that header that is not itself a trusted proxy: each proxy appends the
// address it received the request from, so everything left of the last untrusted hop could have
// been written by the client and is ignored. A request from any other peer keeps the peer's
// address whatever headers it sends. With no trusted proxies (the default) the header is never
// read. Per-address limits (logins, one-time codes) count by this address.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hetong::server {

class TrustedProxies {
 public:
  TrustedProxies() = default;

  // A list of IP addresses and CIDR networks separated by commas or spaces, e.g.
  // "127.0.0.1, 198.51.100.0/28, fd00::10". InvalidArgument names the first bad entry. Name
  // only proxies: a client inside a trusted network is skipped like a proxy, and the entry
  // left of it, written by the client, would be believed.
  static StatusOr<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return networks_.empty(); }
  // `address` is an IPv4 or IPv6 literal (IPv4-mapped IPv6 counts as IPv4); false for
  // anything that is not an address.
  bool Contains(std::string_view address) const;

  // The address requests from `peer` are attributed to, given the X-Forwarded-For values
  // (each header line, in order; empty when there is none). Entries may carry a port
  // ("1.2.3.4:5678", "[2001:db8::1]:443"). An entry that is not an address ends the walk:
  // the request keeps the address of the trusted hop to its right (the peer, or a proxy).
  std::string ClientAddress(std::string_view peer,
                            const std::vector<std::string_view>& forwarded_for) const;

 private:
  struct Network {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;                 // in bits of the 16 bytes
  };
  std::vector<Network> networks_;
};

}  // namespace hetong::server
