// Fault rules: parsing, counting, and their effect over real sockets.
#include "formats/errors.hpp"
#include "sandbox/faults.hpp"
#include "sandbox/server.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/sandbox/sandbox_requests.hpp"

#include <httplib.h>

#include <chrono>

using namespace healthdoc::sandbox;
using healthdoc::test::TempDir;

TEST_CASE("sandbox::parse_fault_rule") {
    auto rule = parse_fault_rule("status=429,retry-after=1,count=1");
    CHECK(rule.status == 429);
    CHECK(rule.retry_after == 1);
    CHECK(rule.count == 1);
    CHECK(parse_fault_rule("drop=after-store,count=1,path=/fhir,method=POST").drop == DropPoint::after_store);
    CHECK(parse_fault_rule("random=0.3,status=503").probability == doctest::Approx(0.3));
    CHECK(parse_fault_rule("delay-ms=20").delay_ms == 20);
    CHECK_THROWS_AS(parse_fault_rule("status=abc"), healthdoc::UsageError);
    CHECK_THROWS_AS(parse_fault_rule("count=2"), healthdoc::UsageError);
    CHECK_THROWS_AS(parse_fault_rule("drop=sometimes"), healthdoc::UsageError);
    CHECK_THROWS_AS(parse_fault_rule("colour=red,status=500"), healthdoc::UsageError);
    CHECK_THROWS_AS(parse_fault_rule("random=2,status=500"), healthdoc::UsageError);

    TempDir dir;
    healthdoc::test::write_file(dir / "faults.json", R"([{"status": 503, "count": 2}, {"drop": "after-store", "path": "/xds"}])");
    auto rules = read_fault_file(dir / "faults.json");
    REQUIRE(rules.size() == 2);
    CHECK(rules[1].drop == DropPoint::after_store);
    healthdoc::test::write_file(dir / "bad.json", R"({"status": 503})");
    CHECK_THROWS_AS(read_fault_file(dir / "bad.json"), healthdoc::UsageError);
}

TEST_CASE("sandbox::fault_injector") {
    FaultInjector injector({parse_fault_rule("status=503,count=2,method=POST"), parse_fault_rule("status=500,skip=1,count=1")});
    CHECK(injector.decide("GET", "/fhir").status == 0);   // rule 2 skips its first request
    CHECK(injector.decide("POST", "/fhir").status == 503);
    CHECK(injector.decide("POST", "/fhir").status == 503);
    CHECK(injector.decide("POST", "/fhir").status == 0);  // rule 2 fired on the first POST already
    FaultInjector random({parse_fault_rule("random=0.5,status=503")}, 42);
    int fired = 0;
    for (int i = 0; i < 200; ++i) fired += random.decide("GET", "/") .status == 503;
    CHECK(fired > 50);
    CHECK(fired < 150);
}

TEST_CASE("sandbox::faults_over_http") {
    TempDir dir;
    SandboxSettings settings;
    settings.database = dir / "sandbox.sqlite";
    healthdoc::test::MhdRequest request;

    SUBCASE("503 twice, then success") {
        settings.faults = {parse_fault_rule("status=503,count=2")};
        SandboxServer server(settings);
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        CHECK(client.Post("/fhir", mhd_bundle(request), "application/fhir+json")->status == 503);
        CHECK(client.Post("/fhir", mhd_bundle(request), "application/fhir+json")->status == 503);
        CHECK(client.Post("/fhir", mhd_bundle(request), "application/fhir+json")->status == 200);
        CHECK(server.registry().count() == 1);
    }
    SUBCASE("429 with Retry-After") {
        settings.faults = {parse_fault_rule("status=429,retry-after=1,count=1")};
        SandboxServer server(settings);
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        auto res = client.Get("/fhir/DocumentReference");
        REQUIRE(res);
        CHECK(res->status == 429);
        CHECK(res->get_header_value("Retry-After") == "1");
        CHECK(client.Get("/fhir/DocumentReference")->status == 200);
    }
    SUBCASE("drop after store: the client sees no answer, the document is stored") {
        settings.faults = {parse_fault_rule("drop=after-store,count=1")};
        SandboxServer server(settings);
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        auto res = client.Post("/fhir", mhd_bundle(request), "application/fhir+json");
        CHECK_FALSE(res);
        CHECK(server.registry().count() == 1);
        auto [type, body] = healthdoc::test::xds_request(healthdoc::test::XdsRequest{});
        CHECK(client.Post("/xds/repository", body, type)->status == 200); // the count is spent
    }
    SUBCASE("drop before store: nothing stored") {
        settings.faults = {parse_fault_rule("drop=before-store,count=1")};
        SandboxServer server(settings);
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        CHECK_FALSE(client.Post("/fhir", mhd_bundle(request), "application/fhir+json"));
        CHECK(server.registry().count() == 0);
        CHECK(client.Post("/fhir", mhd_bundle(request), "application/fhir+json")->status == 200);
    }
    SUBCASE("delay") {
        settings.faults = {parse_fault_rule("delay-ms=150,count=1")};
        SandboxServer server(settings);
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        auto started = std::chrono::steady_clock::now();
        CHECK(client.Get("/fhir/metadata")->status == 200);
        CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(150));
    }
}
