#include "cda/n1_metadata.hpp"

#include "formats/hl7_datetime.hpp"
#include "formats/json_document.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace healthdoc::cda {
namespace {

using Json = nlohmann::json;
using formats::Diagnostics;
using formats::Severity;

// Reads fields out of the metadata object, reporting wrong types and unknown keys by JSON path.
class FieldReader {
public:
    FieldReader(const std::string& file, Diagnostics& out) : m_file(file), m_out(out) {}

    // The object at `key` of `parent` (path `path`), or nullptr when absent or not an object.
    // Unknown keys inside it are reported as warnings (a typo would otherwise drop a field).
    const Json* object(const Json* parent, const std::string& path, const char* key,
                       std::initializer_list<std::string_view> known) {
        if (!parent || !parent->contains(key)) return nullptr;
        const Json& value = (*parent)[key];
        auto child_path = join(path, key);
        if (!value.is_object()) {
            invalid(child_path, "must be a JSON object");
            return nullptr;
        }
        check_known(value, child_path, known);
        return &value;
    }

    void check_known(const Json& object, const std::string& path, std::initializer_list<std::string_view> known) {
        for (const auto& item : object.items())
            if (std::find(known.begin(), known.end(), item.key()) == known.end())
                m_out.report(Severity::warning, "cda.n1.unknown-field",
                             "field " + join(path, item.key()) + " is not a metadata field; it is ignored",
                             location(join(path, item.key())));
    }

    // A string field; numbers are refused, since leading zeros of identifiers matter.
    void text(const Json* parent, const std::string& path, const char* key, std::string& into) {
        if (!parent || !parent->contains(key)) return;
        const Json& value = (*parent)[key];
        if (!value.is_string()) {
            if (!value.is_null()) invalid(join(path, key), "must be a JSON string");
            return;
        }
        into = value.get<std::string>();
        // XML 1.0 cannot carry these characters, even escaped.
        auto is_control = [](char c) {
            return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
        };
        if (std::any_of(into.begin(), into.end(), is_control)) invalid(join(path, key), "contains a control character");
    }

    // A string or a non-negative integer (versionNumber).
    void text_or_number(const Json* parent, const std::string& path, const char* key, std::string& into) {
        if (parent && parent->contains(key) && (*parent)[key].is_number_integer() &&
            (*parent)[key].get<long long>() >= 0)
            into = std::to_string((*parent)[key].get<long long>());
        else
            text(parent, path, key, into);
    }

    // A code: {"code", "displayName", "codeSystem"} (the code system defaults to `system`).
    void code(const Json* parent, const std::string& path, const char* key, Code& into, const char* system) {
        const Json* object = this->object(parent, path, key, {"code", "displayName", "codeSystem", "codeSystemName"});
        if (!object) return;
        auto code_path = join(path, key);
        text(object, code_path, "code", into.code);
        text(object, code_path, "displayName", into.displayName);
        text(object, code_path, "codeSystem", into.codeSystem);
        text(object, code_path, "codeSystemName", into.codeSystemName);
        if (into.codeSystem.empty()) into.codeSystem = system;
    }

    // An identifier: "root", "root^extension", or {"root", "extension"}.
    void identifier(const Json* parent, const std::string& path, const char* key, Identifier& into) {
        if (!parent || !parent->contains(key)) return;
        const Json& value = (*parent)[key];
        if (value.is_string()) {
            into = parse_identifier(value.get<std::string>());
        } else if (const Json* object = this->object(parent, path, key, {"root", "extension"})) {
            text(object, join(path, key), "root", into.root);
            text(object, join(path, key), "extension", into.extension);
        }
    }

    void person(const Json* object, const std::string& path, N1Person& into) {
        text(object, path, "rpps", into.rpps);
        text(object, path, "prefix", into.prefix);
        text(object, path, "given", into.given);
        text(object, path, "family", into.family);
        text(object, path, "suffix", into.suffix);
    }

    void organization(const Json* parent, const std::string& path, const char* key, N1Organization& into) {
        const Json* object = this->object(parent, path, key, {"id", "name"});
        text(object, join(path, key), "id", into.id);
        text(object, join(path, key), "name", into.name);
    }

    void invalid(const std::string& path, const std::string& why) {
        m_out.report(Severity::error, k_rule_invalid_field, "field " + path + " " + why, location(path));
    }

