#include "cda/inspect.hpp"

#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"

#include "formats/json_document.hpp"

#include "formats/detect.hpp"
#include "formats/hash.hpp"

#include <string>
#include <string_view>

namespace healthdoc::cda {
namespace {

using formats::XmlDocument;
using Json = nlohmann::ordered_json;

constexpr std::string_view k_hl7_v3 = "urn:hl7-org:v3";
constexpr std::string_view k_fhir = "http://hl7.org/fhir";

bool is_element(const pugi::xml_node& node, std::string_view local, std::string_view ns) {
    return node.type() == pugi::node_element && XmlDocument::local_name(node.name()) == local &&
           XmlDocument::namespace_uri(node) == ns;
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view local, std::string_view ns) {
    for (auto c : parent.children())
        if (is_element(c, local, ns)) return c;
    return {};
}

void put(Json& object, const char* key, const char* value) {
    if (value && *value) object[key] = value;
}

// Collapses runs of white space, as a title displays.
std::string collapse_space(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

// CDA R2 header (POCD_HD000040): the identifying fields an XDS submission and a human need.
Json cda_header(const pugi::xml_node& clinical_document) {
    Json document = Json::object();
    auto instance_identifier = [](const pugi::xml_node& ii) {
        Json id = Json::object();
        put(id, "root", ii.attribute("root").value());
        put(id, "extension", ii.attribute("extension").value());
        return id;
    };
    if (auto id = child(clinical_document, "id", k_hl7_v3)) document["id"] = instance_identifier(id);
    if (auto set_id = child(clinical_document, "setId", k_hl7_v3)) document["setId"] = instance_identifier(set_id);
    if (auto version = child(clinical_document, "versionNumber", k_hl7_v3))
        put(document, "versionNumber", version.attribute("value").value());
    if (auto code = child(clinical_document, "code", k_hl7_v3)) {
        Json c = Json::object();
        put(c, "code", code.attribute("code").value());
        put(c, "codeSystem", code.attribute("codeSystem").value());
        put(c, "displayName", code.attribute("displayName").value());
        document["code"] = std::move(c);
    }
    if (auto title = child(clinical_document, "title", k_hl7_v3)) {
        auto text = collapse_space(title.text().get());
        if (!text.empty()) document["title"] = text;
    }
    if (auto time = child(clinical_document, "effectiveTime", k_hl7_v3))
        put(document, "effectiveTime", time.attribute("value").value());
    if (auto confidentiality = child(clinical_document, "confidentialityCode", k_hl7_v3))
        put(document, "confidentialityCode", confidentiality.attribute("code").value());
    if (auto language = child(clinical_document, "languageCode", k_hl7_v3))
        put(document, "languageCode", language.attribute("code").value());
    Json template_ids = Json::array();
    for (auto c : clinical_document.children())
        if (is_element(c, "templateId", k_hl7_v3) && *c.attribute("root").value())
            template_ids.push_back(c.attribute("root").value());
    document["templateIds"] = std::move(template_ids);
    return document;
}

Json fhir_xml_resource(const pugi::xml_node& root) {
    Json resource = Json::object();
    resource["resourceType"] = std::string(XmlDocument::local_name(root.name()));
    auto value_of = [&](const pugi::xml_node& parent, std::string_view name) {
        return child(parent, name, k_fhir).attribute("value").value();
    };
    put(resource, "id", value_of(root, "id"));
    if (XmlDocument::local_name(root.name()) == "Bundle") {
        put(resource, "type", value_of(root, "type"));
        std::size_t entries = 0;
        for (auto c : root.children())
            if (is_element(c, "entry", k_fhir)) ++entries;
        resource["entries"] = entries;
    }
    Json profiles = Json::array();
    if (auto meta = child(root, "meta", k_fhir))
        for (auto c : meta.children())
            if (is_element(c, "profile", k_fhir)) profiles.push_back(c.attribute("value").value());
    if (!profiles.empty()) resource["profiles"] = std::move(profiles);
    return resource;
}

Json fhir_json_resource(const nlohmann::json& root) {
    Json resource = Json::object();
    auto string_at = [&](const char* key) -> std::string {
        auto it = root.find(key);
        return it != root.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    resource["resourceType"] = string_at("resourceType");
    if (auto id = string_at("id"); !id.empty()) resource["id"] = id;
    if (string_at("resourceType") == "Bundle") {
        if (auto type = string_at("type"); !type.empty()) resource["type"] = type;
        auto entry = root.find("entry");
        resource["entries"] = entry != root.end() && entry->is_array() ? entry->size() : 0;
    }
    auto meta = root.find("meta");
    if (meta != root.end() && meta->is_object()) {
        auto profile = meta->find("profile");
        if (profile != meta->end() && profile->is_array()) {
            Json profiles = Json::array();
            for (const auto& p : *profile)
                if (p.is_string()) profiles.push_back(p.get<std::string>());
            if (!profiles.empty()) resource["profiles"] = std::move(profiles);
        }
    }
    return resource;
}

void inspect_xml(const formats::SourceText& source, const formats::Detection& detection,
                 const formats::XmlLimits& limits, formats::DocumentReport& report) {
    auto document = formats::parse_xml(source, report.diagnostics, limits);
    if (!document) return;
    auto root = document->root();
    Json root_json = Json::object();
    root_json["name"] = std::string(XmlDocument::local_name(root.name()));
    auto ns = XmlDocument::namespace_uri(root);
    if (!ns.empty()) root_json["namespace"] = ns;
    report.details["root"] = std::move(root_json);
    switch (detection.format) {
    case formats::Format::cda:
    case formats::Format::cda_autopresentable: {
        auto clinical_document = find_clinical_document(document->root());
        if (!clinical_document) {
            report.diagnostics.report(formats::Severity::error, "cda.inspect.no-clinical-document",
                                      "no ClinicalDocument element in namespace urn:hl7-org:v3 was found",
                                      document->location_of(root));
            return;
        }
        report.details["document"] = cda_header(clinical_document);
        // XDS metadata are computed on the bytes as stored (the hash the registry checks).
        auto entry = map_xds_metadata(read_header(clinical_document), source.bytes(), detection.format,
                                      report.diagnostics);
        report.details["xds"] = to_json(entry);
        return;
    }
    case formats::Format::fhir_xml: report.details["resource"] = fhir_xml_resource(root); return;
    default: return;
    }
}

} // namespace

formats::DocumentReport inspect_document(const formats::SourceText& source, const formats::XmlLimits& limits) {
    formats::DocumentReport report;
    report.file = source.name();
    auto detection = formats::detect_format(source);
    auto kind = formats::to_string(detection.format);
    report.details["kind"] = std::string(kind);
    report.details["mediaType"] = std::string(formats::media_type(detection.format));
    report.details["size"] = source.size();
    report.details["sha1"] = formats::sha1_hex(source.bytes());
    switch (detection.format) {
    case formats::Format::unknown:
        report.unreadable = true;
        report.diagnostics.report(formats::Severity::fatal, "io.detect.unknown-format",
                                  "the input is not a format healthdoc recognises (CDA or other XML, FHIR JSON or XML, "
                                  "JSON, PDF, JPEG, TIFF, RTF, plain text)",
                                  formats::Location{source.name(), 0, 0, ""});
        return report;
    case formats::Format::cda:
    case formats::Format::cda_autopresentable:
    case formats::Format::fhir_xml:
    case formats::Format::xml: inspect_xml(source, detection, limits, report); break;
    case formats::Format::fhir_json:
    case formats::Format::json: {
        auto json = formats::parse_json(source, report.diagnostics, {limits.max_bytes, limits.max_depth});
        if (json && detection.format == formats::Format::fhir_json && json->is_object())
            report.details["resource"] = fhir_json_resource(*json);
        break;
    }
    default: break;
    }
    report.kind = std::string(kind);
    return report;
}

} // namespace healthdoc::cda
