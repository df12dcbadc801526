// Rules on the ClinicalDocument element itself: its fixed parts, the single-occurrence header
// elements, template ids, related documents and the body.
#include "cda/cisis/sections.hpp"

#include <algorithm>
#include <array>
#include <regex>

namespace healthdoc::cda::cisis {
namespace {

constexpr const char* k_hl7_france = "2.16.840.1.113883.2.8.2.1";
constexpr const char* k_cisis = "1.2.250.1.213.1.1.1.1";
constexpr const char* k_xds_sd = "1.3.6.1.4.1.19376.1.2.20";

bool positive_integer(std::string_view text) {
    return !text.empty() && text[0] != '0' &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The children the CI-SIS header template defines for ClinicalDocument, in schema order; the
// template is closed, so anything else is an error (the kit reports it the same way).
constexpr std::array<std::string_view, 26> k_header_elements{"realmCode",
                                                             "typeId",
                                                             "templateId",
                                                             "id",
                                                             "code",
                                                             "title",
                                                             "effectiveTime",
                                                             "confidentialityCode",
                                                             "languageCode",
                                                             "setId",
                                                             "versionNumber",
                                                             "recordTarget",
                                                             "author",
                                                             "dataEnterer",
                                                             "informant",
                                                             "custodian",
                                                             "informationRecipient",
                                                             "legalAuthenticator",
                                                             "authenticator",
                                                             "participant",
                                                             "inFulfillmentOf",
                                                             "documentationOf",
                                                             "relatedDocument",
                                                             "authorization",
                                                             "componentOf",
                                                             "component"};

void check_closed(Checker& check, const Node& document) {
    for (auto c = document.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        auto local = formats::XmlDocument::local_name(c.name());
        bool known = formats::XmlDocument::namespace_uri(c) == "urn:hl7-org:v3" &&
                     std::find(k_header_elements.begin(), k_header_elements.end(), local) != k_header_elements.end();
        if (!known)
            check.error("cisis.header.unknown-element", c,
                        "element '" + std::string(c.name()) +
                            "' is not part of the CI-SIS header: ClinicalDocument may "
                            "only contain the CDA header elements (realmCode ... componentOf) and one component");
    }
}

} // namespace

void check_document_level(Checker& check, const Node& document) {
    check_closed(check, document);
    if (document.attribute("classCode") && Checker::attribute(document, "classCode") != "DOCCLIN")
        check.report_attribute(formats::Severity::error, "cisis.header.document", document, "classCode",
                               "ClinicalDocument/@classCode must be DOCCLIN");
    if (document.attribute("moodCode") && Checker::attribute(document, "moodCode") != "EVN")
        check.report_attribute(formats::Severity::error, "cisis.header.document", document, "moodCode",
                               "ClinicalDocument/@moodCode must be EVN");

    auto realms = Checker::children(document, "realmCode");
    auto france = std::count_if(realms.begin(), realms.end(),
                                [](const Node& n) { return Checker::attribute(n, "code") == "FR"; });
    if (france == 0)
        check.error("cisis.header.realm-code", document, "ClinicalDocument must contain realmCode with @code 'FR'");
    else if (france > 1)
        check.error("cisis.header.realm-code", realms[1], "realmCode 'FR' must appear only once");

    auto type_ids = check.expect(document, "typeId", 1, 1, "cisis.header.type-id");
    for (const auto& type_id : type_ids)
        if (Checker::attribute(type_id, "root") != "2.16.840.1.113883.1.3" ||
            Checker::attribute(type_id, "extension") != "POCD_HD000040")
            check.error("cisis.header.type-id", type_id,
                        "typeId must have @root '2.16.840.1.113883.1.3' and @extension 'POCD_HD000040'");

    for (const auto& id : check.expect(document, "id", 1, 1, "cisis.header.id", true))
        check.check_ii(id, "cisis.header.id");
    for (const auto& code : check.expect(document, "code", 1, 1, "cisis.header.type-code", true)) {
        check.check_coded(code, "cisis.header.type-code", true);
        check.check_in_value_set(code, value_set_oid::type_code, "cisis.header.type-code");
    }
    for (const auto& title : check.expect(document, "title", 1, 1, "cisis.header.title", true))
        if (std::string_view(title.text().get()).find_first_not_of(" \t\r\n") == std::string_view::npos)
            check.error("cisis.header.title", title, "title must not be empty");
    for (const auto& time : check.expect(document, "effectiveTime", 1, 1, "cisis.header.effective-time", true))
        check.check_ts(time, "cisis.header.effective-time");
    for (const auto& code :
         check.expect(document, "confidentialityCode", 1, 1, "cisis.header.confidentiality-code", true)) {
        check.check_coded(code, "cisis.header.confidentiality-code");
        check.check_in_value_set(code, value_set_oid::confidentiality, "cisis.header.confidentiality-code");
    }
    for (const auto& language : check.expect(document, "languageCode", 1, 1, "cisis.header.language-code", true)) {
        static const std::regex pattern("[a-z]{2}-[A-Z]{2}");
        std::string code(Checker::attribute(language, "code"));
        if (!std::regex_match(code, pattern))
            check.report_attribute(formats::Severity::error, "cisis.header.language-code", language, "code",
                                   "languageCode/@code must be a language-COUNTRY code such as 'fr-FR' (ISO 639-1 "
                                   "lower case, '-', ISO 3166 upper case); found '" +
                                       code + "'");
    }
    for (const auto& set_id : check.expect(document, "setId", 1, 1, "cisis.header.set-id", true))
        check.check_ii(set_id, "cisis.header.set-id");
    for (const auto& version : check.expect(document, "versionNumber", 1, 1, "cisis.header.version-number", true))
        if (!positive_integer(Checker::attribute(version, "value")))
            check.report_attribute(formats::Severity::error, "cisis.header.version-number", version, "value",
                                   "versionNumber/@value must be a positive integer");
    check.expect(document, "dataEnterer", 0, 1, "cisis.header.data-enterer");
    for (const auto& enterer : Checker::children(document, "dataEnterer"))
        for (const auto& time : check.expect(enterer, "time", 0, 1, "cisis.header.data-enterer"))
            check.check_ts(time, "cisis.header.data-enterer", false);
    for (const auto& fulfillment : Checker::children(document, "inFulfillmentOf"))
        for (const auto& order : check.expect(fulfillment, "order", 1, 1, "cisis.header.in-fulfillment-of"))
            for (const auto& id : check.expect(order, "id", 1, 1, "cisis.header.in-fulfillment-of"))
                check.check_ii(id, "cisis.header.in-fulfillment-of");
}

void check_template_ids(Checker& check, const Node& document) {
    auto templates = Checker::children(document, "templateId");
    auto count_root = [&](std::string_view root) {
        return std::count_if(templates.begin(), templates.end(),
                             [&](const Node& n) { return Checker::attribute(n, "root") == root; });
    };
    const char* rule = "cisis.header.template-id";
    for (const char* required : {k_hl7_france, k_cisis}) {
        auto count = count_root(required);
        if (count == 0)
            check.error(rule, document,
                        std::string("ClinicalDocument must declare templateId ") + required +
                            (required == k_cisis ? " (CI-SIS)" : " (HL7 France)"));
        else if (count > 1)
            check.error(rule, document, std::string("templateId ") + required + " must appear only once");
    }
    for (const auto& t : templates) {
        if (!check.require_attribute(t, "root", rule)) continue;
        if (!is_uid(Checker::attribute(t, "root")))
            check.report_attribute(formats::Severity::error, rule, t, "root",
                                   "templateId/@root must be an OID or a UUID");
    }
    auto others = std::count_if(templates.begin(), templates.end(), [](const Node& n) {
        auto root = Checker::attribute(n, "root");
        return root != k_hl7_france && root != k_cisis;
    });
    if (others == 0)
        check.error(rule, document,
                    "ClinicalDocument must declare the template id of its content model (or 1.3.6.1.4.1.19376.1.2.20 "
                    "for an unstructured document)");

    auto component = Checker::child(document, "component");
    if (!Checker::child(component, "nonXMLBody")) return;
    if (count_root(k_xds_sd) == 0)
        check.error(rule, document,
                    "an unstructured (nonXMLBody) document must declare templateId 1.3.6.1.4.1.19376.1.2.20 (XDS-SD)");
    else if (templates.size() != 3 && count_root(k_hl7_france) == 1 && count_root(k_cisis) == 1)
        check.error(
            rule, document,
            "an unstructured (nonXMLBody) document must declare exactly the three templateIds "
            "2.16.840.1.113883.2.8.2.1, "
            "1.2.250.1.213.1.1.1.1 and 1.3.6.1.4.1.19376.1.2.20; the model's templateId is replaced by the XDS-SD one");
}

void check_related_documents(Checker& check, const Node& document) {
    const char* rule = "cisis.header.related-document";
    auto related = Checker::children(document, "relatedDocument");
    int replacements = 0;
    for (const auto& relation : related) {
        if (Checker::attribute(relation, "typeCode") != "RPLC") {
            check.report_attribute(
                formats::Severity::error, rule, relation, "typeCode",
                "relatedDocument/@typeCode must be RPLC (a replacement): the DMP accepts no other relation");
            continue;
        }
        if (++replacements == 2)
            check.error(rule, relation,
                        "a document replaces at most one document: only one RPLC relatedDocument is allowed");
        for (const auto& parent : check.expect(relation, "parentDocument", 1, 1, rule, true)) {
            for (const auto& id : check.expect(parent, "id", 1, 1, rule, true)) check.check_ii(id, rule);
            check.expect(parent, "setId", 0, 1, rule);
            check.expect(parent, "versionNumber", 0, 1, rule);
        }
    }
}

void check_body(Checker& check, const Node& document) {
    const char* rule = "cisis.header.body";
    auto components = check.expect(document, "component", 1, 1, rule);
    if (components.empty()) return;
    auto structured = Checker::children(components[0], "structuredBody");
    auto unstructured = Checker::children(components[0], "nonXMLBody");
    if (structured.size() + unstructured.size() != 1) {
        check.error(rule, components[0],
                    "component must hold exactly one body: a structuredBody or a nonXMLBody; found " +
                        std::to_string(structured.size() + unstructured.size()));
        return;
    }
    for (const auto& body : unstructured) {
        auto text = Checker::child(body, "text");
        if (!text) {
            check.error(rule, body, "nonXMLBody must contain the document in a text element");
            continue;
        }
        check.require_attribute(text, "mediaType", rule);
        if (Checker::attribute(text, "representation") != "B64" && !text.child("reference"))
            check.report_attribute(formats::Severity::warning, rule, text, "representation",
                                   "nonXMLBody/text should carry its content base64-encoded (@representation 'B64')");
    }
}

} // namespace healthdoc::cda::cisis
