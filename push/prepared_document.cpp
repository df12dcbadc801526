#include "push/transport.hpp"

#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/detect.hpp"
#include "formats/xml_document.hpp"
#include "push/ready_bundle.hpp"

namespace healthdoc::push {

std::optional<PreparedDocument> prepare_document(const formats::SourceText& source, formats::Diagnostics& out) {
    formats::Diagnostics parse;
    auto document = formats::parse_xml(source, parse);
    if (!document) {
        out.append(parse);
        return std::nullopt;
    }
    auto clinical = cda::find_clinical_document(document->root());
    if (!clinical) {
        out.report(formats::Severity::fatal, "push.input.not-cda",
                   "only CDA documents can be pushed; this is not a ClinicalDocument",
                   formats::Location{source.name(), 0, 0, {}});
        return std::nullopt;
    }
    PreparedDocument prepared;
    prepared.name = source.name();
    prepared.bytes = std::string(source.bytes());
    prepared.header = cda::read_header(clinical);
    auto format = formats::detect_format(source).format;
    prepared.entry = cda::map_xds_metadata(prepared.header, prepared.bytes, format, out);
    return prepared;
}

std::optional<PreparedDocument> prepare_input(const formats::SourceText& source, formats::Diagnostics& out,
                                              const TransportSettings& settings) {
    auto format = formats::detect_format(source).format;
    if (format == formats::Format::fhir_json || format == formats::Format::fhir_xml)
        return prepare_fhir_input(source, out, settings);
    return prepare_document(source, out);
}

cda::XdsDocumentEntry with_settings(cda::XdsDocumentEntry entry, const TransportSettings& settings) {
    if (entry.class_code.code.empty()) entry.class_code = settings.class_code;
    if (entry.format_code.code.empty()) entry.format_code = settings.format_code;
    if (entry.healthcare_facility_type_code.code.empty()) entry.healthcare_facility_type_code = settings.facility_type;
    if (entry.practice_setting_code.code.empty()) entry.practice_setting_code = settings.practice_setting;
    return entry;
}

} // namespace healthdoc::push
