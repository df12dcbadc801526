#include "cda/fhir_document_header.hpp"

#include "cda/code_systems.hpp"
#include "formats/hl7_datetime.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace healthdoc::cda {
namespace {

using Json = nlohmann::json;
using formats::Severity;

const Json k_null = nullptr;

// The member `key` of `object`, or null when `object` is not an object or lacks it.
const Json& at(const Json& object, const char* key) {
    if (!object.is_object()) return k_null;
    auto found = object.find(key);
    return found == object.end() ? k_null : *found;
}

std::string text(const Json& object, const char* key) {
    const Json& value = at(object, key);
    return value.is_string() ? value.get<std::string>() : std::string();
}

// The first element of an array member, or the member itself when it is not an array.
const Json& first(const Json& object, const char* key) {
    const Json& value = at(object, key);
    if (value.is_array()) return value.empty() ? k_null : value.front();
    return value;
}

Code code_of(const Json& coding) {
    Code code;
    code.code = text(coding, "code");
    code.codeSystem = oid_of_system(text(coding, "system"));
    code.displayName = text(coding, "display");
    return code;
}

// The first coding of a CodeableConcept.
Code concept_code(const Json& codeable) { return code_of(first(codeable, "coding")); }

Identifier identifier_of(const Json& identifier) {
    Identifier id;
    std::string system = text(identifier, "system");
    std::string value = text(identifier, "value");
    if (system == "urn:ietf:rfc:3986" || system.empty()) {
        // The value is itself a URI: urn:oid:<oid> or urn:uuid:<uuid> is the whole identifier.
        if (value.rfind("urn:oid:", 0) == 0 || value.rfind("urn:uuid:", 0) == 0)
            id.root = value.substr(value.find(':', 4) + 1);
        else
            id.root = value;
        return id;
    }
    id.root = oid_of_system(system);
    id.extension = value;
    return id;
}

std::vector<Identifier> identifiers_of(const Json& resource) {
    std::vector<Identifier> ids;
    const Json& list = at(resource, "identifier");
    if (list.is_array())
        for (const auto& identifier : list)
            if (!text(identifier, "value").empty()) ids.push_back(identifier_of(identifier));
    return ids;
}

TimeStamp time_of(const std::string& fhir) {
    TimeStamp time;
    if (fhir.empty()) return time;
    // An unreadable date stays as written: the XDS mapping reports it as not a valid time.
    time.value = formats::hl7_from_fhir_datetime(fhir).value_or(fhir);
    return time;
}

std::vector<NamePart> parts_of(const Json& list) {
    std::vector<NamePart> parts;
    if (list.is_array())
        for (const auto& part : list)
            if (part.is_string()) parts.push_back({part.get<std::string>(), ""});
    return parts;
}

PersonName name_of(const Json& name) {
    PersonName person;
    if (auto family = text(name, "family"); !family.empty()) person.family.push_back({family, ""});
    person.given = parts_of(at(name, "given"));
    person.prefix = parts_of(at(name, "prefix"));
    person.suffix = parts_of(at(name, "suffix"));
    return person;
}

// The Bundle's resources, found by what a reference may say.
class BundleIndex {
public:
    explicit BundleIndex(const Json& bundle) {
        const Json& entries = at(bundle, "entry");
        if (!entries.is_array()) return;
        for (const auto& entry : entries) {
            const Json& resource = at(entry, "resource");
            if (!resource.is_object()) continue;
            std::string full_url = text(entry, "fullUrl");
            if (!full_url.empty()) m_by_url.emplace(full_url, &resource);
            std::string type_and_id = text(resource, "resourceType") + "/" + text(resource, "id");
            if (!text(resource, "id").empty()) m_by_type_and_id.emplace(type_and_id, &resource);
        }
    }

    // The resource a Reference points at, or nullptr.
    const Json* resolve(const Json& reference) const {
        std::string target = text(reference, "reference");
        if (target.empty()) return nullptr;
        if (auto found = m_by_url.find(target); found != m_by_url.end()) return found->second;
        // "Patient/123" or "http://server/fhir/Patient/123": the last two segments.
        auto slash = target.rfind('/');
        if (slash != std::string::npos && slash > 0) {
            auto previous = target.rfind('/', slash - 1);
            std::string tail = target.substr(previous == std::string::npos ? 0 : previous + 1);
            if (auto found = m_by_type_and_id.find(tail); found != m_by_type_and_id.end()) return found->second;
        }
        return nullptr;
    }

private:
    std::map<std::string, const Json*> m_by_url;
    std::map<std::string, const Json*> m_by_type_and_id;
};

struct Reader {
    const BundleIndex& index;
    formats::Diagnostics& out;

    const Json* resolve(const Json& reference, const std::string& path) const {
        if (!reference.is_object()) return nullptr;
        const Json* resource = index.resolve(reference);
        if (!resource && !text(reference, "reference").empty())
            out.report(Severity::warning, "fhir.document.unresolved-reference",
                       path + " does not point at a resource of the Bundle; what it names is left out",
                       formats::Location{"", 0, 0, path});
        return resource;
    }

    Organization organization(const Json* resource) const {
        Organization org;
        if (!resource) return org;
        org.ids = identifiers_of(*resource);
        org.name = text(*resource, "name");
        return org;
    }

