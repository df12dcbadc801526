// ITI-67 (Find Document References) and ITI-68 (Retrieve Document) of the sandbox.
#include "formats/base64.hpp"

#include "formats/ids.hpp"
#include "formats/text_utils.hpp"
#include "sandbox/mhd_recipient.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace healthdoc::sandbox {
namespace {

using Json = nlohmann::ordered_json;

// FHIR token search (search.html#token): "system|value", "|value" (no system), "value" (any).
void parse_token(const std::string& token, std::optional<std::string>& system, std::optional<std::string>& value) {
    auto bar = token.find('|');
    if (bar == std::string::npos) {
        value = token;
        return;
    }
    system = token.substr(0, bar);
    if (bar + 1 < token.size()) value = token.substr(bar + 1);
}

std::string encode_query(const QueryParams& params) {
    std::string query;
    for (const auto& [name, value] : params) query += (query.empty() ? "?" : "&") + name + "=" + value;
    return query;
}

} // namespace

std::string render_document_reference(const StoredDocument& doc, const std::string& base) {
    Json json = Json::parse(doc.document_reference, nullptr, false);
    if (json.is_discarded() || !json.is_object()) json = Json{{"resourceType", "DocumentReference"}, {"id", doc.id}};
    json["status"] = doc.status;
    auto& contents = json["content"];
    if (contents.is_array() && !contents.empty() && contents[0].is_object()) {
        auto& attachment = contents[0]["attachment"];
        auto url = attachment.is_object() ? attachment.find("url") : attachment.end();
        if (url != attachment.end() && url->is_string() &&
            (url->get<std::string>().rfind("Binary/", 0) == 0 || url->get<std::string>().rfind("Bundle/", 0) == 0))
            *url = base + "/" + url->get<std::string>();
    }
    return json.dump();
}

HttpAnswer search_document_references(const Registry& registry, const QueryParams& params, const std::string& base) {
    DocumentQuery query;
    for (const auto& [name, value] : params) {
        if (name == "patient.identifier") {
            parse_token(value, query.patient_system, query.patient_value);
        } else if (name == "patient" || name == "subject") {
            query.patient_reference = value;
        } else if (name == "identifier" || name == "masterIdentifier") {
            parse_token(value, query.master_system, query.master_value);
        } else if (name == "status") {
            std::stringstream list(value);
            for (std::string status; std::getline(list, status, ',');)
                if (!status.empty()) query.statuses.push_back(status);
        } else if (name == "_id") {
            query.id = value;
        } else if (name.empty() || name[0] != '_') {
            return operation_outcome(400, "not-supported", "DocumentReference?" + name,
                                     "The search parameter " + name +
                                         " is not supported by the sandbox (patient.identifier, patient, identifier, "
                                         "masterIdentifier, status, _id).");
        }
    }
    auto found = registry.search(query);
    Json bundle;
    bundle["resourceType"] = "Bundle";
    bundle["id"] = formats::random_uuid();
    bundle["type"] = "searchset";
    bundle["total"] = found.size();
    bundle["link"] =
        Json::array({Json{{"relation", "self"}, {"url", base + "/DocumentReference" + encode_query(params)}}});
    bundle["entry"] = Json::array();
    for (const auto& doc : found) {
        Json entry;
        entry["fullUrl"] = base + "/DocumentReference/" + doc.id;
        entry["resource"] = Json::parse(render_document_reference(doc, base));
        entry["search"] = Json{{"mode", "match"}};
        bundle["entry"].push_back(std::move(entry));
    }
    return HttpAnswer{200, k_fhir_json, bundle.dump(), {}};
}

HttpAnswer read_document_reference(const Registry& registry, const std::string& id, const std::string& base) {
    auto found = registry.search(DocumentQuery{id, {}, {}, {}, {}, {}, {}});
    if (found.empty())
        return operation_outcome(404, "not-found", "DocumentReference/" + id,
                                 "No DocumentReference with this id is stored.");
    return HttpAnswer{200, k_fhir_json, render_document_reference(found.front(), base), {}};
}

HttpAnswer retrieve_document(const Registry& registry, const std::string& id, const std::string& accept) {
    auto found = registry.find(id);
    if (!found) return operation_outcome(404, "not-found", "Binary/" + id, "No document with this id is stored.");
    if (accept.find("application/fhir+json") != std::string::npos ||
        accept.find("application/json") != std::string::npos) {
        Json binary;
        binary["resourceType"] = "Binary";
        binary["id"] = found->id;
        binary["contentType"] = found->content_type;
        binary["data"] = formats::base64_encode(found->content);
        return HttpAnswer{200, k_fhir_json, binary.dump(), {}};
    }
    return HttpAnswer{200,
                      found->content_type.empty() ? "application/octet-stream" : found->content_type,
                      std::move(found->content),
                      {}};
}

HttpAnswer capability_statement() {
    Json statement;
    statement["resourceType"] = "CapabilityStatement";
    statement["status"] = "active";
    statement["date"] = formats::utc_timestamp_now();
    statement["kind"] = "instance";
    statement["software"] = Json{{"name", "healthdoc sandbox"}};
    statement["fhirVersion"] = "4.0.1";
    statement["format"] = Json::array({"application/fhir+json"});
    Json document_reference{{"type", "DocumentReference"},
                            {"interaction", Json::array({Json{{"code", "read"}}, Json{{"code", "search-type"}}})}};
    document_reference["searchParam"] = Json::array();
    for (const auto& [name, type] :
         {std::pair{"patient.identifier", "token"}, std::pair{"patient", "reference"}, std::pair{"identifier", "token"},
          std::pair{"status", "token"}, std::pair{"_id", "token"}})
        document_reference["searchParam"].push_back(Json{{"name", name}, {"type", type}});
    Json binary{{"type", "Binary"}, {"interaction", Json::array({Json{{"code", "read"}}})}};
    statement["rest"] = Json::array({Json{{"mode", "server"},
                                          {"resource", Json::array({document_reference, binary})},
                                          {"interaction", Json::array({Json{{"code", "transaction"}}})}}});
    return HttpAnswer{200, k_fhir_json, statement.dump(), {}};
}

} // namespace healthdoc::sandbox
