#include "push/ready_bundle.hpp"

#include "push/fhir_document.hpp"

#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/package_cache.hpp"
#include "fhir/xml_to_json.hpp"
#include "formats/base64.hpp"
#include "formats/detect.hpp"
#include "formats/errors.hpp"
#include "formats/hash.hpp"
#include "formats/json_document.hpp"

#include <map>

namespace healthdoc::push {
namespace {

using formats::Severity;
using Json = nlohmann::json;

void problem(formats::Diagnostics& out, const std::string& file, const std::string& rule, const std::string& path,
             const std::string& message, Severity severity = Severity::error) {
    out.report(severity, "push.bundle." + rule, message, formats::Location{file, 0, 0, path});
}

std::string string_at(const Json& object, const Json::json_pointer& pointer) {
    return object.contains(pointer) && object.at(pointer).is_string() ? object.at(pointer).get<std::string>() : "";
}

// FHIR XML -> JSON with the core package's definitions (which elements repeat, which are
// numbers); std::nullopt after a fatal finding when the package is not installed.
std::optional<Json> xml_bundle_as_json(const formats::SourceText& source, formats::Diagnostics& out) {
    auto core = fhir::find_package("hl7.fhir.r4.core#4.0.1");
    if (!core) {
        problem(out, source.name(), "needs-core-package", "",
                "reading a FHIR XML Bundle needs the hl7.fhir.r4.core#4.0.1 package in the FHIR package cache "
                "(healthdoc packages install); or give the Bundle as JSON",
                Severity::fatal);
        return std::nullopt;
    }
    auto package = core->path / "package";
    std::error_code ec;
    if (!std::filesystem::is_directory(package, ec)) package = core->path;
    try {
        return fhir::xml_to_json(source.bytes(), *fhir::fhirpath::PackageTypeProvider::shared(package));
    } catch (const Error& error) {
        problem(out, source.name(), "unreadable", "", error.what(), Severity::fatal);
        return std::nullopt;
    }
}

// The FHIR input as JSON: parsed, or converted from XML.
std::optional<Json> read_fhir(const formats::SourceText& source, bool xml, formats::Diagnostics& out) {
    if (xml) return xml_bundle_as_json(source, out);
    formats::Diagnostics parse;
    auto parsed = formats::parse_json(source, parse);
    out.append(parse);
    return parsed;
}

std::optional<PreparedDocument> ready_bundle(const formats::SourceText& source, const Json& bundle, bool xml,
                                             formats::Diagnostics& out) {
    const auto& file = source.name();
    if (bundle.value("resourceType", "") != "Bundle") {
        problem(out, file, "not-a-bundle", "",
                "only CDA documents, FHIR document Bundles and ITI-65 transaction Bundles can be pushed",
                Severity::fatal);
        return std::nullopt;
    }
    auto type = bundle.value("type", "");
    if (type != "transaction") {
        problem(out, file, "not-transaction", "Bundle.type",
                "an ITI-65 Bundle has type 'transaction'; found '" + type + "'");
        return std::nullopt;
    }
    std::map<std::string, const Json*> by_full_url;
    std::vector<std::pair<std::size_t, const Json*>> references;
    int lists = 0;
    const auto& entries = bundle.contains("entry") && bundle["entry"].is_array() ? bundle["entry"] : Json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        if (!entry.is_object() || !entry.contains("resource") || !entry["resource"].is_object()) continue;
        if (entry.contains("fullUrl") && entry["fullUrl"].is_string())
            by_full_url[entry["fullUrl"].get<std::string>()] = &entry["resource"];
        auto resource_type = entry["resource"].value("resourceType", "");
        if (resource_type == "List") ++lists;
        if (resource_type == "DocumentReference") references.emplace_back(i, &entry["resource"]);
    }
    if (lists != 1)
        problem(out, file, "submission-set", "Bundle.entry",
                "an ITI-65 Bundle holds exactly one SubmissionSet List; found " + std::to_string(lists));
    if (references.empty()) problem(out, file, "no-document", "Bundle.entry", "the Bundle holds no DocumentReference");
    PreparedDocument prepared;
    prepared.name = file;
    prepared.payload = xml ? bundle.dump() : std::string(formats::json_text(source)); // XML is sent as JSON
    for (const auto& [index, reference] : references) {
        std::string path = "Bundle.entry[" + std::to_string(index) + "].resource";
        auto master = string_at(*reference, "/masterIdentifier/value"_json_pointer);
        if (master.empty())
            problem(out, file, "no-master-identifier", path + ".masterIdentifier",
                    "the DocumentReference has no masterIdentifier");
        auto url = string_at(*reference, "/content/0/attachment/url"_json_pointer);
        auto binary = by_full_url.find(url);
        if (url.empty() || binary == by_full_url.end() || binary->second->value("resourceType", "") != "Binary") {
            problem(out, file, "unresolved-attachment", path + ".content[0].attachment.url",
                    "attachment.url must be the fullUrl of a Binary entry of the Bundle");
            continue;
        }
        auto content = formats::base64_decode(binary->second->value("data", ""));
        if (!content) {
            problem(out, file, "bad-binary", path, "the Binary's data is not valid base64");
            continue;
        }
        const auto& attachment = reference->at("/content/0/attachment"_json_pointer);
        if (attachment.contains("size") && attachment["size"].is_number() &&
            attachment["size"].get<long long>() != static_cast<long long>(content->size()))
            problem(out, file, "size-mismatch", path + ".content[0].attachment.size",
                    "attachment.size does not match the Binary's content");
        if (attachment.contains("hash") && attachment["hash"].is_string() &&
            attachment["hash"].get<std::string>() != formats::base64_encode(formats::sha1_raw(*content)))
            problem(out, file, "hash-mismatch", path + ".content[0].attachment.hash",
                    "attachment.hash is not the SHA-1 of the Binary's content");
        if (prepared.entry.unique_id.empty() && !master.empty()) {
            prepared.entry.unique_id = master.rfind("urn:oid:", 0) == 0 ? master.substr(8) : master;
            prepared.bytes = std::move(*content);
        }
    }
    if (out.has_at_least(Severity::error)) return std::nullopt;
    return prepared;
}

} // namespace

std::optional<PreparedDocument> prepare_ready_bundle(const formats::SourceText& source, formats::Diagnostics& out) {
    bool xml = formats::detect_format(source).format == formats::Format::fhir_xml;
    auto bundle = read_fhir(source, xml, out);
    if (!bundle) return std::nullopt;
    return ready_bundle(source, *bundle, xml, out);
}

std::optional<PreparedDocument> prepare_fhir_input(const formats::SourceText& source, formats::Diagnostics& out,
                                                   const TransportSettings& settings) {
    bool xml = formats::detect_format(source).format == formats::Format::fhir_xml;
    auto bundle = read_fhir(source, xml, out);
    if (!bundle) return std::nullopt;
    if (bundle->value("resourceType", "") == "Bundle" && bundle->value("type", "") == "document")
        return prepare_fhir_document(source, *bundle, out, settings);
    return ready_bundle(source, *bundle, xml, out);
}

} // namespace healthdoc::push
