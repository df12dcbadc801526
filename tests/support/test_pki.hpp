// A throw-away PKI for TLS tests, made with the openssl command line tool.
#pragma once

#include "tests/support/test_support.hpp"

#include <string>

namespace healthdoc::test {

// Whether the openssl command is available (tests skip with a message when it is not).
bool have_openssl();

// Makes <name>.pem and <name>.key in `dir`, signed by <ca>.pem/<ca>.key there, or a self-signed
// CA when `ca` is empty. Leaf certificates carry subjectAltName IP:127.0.0.1.
bool make_certificate(const TempDir& dir, const std::string& name, const std::string& ca, const std::string& subject);

// The usual set in `dir`: ca, server (127.0.0.1) and client signed by ca, and a rogue client
// signed by an unrelated rogue_ca. False when openssl failed.
bool make_test_pki(const TempDir& dir);

} // namespace healthdoc::test
