#include "cda/rule_overlap.hpp"

#include <doctest/doctest.h>

using namespace healthdoc;
using formats::Severity;
using cda::merge_overlapping_findings;

namespace {

formats::Location at(std::size_t line, std::size_t column) { return formats::Location{"doc.xml", line, column, ""}; }

} // namespace

TEST_CASE("cda::merge_overlapping_findings") {
    const std::string official = "schematron.StructurationMinimale.template-1";
    SUBCASE("the official twin of a built-in finding is folded into it") {
        formats::Diagnostics in;
        in.report(Severity::error, "cisis.header.realm-code", "ClinicalDocument must contain realmCode", at(3, 1));
        in.report(Severity::error, "cisis.header.language-code", "bad languageCode", at(3, 1));
        in.report(Severity::error, official, "element hl7:realmCode[@code = 'FR'] is required", at(3, 1));
        auto out = merge_overlapping_findings(in);
        REQUIRE(out.size() == 2);
        CHECK(out.items()[0].message == "ClinicalDocument must contain realmCode (also " + official + ")");
        CHECK(out.items()[1].message == "bad languageCode");
    }
    SUBCASE("one each at the same place: paired by place alone") {
        formats::Diagnostics in;
        in.report(Severity::error, "cisis.header.component-of", "healthCareFacility must contain a code", at(9, 5));
        in.report(Severity::error, official, "(SMDS) element hl7:code is required", at(9, 5));
        auto out = merge_overlapping_findings(in);
        REQUIRE(out.size() == 1);
        CHECK(out.items()[0].rule == "cisis.header.component-of");
    }
    SUBCASE("different places, severities or layers stay apart") {
        formats::Diagnostics in;
        in.report(Severity::error, "cisis.header.realm-code", "realmCode", at(3, 1));
        in.report(Severity::error, official, "realmCode", at(4, 1));
        in.report(Severity::warning, official, "realmCode", at(3, 1));
        in.report(Severity::error, "schematron.IHE.x", "realmCode", at(3, 1));
        CHECK(merge_overlapping_findings(in).size() == 4);
    }
    SUBCASE("two officials at a place with one unrelated built-in: neither is folded") {
        formats::Diagnostics in;
        in.report(Severity::error, "cisis.header.realm-code", "realmCode", at(3, 1));
        in.report(Severity::error, official, "typeId is required", at(3, 1));
        in.report(Severity::error, official, "title is required", at(3, 1));
        CHECK(merge_overlapping_findings(in).size() == 3);
    }
}
