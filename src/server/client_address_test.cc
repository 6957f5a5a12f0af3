#include "server/client_address.h"

#include <gtest/gtest.h>

namespace hetong::server {
namespace {

TrustedProxies Proxies(std::string_view list) {
  auto p = TrustedProxies::Parse(list);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : TrustedProxies();
}

TEST(TrustedProxiesTest, ParsesAddressesAndNetworks) {
  TrustedProxies p = Proxies("127.0.0.1, 10.0.0.0/8 192.168.1.128/25,fd00::/8 ::1");
  EXPECT_FALSE(p.empty());
  EXPECT_TRUE(p.Contains("127.0.0.1"));
  EXPECT_FALSE(p.Contains("127.0.0.2"));
  EXPECT_TRUE(p.Contains("10.255.3.4"));
  EXPECT_FALSE(p.Contains("11.0.0.1"));
  EXPECT_TRUE(p.Contains("192.168.1.200"));
  EXPECT_FALSE(p.Contains("192.168.1.127"));
  EXPECT_TRUE(p.Contains("fd12:3456::1"));
  EXPECT_FALSE(p.Contains("fe80::1"));
  EXPECT_TRUE(p.Contains("::1"));
  EXPECT_TRUE(p.Contains("::ffff:10.1.2.3"));  // IPv4-mapped, as a dual-stack socket gives it
  EXPECT_FALSE(p.Contains("not an address"));
  EXPECT_FALSE(p.Contains(""));
  EXPECT_TRUE(Proxies("").empty());
  EXPECT_TRUE(Proxies(" , ").empty());
  // A prefix off a byte boundary, in IPv6.
  TrustedProxies v6 = Proxies("2001:db8:8000::/33");
  EXPECT_TRUE(v6.Contains("2001:db8:ffff::1"));
  EXPECT_FALSE(v6.Contains("2001:db8:7fff::1"));
  // A link-local peer as the socket names it, with its zone.
  EXPECT_TRUE(Proxies("fe80::/10").Contains("fe80::1%eth0"));
  EXPECT_TRUE(Proxies("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_FALSE(Proxies("0.0.0.0/0").Contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, RefusesBadEntriesByName) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x",
                          "1.2.3", "10.0.0.1:8080", "::1/-1"}) {
    auto p = TrustedProxies::Parse(std::string("127.0.0.1, ") + bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(bad), std::string::npos) << p.status().message();
  }
}

TEST(TrustedProxiesTest, TakesTheRightmostUntrustedHop) {
  TrustedProxies p = Proxies("127.0.0.1, 10.0.0.0/8");
  // nginx on loopback appended the client's address.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"203.0.113.7"}), "203.0.113.7");
  // Whatever the client put in front is ignored: only the entry our proxy appended counts.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"1.1.1.1, 203.0.113.7"}), "203.0.113.7");
  // Two trusted proxies (a load balancer, then nginx), header split over two lines.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"6.6.6.6, 198.51.100.4", "10.1.2.3"}), "198.51.100.4");
  // Ports and brackets, as some proxies write them; IPv6 comes out in canonical form.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"203.0.113.7:51234"}), "203.0.113.7");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"[2001:DB8:0::1]:443"}), "2001:db8::1");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"2001:db8::2"}), "2001:db8::2");
  // Every hop trusted: the leftmost one.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"10.0.0.9, 10.0.0.8"}), "10.0.0.9");
  // A peer that is not a trusted proxy cannot choose its address.
  EXPECT_EQ(p.ClientAddress("203.0.113.50", {"1.2.3.4"}), "203.0.113.50");
  // No header: the peer.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {}), "127.0.0.1");
  // An unreadable hop stops the walk at the last trusted one.
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"unknown"}), "127.0.0.1");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"203.0.113.7, garbage, 10.0.0.3"}), "10.0.0.3");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"203.0.113.7,"}), "127.0.0.1");
  // A dual-stack socket names an IPv4 peer as IPv4-mapped IPv6; a mapped entry comes out as
  // IPv4, and a mapped trusted hop is skipped like its IPv4 form.
  EXPECT_EQ(p.ClientAddress("::ffff:127.0.0.1", {"203.0.113.7"}), "203.0.113.7");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"::ffff:203.0.113.7"}), "203.0.113.7");
  EXPECT_EQ(p.ClientAddress("127.0.0.1", {"203.0.113.7, ::ffff:10.0.0.3"}), "203.0.113.7");
  // Without trusted proxies the header is never read.
  EXPECT_EQ(TrustedProxies().ClientAddress("127.0.0.1", {"203.0.113.7"}), "127.0.0.1");
}

}  // namespace
}  // namespace hetong::server
