// The port-forward protocol over a WebSocket, as the kubelet's streaming
// server (k8s.io/cri-streaming, portforward/websocket.go) and KWOK's speak
// it under the subprotocol "v4.channel.k8s.io": every message starts with
// its channel's byte; for the one port asked (?ports=PORT) channel 0 carries
// the data both ways and channel 1 the server's error text, and the first
// two bytes the server sends on each channel are the port, little-endian.
// Pure: the WebSocket itself is kube/transport.cpp's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kube/status.h"

namespace kube {

inline constexpr std::string_view kPortForwardProtocol = "v4.channel.k8s.io";
// Of the error channel, this much is kept: it feeds one message.
inline constexpr size_t kMaxPortForwardError = 4096;

class PortForwardChannels {
 public:
  explicit PortForwardChannels(uint16_t port) : port_(port) {}
  // One message from the server: the data bytes it carries (often none),
  // or an error for a message that breaks the protocol.
  Result<std::string> Take(std::string_view message);
  // What the server wrote on the error channel so far (printable).
  const std::string& error() const { return error_; }
  // Whether the server has confirmed the port on the data channel.
  bool confirmed() const { return header_[0].size() == 2; }
  // The message that sends `bytes` to the port.
  static std::string DataMessage(std::string_view bytes);

 private:
  uint16_t port_;
  std::string header_[2];  // the port bytes of channels 0 and 1, as they came
  std::string error_;
};

}  // namespace kube
