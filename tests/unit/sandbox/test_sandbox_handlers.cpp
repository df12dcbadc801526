// The handlers without sockets, on hostile input: every truncation and type confusion gets an
// answer (never a crash, never an exception, nothing stored).
#include "sandbox/mhd_recipient.hpp"
#include "sandbox/xds_repository.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/sandbox/sandbox_requests.hpp"

using namespace healthdoc::sandbox;
using healthdoc::test::TempDir;

TEST_CASE("sandbox::handlers_on_broken_input") {
    TempDir dir;
    Registry registry(dir / "registry.sqlite");

    SUBCASE("truncated ITI-65 bundles") {
        std::string bundle = mhd_bundle(healthdoc::test::MhdRequest{});
        for (std::size_t length = 0; length < bundle.size(); length += 7) {
            auto answer = provide_document_bundle(registry, bundle.substr(0, length), "application/fhir+json");
            CHECK(answer.status >= 400);
            CHECK(answer.status < 500);
        }
        CHECK(registry.count() == 0);
    }
    SUBCASE("JSON of the wrong shapes") {
        for (const char* body : {R"([])", R"("Bundle")", R"({"resourceType":"Bundle","type":"transaction","entry":"x"})",
                                 R"({"resourceType":"Bundle","type":"transaction","entry":[1,2]})",
                                 R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":1,"resource":[],"request":"POST"}]})",
                                 R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"a","resource":{"resourceType":"DocumentReference","content":[{"attachment":{"url":"a","size":"x","hash":7}}],"subject":{"reference":"#"}},"request":{"method":"POST","url":"DocumentReference"}}]})",
                                 R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"a","resource":{"resourceType":"DocumentReference","masterIdentifier":[],"type":{"coding":{}},"relatesTo":[{"code":"replaces"}],"content":[]},"request":{"method":"PATCH","url":"DocumentReference/x"}}]})"}) {
            auto answer = provide_document_bundle(registry, body, "application/json");
            CHECK_MESSAGE(answer.status >= 400, body);
            CHECK_MESSAGE(answer.status < 500, body);
        }
        CHECK(registry.count() == 0);
    }
    SUBCASE("truncated ITI-41 requests") {
        for (bool mtom : {true, false}) {
            healthdoc::test::XdsRequest request;
            request.mtom = mtom;
            auto [type, body] = healthdoc::test::xds_request(request);
            for (std::size_t length = 0; length + 40 < body.size(); length += 13) {
                auto answer = provide_and_register(registry, body.substr(0, length), type);
                bool refused = answer.status >= 400 || answer.body.find("ResponseStatusType:Failure") != std::string::npos;
                CHECK(refused);
            }
        }
        CHECK(registry.count() == 0);
    }
}
