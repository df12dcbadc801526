// The FHIR narrative rules (R4 "Narrative"): the div is XHTML in the xhtml namespace, holds
// only the basic HTML elements and attributes FHIR allows (no script, form, object, event
// handlers or external references in @src other than data: and #fragments), is not empty,
// and is well-formed. Used for Narrative.div in JSON (a string) and in XML (an element).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir {

struct XhtmlProblem {
    std::string rule;    // fhir.xhtml.not-well-formed, .wrong-namespace, .element-not-allowed,
                         // .attribute-not-allowed, .empty, .not-div
    std::string message; // one sentence naming the element or attribute
    std::size_t offset = 0; // byte offset in the xhtml text where the problem is (0 = start)
};

// Problems of the narrative `xhtml` (the text of a JSON "div" value, or an XML div serialized).
std::vector<XhtmlProblem> check_narrative_xhtml(std::string_view xhtml);

} // namespace healthdoc::fhir
