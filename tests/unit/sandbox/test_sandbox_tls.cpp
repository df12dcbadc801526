// TLS and mutual TLS, with a test CA made here by the openssl command line tool.
#include "formats/errors.hpp"
#include "sandbox/server.hpp"
#include "tests/support/test_pki.hpp"

#include <httplib.h>

using healthdoc::sandbox::SandboxServer;
using healthdoc::sandbox::SandboxSettings;
using healthdoc::test::TempDir;

using healthdoc::test::make_test_pki;

TEST_CASE("sandbox::tls") {
    TempDir dir;
    if (!healthdoc::test::have_openssl()) {
        MESSAGE("SKIPPED: the openssl command is not available");
        return;
    }
    REQUIRE(make_test_pki(dir));
    auto path = [&](const char* name) { return (dir / name).string(); };

    SandboxSettings settings;
    settings.database = dir / "sandbox.sqlite";
    settings.tls_cert = dir / "server.pem";
    settings.tls_key = dir / "server.key";

    SUBCASE("HTTPS") {
        SandboxServer server(settings);
        server.start();
        CHECK(server.fhir_base().rfind("https://127.0.0.1:", 0) == 0);
        httplib::SSLClient client("127.0.0.1", server.port());
        client.set_ca_cert_path(path("ca.pem").c_str());
        client.enable_server_certificate_verification(true);
        auto res = client.Get("/fhir/metadata");
        REQUIRE(res);
        CHECK(res->status == 200);
    }
    SUBCASE("mutual TLS: the right client certificate only") {
        settings.client_ca = dir / "ca.pem";
        SandboxServer server(settings);
        server.start();
        httplib::SSLClient good("127.0.0.1", server.port(), path("client.pem"), path("client.key"));
        good.set_ca_cert_path(path("ca.pem").c_str());
        good.enable_server_certificate_verification(true);
        auto res = good.Get("/fhir/metadata");
        REQUIRE(res);
        CHECK(res->status == 200);

        httplib::SSLClient anonymous("127.0.0.1", server.port());
        anonymous.set_ca_cert_path(path("ca.pem").c_str());
        CHECK_FALSE(anonymous.Get("/fhir/metadata"));

        httplib::SSLClient rogue("127.0.0.1", server.port(), path("rogue.pem"), path("rogue.key"));
        rogue.set_ca_cert_path(path("ca.pem").c_str());
        CHECK_FALSE(rogue.Get("/fhir/metadata"));
    }
    SUBCASE("unusable certificate files are a usage error") {
        settings.tls_key = dir / "client.key"; // does not match server.pem
        CHECK_THROWS_AS(SandboxServer{settings}, healthdoc::UsageError);
    }
}
