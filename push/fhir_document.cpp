#include "push/fhir_document.hpp"

#include "cda/fhir_document_header.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/detect.hpp"
#include "formats/json_document.hpp"

namespace healthdoc::push {

std::optional<PreparedDocument> prepare_fhir_document(const formats::SourceText& source, const nlohmann::json& bundle,
                                                      formats::Diagnostics& out, const TransportSettings& settings) {
    auto header = cda::read_fhir_document_header(bundle, out);
    if (!header) return std::nullopt;
    if (header->facility_type.code.empty() && !settings.facility_type.code.empty()) {
        const auto& given = settings.facility_type;
        header->facility_type = cda::Code{given.code, given.scheme, "", given.display, ""};
    }
    if (!settings.practice_setting.code.empty()) {
        // Where the header model keeps a practice setting: the service performer's organisation.
        const auto& given = settings.practice_setting;
        cda::AssignedEntity performer;
        performer.organization.industry_class = cda::Code{given.code, given.scheme, "", given.display, ""};
        header->performers.push_back(std::move(performer));
    }
    auto format = formats::detect_format(source).format;
    PreparedDocument prepared;
    prepared.name = source.name();
    prepared.bytes = std::string(source.bytes());
    prepared.source = cda::HeaderSource::fhir_document;
    prepared.fhir_document = format == formats::Format::fhir_json ? formats::json_text(source) : bundle.dump();
    prepared.header = std::move(*header);
    prepared.entry =
        cda::map_xds_metadata(prepared.header, prepared.bytes, format, out, cda::HeaderSource::fhir_document);
    return prepared;
}

} // namespace healthdoc::push
