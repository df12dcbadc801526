// The members of its context an invariant reads, and the validator's use of it: an invariant is
// evaluated once for all the values that have none of those members.
#include "fhir/fhirpath/context_members.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <algorithm>

using namespace healthdoc;
using fhir::fhirpath::context_members;

namespace {

std::optional<std::vector<std::string>> members_of(const std::string& text) {
    auto expression = fhir::fhirpath::parse(text);
    REQUIRE(expression.root());
    return context_members(*expression.root());
}

} // namespace

TEST_CASE("fhirpath context members: what an expression reads of its context") {
    using Members = std::vector<std::string>;
    CHECK(members_of("value.empty() or system.exists()") == Members{"system", "value"});
    CHECK(members_of("contained.contained.empty()") == Members{"contained"});
    CHECK(members_of("name.matches('[A-Z]([A-Za-z0-9_]){0,254}')") == Members{"name"});
    CHECK(members_of("period.exists() implies period >= 0") == Members{"period"});
    // The argument of where() is read per item of contained only: nothing more of the context.
    CHECK(members_of("contained.where(('#'+id in %resource.descendants().reference).not()).empty()") ==
          Members{"contained"});
    CHECK(members_of("kind != 'root' or uniqueId.all(type != 'uuid')") == Members{"kind", "uniqueId"});
    CHECK(members_of("code.memberOf(%vs-units) or code.empty()") == Members{"code"});

    // What may depend on more than the context's members.
    CHECK_FALSE(members_of("hasValue() or (children().count() > id.count())"));
    CHECK_FALSE(members_of("htmlChecks()"));
    CHECK_FALSE(members_of("reference.startsWith('#').not() or (reference in %rootResource.contained.id)"));
    CHECK_FALSE(members_of("$this.value.exists()"));
    CHECK_FALSE(members_of("Patient.name.exists()"));
    // A where() over a literal evaluates its argument even when the context has nothing.
    CHECK_FALSE(members_of("('a' | 'b').where(%resource.id.exists()).empty()"));
    // iif() without an input reads the focus.
    CHECK_FALSE(members_of("iif(code.exists(), true, false)"));
}

TEST_CASE("fhir validator: an invariant's outcome on values without its members is shared, not mixed up") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(test::core(*packages));
    // bdl-5 (resource.exists() or request.exists() or response.exists()) fails on every entry
    // without those members, and holds on the entries with one.
    auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"collection","entry":[
        {"fullUrl":"urn:uuid:1"},
        {"fullUrl":"urn:uuid:4d3b4a8e-6a34-4a57-9d1f-0f4a0b0e8c11","resource":{"resourceType":"Basic",
         "code":{"text":"x"}}},
        {"fullUrl":"urn:uuid:2"}]})");
    CHECK(test::count_at_least(found, "fhir.invariant.bdl-5", formats::Severity::information) == 2);
    // sqty-1-like rules hold on the values without the member and fail on the one with it:
    // qty-3 (code.empty() or system.exists()).
    found = test::validate(validator, R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
        "component":[{"code":{"text":"a"},"valueQuantity":{"value":1}},
                     {"code":{"text":"b"},"valueQuantity":{"value":2,"code":"mg"}},
                     {"code":{"text":"c"},"valueQuantity":{"value":3}}]})");
    CHECK(test::count_at_least(found, "fhir.invariant.qty-3", formats::Severity::information) == 1);
}