    // An author, attester or custodian-like party: Practitioner, PractitionerRole,
    // Organization or Device.
    AssignedEntity entity(const Json& reference, const std::string& path) const {
        AssignedEntity who;
        const Json* resource = resolve(reference, path);
        if (!resource) return who;
        std::string type = text(*resource, "resourceType");
        const Json* person = resource;
        if (type == "PractitionerRole") {
            // The reverse of the MHD payload: code is the author's role, specialty its specialty.
            who.function_code = concept_code(first(*resource, "code"));
            who.code = concept_code(first(*resource, "specialty"));
            who.organization = organization(resolve(at(*resource, "organization"), path + ".organization"));
            person = resolve(at(*resource, "practitioner"), path + ".practitioner");
            if (!person) return who;
            type = text(*person, "resourceType");
        }
        if (type == "Organization") {
            who.organization = organization(person);
        } else if (type == "Device") {
            who.ids = identifiers_of(*person);
            who.device_model = text(first(*person, "deviceName"), "name");
            who.device_software = text(first(*person, "version"), "value");
            who.organization = organization(resolve(at(*person, "owner"), path + ".owner"));
        } else {
            who.ids = identifiers_of(*person);
            if (const Json& name = first(*person, "name"); name.is_object()) who.person = name_of(name);
        }
        return who;
    }

    Patient patient(const Json* resource) const {
        Patient patient;
        if (!resource) return patient;
        patient.ids = identifiers_of(*resource);
        if (const Json& names = at(*resource, "name"); names.is_array())
            for (const auto& name : names) patient.names.push_back(name_of(name));
        // FHIR administrative-gender to HL7 v3 AdministrativeGender.
        static const std::map<std::string, std::string> k_gender = {
            {"male", "M"}, {"female", "F"}, {"other", "UN"}, {"unknown", "UN"}};
        if (auto gender = k_gender.find(text(*resource, "gender")); gender != k_gender.end())
            patient.gender = Code{gender->second, "2.16.840.1.113883.5.1", "", "", ""};
        patient.birth_time = time_of(text(*resource, "birthDate"));
        return patient;
    }
};

} // namespace

std::optional<CdaHeader> read_fhir_document_header(const Json& bundle, formats::Diagnostics& out) {
    auto fatal = [&](const char* rule, const std::string& message, const std::string& path) {
        out.report(Severity::fatal, rule, message, formats::Location{"", 0, 0, path});
        return std::nullopt;
    };
    if (text(bundle, "resourceType") != "Bundle" || text(bundle, "type") != "document")
        return fatal("fhir.document.not-a-document", "a FHIR document is a Bundle of type document", "Bundle.type");
    const Json& composition = at(first(bundle, "entry"), "resource");
    if (text(composition, "resourceType") != "Composition")
        return fatal("fhir.document.no-composition", "the first entry of a FHIR document must be its Composition",
                     "Bundle.entry[0].resource");

    BundleIndex index(bundle);
    Reader read{index, out};
    const std::string c = "Bundle.entry[0].resource";
    CdaHeader header;
    header.body = BodyKind::structured;
    if (const Json& identifier = at(bundle, "identifier"); identifier.is_object())
        header.id = identifier_of(identifier);
    header.code = concept_code(at(composition, "type"));
    header.title = text(composition, "title");
    header.effective_time = time_of(text(composition, "date"));
    header.language = text(composition, "language");
    if (header.language.empty()) header.language = text(bundle, "language");
    if (auto confidentiality = text(composition, "confidentiality"); !confidentiality.empty())
        header.confidentiality = Code{confidentiality, "2.16.840.1.113883.5.25", "", "", ""};

    header.patients.push_back(read.patient(read.resolve(at(composition, "subject"), c + ".subject")));
    if (const Json& authors = at(composition, "author"); authors.is_array())
        for (std::size_t i = 0; i < authors.size(); ++i) {
            auto author = read.entity(authors[i], c + ".author[" + std::to_string(i) + "]");
            author.time = header.effective_time;
            header.authors.push_back(std::move(author));
        }
    if (const Json& attesters = at(composition, "attester"); attesters.is_array())
        for (std::size_t i = 0; i < attesters.size(); ++i) {
            if (text(attesters[i], "mode") != "legal") continue;
            auto authenticator =
                read.entity(at(attesters[i], "party"), c + ".attester[" + std::to_string(i) + "].party");
            authenticator.time = time_of(text(attesters[i], "time"));
            authenticator.signature_code = "S";
            header.legal_authenticator = std::move(authenticator);
            break;
        }
    header.custodian = read.organization(read.resolve(at(composition, "custodian"), c + ".custodian"));

    const Json& event = first(composition, "event");
    header.service_period.low = time_of(text(at(event, "period"), "start"));
    header.service_period.high = time_of(text(at(event, "period"), "end"));
    header.service_event_code = concept_code(first(event, "code"));

    if (const Json& relations = at(composition, "relatesTo"); relations.is_array())
        for (const auto& relation : relations) {
            const Json& target = at(relation, "targetIdentifier");
            if (text(relation, "code") != "replaces" || !target.is_object()) continue;
            header.related_documents.push_back(RelatedDocument{"RPLC", {identifier_of(target)}, {}, ""});
        }

    if (const Json* encounter = read.resolve(at(composition, "encounter"), c + ".encounter")) {
        header.encounter_ids = identifiers_of(*encounter);
        header.encounter_period.low = time_of(text(at(*encounter, "period"), "start"));
        header.encounter_period.high = time_of(text(at(*encounter, "period"), "end"));
        const Json& location = at(first(*encounter, "location"), "location");
        if (const Json* place = location.is_object() ? read.resolve(location, c + ".encounter.location") : nullptr) {
            header.facility_type = concept_code(first(*place, "type"));
            header.encounter_location_name = text(*place, "name");
        }
    }
    return header;
}

} // namespace healthdoc::cda
