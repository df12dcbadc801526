// Cutting one client connection from inside a request handler, for the drop faults.
//
// cpp-httplib 0.11 gives handlers no access to their socket and answers whatever the handler
// sets (even an empty response is a well-formed HTTP answer). So the sandbox finds the socket
// itself: among the process's open descriptors, the one stream socket whose local and peer
// addresses are the request's (a TCP 4-tuple is unique), and calls shutdown(SHUT_RDWR) on it.
// The descriptor stays open (httplib still owns and closes it, so no descriptor can be reused
// under its feet); httplib's attempt to write the answer then fails, and the client reads an
// end of stream without any answer. Works for TLS connections too (the TCP socket under TLS).
#pragma once

#include <string>

namespace healthdoc::sandbox {

// Shuts down the connected socket whose peer is remote_addr:remote_port and whose own address
// is local_addr:local_port. Returns false when no such socket is found. Never throws.
bool drop_connection(const std::string& remote_addr, int remote_port, const std::string& local_addr, int local_port);

} // namespace healthdoc::sandbox
