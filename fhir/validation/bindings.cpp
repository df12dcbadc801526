// Bindings: codes of code, Coding, CodeableConcept, Quantity, string and uri values checked
// against the bound value set (required: error, extensible and preferred: warning), and codes
// of complete code systems checked against the system wherever they appear. A value set that
// cannot be expanded offline is reported once per run as information, never as an error.
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

std::string member(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

struct Outcome {
    Membership membership = Membership::unknown;
    std::string reason;
    std::string code;
};

Outcome check_one(const Run& run, const std::string& value_set, const std::string& system, const std::string& code) {
    CodeCheck check = run.terminology.check(value_set, system, code);
    return {check.membership, check.reason, code};
}

// The concept `code` of a CodeSystem (concepts nest), or nullptr.
const json* find_concept(const json& concepts, const std::string& code, int depth = 0) {
    if (!concepts.is_array() || depth > 40) return nullptr;
    for (const auto& concept_entry : concepts) {
        if (member(concept_entry, "code") == code) return &concept_entry;
        if (auto nested = concept_entry.find("concept"); nested != concept_entry.end())
            if (const json* found = find_concept(*nested, code, depth + 1)) return found;
    }
    return nullptr;
}

// Compares displays as the reference validator does: case and surrounding blanks do not matter.
std::string normalized(const std::string& text) {
    std::string out;
    for (char c : text) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
}

// A Coding.display must be the code system's display or one of the concept's designations.
void check_display(Run& run, const std::string& system, const std::string& code, const std::string& display,
                   const std::string& expected, const json& coding, const std::string& path) {
    if (normalized(display) == normalized(expected)) return;
    if (display_decided_by_binding(run, coding, system, code, display, path)) return;
    std::vector<std::string> choices{"'" + expected + "'"};
    if (const json* code_system = run.definitions.find("CodeSystem", system))
        if (auto concepts = code_system->find("concept"); concepts != code_system->end())
            if (const json* found = find_concept(*concepts, code))
                if (auto designations = found->find("designation");
                    designations != found->end() && designations->is_array())
                    for (const auto& designation : *designations) {
                        const std::string value = member(designation, "value");
                        if (value.empty()) continue;
                        if (normalized(value) == normalized(display)) return;
                        const std::string language = member(designation, "language");
                        choices.push_back("'" + value + "'" + (language.empty() ? "" : " (" + language + ")"));
                    }
    std::string valid;
    if (choices.size() == 1) {
        valid = "Valid display is " + choices.front();
    } else {
        valid = "Valid display is one of " + std::to_string(choices.size()) + " choices: ";
        for (std::size_t i = 0; i < choices.size(); ++i)
            valid += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    }
    const json* anchor = &coding;
    if (auto at = coding.find("display"); at != coding.end()) anchor = &*at;
    run.report(Severity::error, "fhir.terminology.wrong-display",
               "Wrong Display Name '" + display + "' for " + system + "#" + code + ". " + valid, path + ".display",
               anchor);
}

void report_unknown(Run& run, const std::string& value_set, const std::string& reason, const Item& item) {
    if (!run.once.first("not-expandable|" + value_set)) return;
    run.report(Severity::information, "fhir.terminology.not-expandable",
               reason.empty()
                   ? "The value set " + value_set + " cannot be expanded offline; codes bound to it were not checked."
                   : reason,
               item.path, item.anchor);
}

} // namespace

void check_binding(Run& run, const ElementDef& element, const Item& item) {
    const Binding& binding = *element.binding;
    if (binding.strength != "required" && binding.strength != "extensible" && binding.strength != "preferred") return;
    const std::string& type = item.type;
    std::vector<Outcome> outcomes;
    if (type == "code" || type == "string" || type == "uri") {
        if (!item.value || !item.value->is_string()) return;
        // R4 allows the shorthands xml, json and ttl where a mime type of a FHIR format is expected
        // (CapabilityStatement.format, TestScript accept/contentType), as the reference validator does.
        if (binding.value_set.rfind("http://hl7.org/fhir/ValueSet/mimetypes", 0) == 0) {
            const std::string& code = item.value->get_ref<const std::string&>();
            if (code == "xml" || code == "json" || code == "ttl") return;
            // Parameters (";charset=...", "; variant=...") do not change the media type.
            if (auto semicolon = code.find(';'); semicolon != std::string::npos) {
                std::string bare = code.substr(0, semicolon);
                while (!bare.empty() && bare.back() == ' ') bare.pop_back();
                outcomes.push_back(check_one(run, binding.value_set, "", bare));
            }
        }
        if (outcomes.empty()) outcomes.push_back(check_one(run, binding.value_set, "", item.value->get<std::string>()));
    } else if (type == "Coding" || type == "Quantity") {
        if (!item.value || !item.value->is_object()) return;
        const std::string code = member(*item.value, "code");
        if (code.empty()) return;
        outcomes.push_back(check_one(run, binding.value_set, member(*item.value, "system"), code));
    } else if (type == "CodeableConcept") {
        if (!item.value || !item.value->is_object()) return;
        auto codings = item.value->find("coding");
        if (codings != item.value->end() && codings->is_array())
            for (const auto& coding : *codings) {
                if (!coding.is_object()) continue;
                const std::string code = member(coding, "code");
                if (!code.empty())
                    outcomes.push_back(check_one(run, binding.value_set, member(coding, "system"), code));
            }
        if (outcomes.empty()) return; // text only: nothing to check offline
    } else {
        return;
    }
    bool any_member = false, any_unknown = false;
    std::string reason;
    for (const auto& o : outcomes) {
        if (o.membership == Membership::member) any_member = true;
        if (o.membership == Membership::unknown) {
            any_unknown = true;
            reason = o.reason;
        }
    }
    if (any_member) return;
    if (any_unknown) {
        report_unknown(run, binding.value_set, reason, item);
        return;
    }
    const std::string codes = outcomes.size() == 1 ? "The code '" + outcomes.front().code + "'" : "None of the codes";
    if (binding.strength == "required" && type == "code") {
        // A `code` carries no system: the reference validator first reports that none of the
        // value set's systems defines it.
        run.report(Severity::error, "fhir.binding.no-system",
                   "The System URI could not be determined for the code '" + outcomes.front().code +
                       "' in the ValueSet '" + binding.value_set + "'",
                   item.path, item.anchor);
    }
    if (binding.strength == "required")
        run.report(Severity::error, "fhir.binding.required",
                   codes + " is not in the value set " + binding.value_set + ", which is required.", item.path,
                   item.anchor);
    else
        run.report(Severity::warning, "fhir.binding." + binding.strength,
                   codes + " is not in the value set " + binding.value_set + " (" + binding.strength + " binding).",
                   item.path, item.anchor);
}

void check_coding_in_system(Run& run, const json& coding, const std::string& path) {
    const std::string system = member(coding, "system");
    const std::string code = member(coding, "code");
    if (system.empty() || code.empty()) return;
    CodeCheck check = run.terminology.check_in_system(system, code);
    if (check.membership == Membership::not_member)
        run.report(Severity::error, "fhir.terminology.unknown-code",
                   "The code '" + code + "' is not defined by the code system " + system + ".", path + ".code",
                   &coding);
    if (check.membership == Membership::member && check.display && !check.display->empty()) {
        const std::string display = member(coding, "display");
        if (!display.empty()) check_display(run, system, code, display, *check.display, coding, path);
    }
}

} // namespace healthdoc::fhir::validation
