#include "kube/port_forward.h"

#include "kube/printable.h"

namespace kube {

Result<std::string> PortForwardChannels::Take(std::string_view message) {
  if (message.empty()) return Status(Kind::kServer, "port-forward: the server sent a message without a channel");
  const unsigned channel = static_cast<unsigned char>(message[0]);
  if (channel > 1) {
    return Status(Kind::kServer, "port-forward: the server wrote on channel " + std::to_string(channel) +
                                     "; one port opens channels 0 and 1 only");
  }
  std::string_view rest = message.substr(1);
  std::string& header = header_[channel];
  while (header.size() < 2 && !rest.empty()) {
    header += rest[0];
    rest.remove_prefix(1);
    if (header.size() < 2) continue;
    const unsigned port = static_cast<unsigned char>(header[0]) | static_cast<unsigned>(static_cast<unsigned char>(header[1])) << 8;
    if (port != port_) {
      return Status(Kind::kServer, "port-forward: the server opened port " + std::to_string(port) + ", not " +
                                       std::to_string(port_));
    }
  }
  if (channel == 0) return std::string(rest);
  if (error_.size() < kMaxPortForwardError) {
    error_ += Printable(std::string(rest.substr(0, kMaxPortForwardError - error_.size())));
  }
  return std::string();
}

std::string PortForwardChannels::DataMessage(std::string_view bytes) {
  std::string m(1, '\0');
  m += bytes;
  return m;
}

}  // namespace kube
