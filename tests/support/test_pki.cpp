#include "tests/support/test_pki.hpp"

#include <cstdlib>

namespace healthdoc::test {
namespace {

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

} // namespace

bool have_openssl() { return run("openssl version"); }

bool make_certificate(const TempDir& dir, const std::string& name, const std::string& ca, const std::string& subject) {
    std::string d = "'" + dir.path().string() + "/";
    std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + d + name + ".key'";
    if (ca.empty())
        return run("openssl req -x509 " + key + " -out " + d + name + ".pem' -days 2 -subj '/CN=" + subject + "'");
    write_file(dir / "san.ext", "subjectAltName=IP:127.0.0.1\n");
    return run("openssl req " + key + " -out " + d + name + ".csr' -subj '/CN=" + subject + "'") &&
           run("openssl x509 -req -in " + d + name + ".csr' -CA " + d + ca + ".pem' -CAkey " + d + ca +
               ".key' -CAcreateserial -out " + d + name + ".pem' -days 2 -extfile " + d + "san.ext'");
}

bool make_test_pki(const TempDir& dir) {
    return make_certificate(dir, "ca", "", "healthdoc test CA") && make_certificate(dir, "server", "ca", "127.0.0.1") &&
           make_certificate(dir, "client", "ca", "healthdoc test client") &&
           make_certificate(dir, "rogue_ca", "", "rogue CA") &&
           make_certificate(dir, "rogue", "rogue_ca", "rogue client");
}

} // namespace healthdoc::test