    formats::Location location(const std::string& path) const { return formats::Location{m_file, 0, 0, path}; }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

private:
    const std::string& m_file;
    Diagnostics& m_out;
};

bool all_digits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

Identifier parse_identifier(const std::string& text) {
    auto caret = text.find('^');
    if (caret == std::string::npos) return {text, "", ""};
    return {text.substr(0, caret), text.substr(caret + 1), ""};
}

N1Metadata read_n1_metadata(const Json& json, const std::string& file, Diagnostics& out) {
    N1Metadata m;
    FieldReader r(file, out);
    if (!json.is_object()) {
        r.invalid("(root)", "must be a JSON object");
        return m;
    }
    r.check_known(
        json, "",
        {"document", "patient", "author", "custodian", "legalAuthenticator", "service", "encounter", "replaces"});
    if (const Json* d =
            r.object(&json, "", "document",
                     {"id", "setId", "idRoot", "typeCode", "title", "effectiveTime", "confidentiality", "language"})) {
        r.identifier(d, "document", "id", m.document_id);
        r.identifier(d, "document", "setId", m.set_id);
        r.text(d, "document", "idRoot", m.id_root);
        r.code(d, "document", "typeCode", m.type_code, "2.16.840.1.113883.6.1");
        r.text(d, "document", "title", m.title);
        r.text(d, "document", "effectiveTime", m.effective_time);
        r.text(d, "document", "confidentiality", m.confidentiality);
        r.text(d, "document", "language", m.language);
    }
    if (const Json* p = r.object(&json, "", "patient",
                                 {"ins", "localId", "birthName", "firstGivenName", "givenNames", "usedName",
                                  "usedGivenName", "gender", "birthTime", "birthPlaceCode"})) {
        if (const Json* ins = r.object(p, "patient", "ins", {"nir", "kind"})) {
            r.text(ins, "patient.ins", "nir", m.ins);
            r.text(ins, "patient.ins", "kind", m.ins_kind);
        }
        r.identifier(p, "patient", "localId", m.local_patient_id);
        r.text(p, "patient", "birthName", m.birth_name);
        r.text(p, "patient", "firstGivenName", m.first_given_name);
        r.text(p, "patient", "givenNames", m.given_names);
        r.text(p, "patient", "usedName", m.used_name);
        r.text(p, "patient", "usedGivenName", m.used_given_name);
        r.text(p, "patient", "gender", m.gender);
        r.text(p, "patient", "birthTime", m.birth_time);
        r.text(p, "patient", "birthPlaceCode", m.birth_place_code);
    }
    if (const Json* a =
            r.object(&json, "", "author",
                     {"rpps", "prefix", "given", "family", "suffix", "time", "specialty", "organization"})) {
        r.person(a, "author", m.author);
        r.text(a, "author", "time", m.author_time);
        r.code(a, "author", "specialty", m.author_specialty, "1.2.250.1.213.1.1.4.5");
        r.organization(a, "author", "organization", m.author_organization);
    }
    r.organization(&json, "", "custodian", m.custodian);
    if (const Json* l =
            r.object(&json, "", "legalAuthenticator", {"rpps", "prefix", "given", "family", "suffix", "time"})) {
        m.legal_authenticator.emplace();
        r.person(l, "legalAuthenticator", *m.legal_authenticator);
        r.text(l, "legalAuthenticator", "time", m.legal_authentication_time);
    }
    if (const Json* s = r.object(&json, "", "service", {"start", "end", "code", "practiceSetting"})) {
        r.text(s, "service", "start", m.service_start);
        r.text(s, "service", "end", m.service_end);
        r.code(s, "service", "code", m.service_code, "");
        r.code(s, "service", "practiceSetting", m.practice_setting, "1.2.250.1.213.1.1.4.9");
    }
    if (const Json* e = r.object(&json, "", "encounter", {"start", "end", "facilityType"})) {
        r.text(e, "encounter", "start", m.encounter_start);
        r.text(e, "encounter", "end", m.encounter_end);
        r.code(e, "encounter", "facilityType", m.facility_type, "1.2.250.1.71.4.2.4");
    }
    if (const Json* rp = r.object(&json, "", "replaces", {"id", "setId", "versionNumber"})) {
        N1Replacement replacement;
        r.identifier(rp, "replaces", "id", replacement.replaced_id);
        r.identifier(rp, "replaces", "setId", replacement.set_id);
        r.text_or_number(rp, "replaces", "versionNumber", replacement.previous_version);
        m.replaces = replacement;
    }
    return m;
}

std::optional<N1Metadata> parse_n1_metadata(const formats::SourceText& source, Diagnostics& out) {
    auto json = formats::parse_json(source, out);
    if (!json) return std::nullopt;
    return read_n1_metadata(*json, source.name(), out);
}

void check_n1_metadata(const N1Metadata& m, const std::string& file, Diagnostics& out) {
    auto location = [&](const std::string& path) { return formats::Location{file, 0, 0, path}; };
    auto require = [&](const std::string& value, const std::string& path) {
        if (value.empty())
            out.report(Severity::error, k_rule_missing_field,
                       "required field " + path + " is missing from the metadata", location(path));
        return !value.empty();
    };
    auto invalid = [&](const std::string& path, const std::string& why) {
        out.report(Severity::error, k_rule_invalid_field, "field " + path + " " + why, location(path));
    };
    // Dates are HL7 TS as written; a wrong one would make the document fail the schema pattern.
    auto check_time = [&](const std::string& value, const std::string& path) {
        std::string why;
        if (!value.empty() && !formats::parse_hl7_datetime(value, &why))
            invalid(path, "is not an HL7 date-time (YYYYMMDD[HHMM[SS]][+ZZZZ]): " + why);
    };
    auto require_code = [&](const Code& code, const std::string& path) {
        // CI-SIS: the document, author, practice-setting and facility codes carry a displayName.
        if (require(code.code, path + ".code")) require(code.displayName, path + ".displayName");
    };
    auto check_rpps = [&](const std::string& rpps, const std::string& path) {
        if (require(rpps, path) && !(rpps.size() == 11 && all_digits(rpps))) invalid(path, "must be 11 digits");
    };

    require_code(m.type_code, "document.typeCode");
    require(m.title, "document.title");
    check_time(m.effective_time, "document.effectiveTime");
    if (m.confidentiality != "N" && m.confidentiality != "R" && m.confidentiality != "V")
        invalid("document.confidentiality", "must be N, R or V");
    if (require(m.ins, "patient.ins.nir") && !(m.ins.size() == 15))
        invalid("patient.ins.nir", "must be 15 characters (13 plus the 2-digit key)");
    if (m.ins_kind != "nir" && m.ins_kind != "nia" && m.ins_kind != "test" && m.ins_kind != "demo")
        invalid("patient.ins.kind", "must be nir, nia, test or demo");
    // CI-SIS: with an INS the identity traits of the national referential are all required.
    require(m.birth_name, "patient.birthName");
    require(m.first_given_name, "patient.firstGivenName");
    require(m.given_names, "patient.givenNames");
    if (require(m.gender, "patient.gender") && m.gender != "M" && m.gender != "F" && m.gender != "U")
        invalid("patient.gender", "must be M, F or U");
    if (require(m.birth_time, "patient.birthTime")) check_time(m.birth_time, "patient.birthTime");
    require(m.birth_place_code, "patient.birthPlaceCode");
    check_rpps(m.author.rpps, "author.rpps");
    require(m.author.family, "author.family");
    check_time(m.author_time, "author.time");
    require_code(m.author_specialty, "author.specialty");
    require(m.author_organization.id, "author.organization.id");
    require(m.author_organization.name, "author.organization.name");
    if (!m.custodian.id.empty() || !m.custodian.name.empty()) {
        require(m.custodian.id, "custodian.id");
        require(m.custodian.name, "custodian.name");
    }
    if (m.legal_authenticator) {
        check_rpps(m.legal_authenticator->rpps, "legalAuthenticator.rpps");
        require(m.legal_authenticator->family, "legalAuthenticator.family");
    }
    check_time(m.legal_authentication_time, "legalAuthenticator.time");
    if (require(m.service_start, "service.start")) check_time(m.service_start, "service.start");
    check_time(m.service_end, "service.end");
    require_code(m.practice_setting, "service.practiceSetting");
    check_time(m.encounter_start, "encounter.start");
    check_time(m.encounter_end, "encounter.end");
    require_code(m.facility_type, "encounter.facilityType");
    if (m.replaces) {
        require(m.replaces->replaced_id.root, "replaces.id");
        require(m.replaces->set_id.root, "replaces.setId");
        if (require(m.replaces->previous_version, "replaces.versionNumber") &&
            !all_digits(m.replaces->previous_version))
            invalid("replaces.versionNumber", "must be a positive integer");
    }
}

} // namespace healthdoc::cda
