#include "cda/validation.hpp"

#include "cda/schema_locator.hpp"
#include "cda/xsd_schema.hpp"
#include "formats/detect.hpp"
#include "formats/json_document.hpp"

#include <chrono>

namespace healthdoc::cda {
namespace {

constexpr const char* k_hl7_v3 = "urn:hl7-org:v3";

bool is_clinical_document(const pugi::xml_node& node) {
    return node.type() == pugi::node_element &&
           formats::XmlDocument::local_name(node.name()) == "ClinicalDocument" &&
           formats::XmlDocument::namespace_uri(node) == k_hl7_v3;
}

// The ClinicalDocument element: the root, or the one inside an ANS auto-presentable
// stylesheet. Iterative, so a deep stylesheet cannot exhaust the stack.
pugi::xml_node find_clinical_document(const pugi::xml_node& root) {
    if (is_clinical_document(root)) return root;
    std::vector<pugi::xml_node> stack{root};
    while (!stack.empty()) {
        auto node = stack.back();
        stack.pop_back();
        for (auto child = node.last_child(); child; child = child.previous_sibling()) {
            if (child.type() != pugi::node_element) continue;
            if (is_clinical_document(child)) return child;
            stack.push_back(child);
        }
    }
    return {};
}

void refuse(formats::DocumentReport& report, const std::string& rule, const std::string& message) {
    report.unreadable = true;
    report.diagnostics.report(formats::Severity::fatal, rule, message, formats::Location{report.file, 0, 0, ""});
}

} // namespace

Validator::Validator(const ValidationSettings& settings, formats::Diagnostics& setup) : m_settings(settings) {
    if (auto path = locate_cda_schema(settings.schemas, settings.rules_dir)) {
        m_schema = XsdSchema::load(*path);
    } else {
        setup.report(formats::Severity::warning, "cda.schema.skipped",
                     "no CDA schema found (use --schemas DIR, HEALTHDOC_SCHEMAS, or install the ANS kit with "
                     "`healthdoc packages install`); the schema layer was skipped");
    }
}

Validator::~Validator() = default;

std::string Validator::schema_path() const { return m_schema ? m_schema->path().string() : std::string(); }

formats::DocumentReport Validator::validate(const formats::SourceText& source) const {
    auto started = std::chrono::steady_clock::now();
    formats::DocumentReport report;
    report.file = source.name();
    auto detection = formats::detect_format(source);
    report.kind = std::string(formats::to_string(detection.format));

    switch (detection.format) {
    case formats::Format::cda:
    case formats::Format::cda_autopresentable: {
        auto document = formats::parse_xml(source, report.diagnostics, m_settings.limits);
        if (!document) break;
        auto clinical_document = find_clinical_document(document->root());
        if (!clinical_document) break; // detection and parse disagree only on broken input, already reported
        if (m_schema) m_schema->validate(*document, clinical_document, report.diagnostics);
        break;
    }
    case formats::Format::fhir_xml:
    case formats::Format::xml: formats::parse_xml(source, report.diagnostics, m_settings.limits); break;
    case formats::Format::fhir_json:
    case formats::Format::json:
        formats::parse_json(source, report.diagnostics, {m_settings.limits.max_bytes, m_settings.limits.max_depth});
        break;
    case formats::Format::pdf:
    case formats::Format::text:
    case formats::Format::jpeg:
    case formats::Format::tiff:
    case formats::Format::rtf:
        refuse(report, "validate.input.not-validatable",
               "a " + std::string(formats::to_string(detection.format)) +
                   " file is not validated directly; wrap it in a CDA document first (healthdoc convert --to cda)");
        break;
    case formats::Format::unknown:
        refuse(report, "io.detect.unknown-format",
               "the input is not a format healthdoc recognises (CDA or other XML, FHIR JSON or XML, PDF, "
               "JPEG, TIFF, RTF, plain text)");
        break;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace healthdoc::cda
