// The port-forward channels (kube/port_forward.h): what the kubelet's and
// KWOK's WebSocket streaming servers send for one port, message by message.
#include <boost/test/unit_test.hpp>

#include "kube/names.h"
#include "kube/port_forward.h"

using kube::PortForwardChannels;

namespace {

// A message on `channel` carrying `bytes`.
std::string On(char channel, const std::string& bytes) { return std::string(1, channel) + bytes; }
// Port 8000 little-endian: 0x40 0x1f.
const std::string k8000("\x40\x1f", 2);

}  // namespace

BOOST_AUTO_TEST_SUITE(port_forward)

BOOST_AUTO_TEST_CASE(the_port_comes_first_on_each_channel_then_data) {
  PortForwardChannels ch(8000);
  BOOST_CHECK(!ch.confirmed());
  BOOST_CHECK_EQUAL(*ch.Take(On(0, k8000)), "");
  BOOST_CHECK_EQUAL(*ch.Take(On(1, k8000)), "");
  BOOST_CHECK(ch.confirmed());
  BOOST_CHECK_EQUAL(*ch.Take(On(0, "HTTP/1.1 200 OK\r\n")), "HTTP/1.1 200 OK\r\n");
  BOOST_CHECK_EQUAL(ch.error(), "");
}

BOOST_AUTO_TEST_CASE(a_port_split_across_messages_and_data_after_it_in_the_same_one) {
  PortForwardChannels ch(8000);
  BOOST_CHECK_EQUAL(*ch.Take(On(0, "\x40")), "");
  BOOST_CHECK(!ch.confirmed());
  BOOST_CHECK_EQUAL(*ch.Take(On(0, "\x1f" "abc")), "abc");
  BOOST_CHECK(ch.confirmed());
}

BOOST_AUTO_TEST_CASE(the_error_channel_is_kept_as_text_and_bounded) {
  PortForwardChannels ch(8000);
  ch.Take(On(1, k8000));
  ch.Take(On(1, "error forwarding port 8000 to pod ml/phi: dial tcp 10.0.0.5:8000: connect: connection refused"));
  BOOST_CHECK_EQUAL(ch.error(), "error forwarding port 8000 to pod ml/phi: dial tcp 10.0.0.5:8000: connect: connection refused");
  ch.Take(On(1, std::string(10000, 'x')));
  BOOST_CHECK_EQUAL(ch.error().size(), kube::kMaxPortForwardError);
}

BOOST_AUTO_TEST_CASE(messages_that_break_the_protocol_are_errors) {
  PortForwardChannels ch(8000);
  BOOST_CHECK(!ch.Take("").ok());
  auto other = ch.Take(On(2, k8000));
  BOOST_REQUIRE(!other.ok());
  BOOST_CHECK_EQUAL(other.status().message(), "port-forward: the server wrote on channel 2; one port opens channels 0 and 1 only");
  auto wrong = PortForwardChannels(8000).Take(On(0, std::string("\x50\x00", 2)));
  BOOST_REQUIRE(!wrong.ok());
  BOOST_CHECK_EQUAL(wrong.status().message(), "port-forward: the server opened port 80, not 8000");
}

BOOST_AUTO_TEST_CASE(data_goes_out_on_channel_zero) {
  BOOST_CHECK_EQUAL(PortForwardChannels::DataMessage("GET / HTTP/1.1\r\n"), std::string("\0GET / HTTP/1.1\r\n", 17));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(secret_names_and_data_keys) {
  BOOST_CHECK(kube::IsDnsSubdomain("phi-api-key"));
  BOOST_CHECK(kube::IsDnsSubdomain("team.keys.v1"));
  BOOST_CHECK(!kube::IsDnsSubdomain("a/b"));
  BOOST_CHECK(!kube::IsDnsSubdomain("a..b"));
  BOOST_CHECK(!kube::IsDnsSubdomain("Upper"));
  BOOST_CHECK(!kube::IsDnsSubdomain(""));
  BOOST_CHECK(!kube::IsDnsSubdomain(std::string(254, 'a')));
  BOOST_CHECK(kube::IsDataKey("api-key"));
  BOOST_CHECK(kube::IsDataKey("API_KEY.txt"));
  BOOST_CHECK(!kube::IsDataKey(".."));
  BOOST_CHECK(!kube::IsDataKey("a b"));
  BOOST_CHECK(!kube::IsDataKey(""));
}

BOOST_AUTO_TEST_SUITE_END()
