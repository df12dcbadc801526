// FhirValidator: the shared, compiled-once state (profiles, FHIRPath environment, terminology)
// and one walk per validate() call (fhir/validation/).
#include "fhir/validator.hpp"

#include "fhir/validation/run.hpp"

namespace healthdoc::fhir {

using nlohmann::json;

namespace {

std::string text_member(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// memberOf() for the FHIRPath engine: code, Coding, CodeableConcept (any of its codings).
std::optional<bool> member_of(const Terminology& terminology, const fhirpath::Value& item,
                              const std::string& value_set) {
    auto answer = [&](const std::string& system, const std::string& code) -> std::optional<bool> {
        CodeCheck check = terminology.check(value_set, system, code);
        if (check.membership == Membership::unknown) return std::nullopt;
        return check.membership == Membership::member;
    };
    const fhirpath::Node* node = item.node();
    if (!node || !node->value) {
        if (auto text = fhirpath::to_text(item)) return answer("", *text);
        return std::nullopt;
    }
    const json& value = *node->value;
    if (value.is_string()) return answer("", value.get<std::string>());
    if (!value.is_object()) return std::nullopt;
    if (value.contains("coding")) {
        const json& codings = value["coding"];
        if (!codings.is_array()) return std::nullopt;
        bool unknown = false;
        for (const auto& coding : codings) {
            if (!coding.is_object()) continue;
            auto one = answer(text_member(coding, "system"), text_member(coding, "code"));
            if (!one)
                unknown = true;
            else if (*one)
                return true;
        }
        if (unknown) return std::nullopt;
        return false;
    }
    if (value.contains("code")) return answer(text_member(value, "system"), text_member(value, "code"));
    return std::nullopt;
}

} // namespace

struct FhirValidator::State {
    std::shared_ptr<const Definitions> definitions;
    FhirValidationOptions options;
    std::unique_ptr<Terminology> terminology;
    std::unique_ptr<validation::ProfileCache> profiles;
    fhirpath::Environment environment;
    mutable validation::RunOnce once;
};

FhirValidator::FhirValidator(std::shared_ptr<const Definitions> definitions, FhirValidationOptions options)
    : m_state(std::make_unique<State>()) {
    m_state->definitions = std::move(definitions);
    m_state->options = std::move(options);
    m_state->terminology = std::make_unique<Terminology>(m_state->definitions);
    m_state->profiles = std::make_unique<validation::ProfileCache>(*m_state->definitions);
    m_state->environment.types = &m_state->definitions->types();
    const Terminology* terminology = m_state->terminology.get();
    m_state->environment.member_of = [terminology](const fhirpath::Value& item, const std::string& value_set) {
        return member_of(*terminology, item, value_set);
    };
}

FhirValidator::~FhirValidator() = default;

// A profile the user names (--profile) for a resource of another type is an error, as with the
// HL7 validator's -profile; the walk then skips it.
void FhirValidator::report_profiles_of_other_types(validation::Run& run, const nlohmann::json& resource) const {
    if (!resource.is_object() || !resource.contains("resourceType") || !resource["resourceType"].is_string()) return;
    const std::string& type = resource["resourceType"].get_ref<const std::string&>();
    for (const auto& url : m_state->options.profiles) {
        auto profile = m_state->profiles->get(url);
        if (!profile || profile->type == type || profile->type == "Resource" || profile->type == "DomainResource")
            continue;
        // Profiles on data types or extensions given with a resource are left to the walk.
        const auto* info = m_state->definitions->types().find_type(profile->type);
        if (!info || info->kind != fhirpath::TypeKind::resource) continue;
        run.report(formats::Severity::error, "fhir.profile.wrong-type",
                   "The profile " + url + " constrains " + profile->type + ", not " + type + ".", type, &resource);
    }
}

void FhirValidator::validate(const FhirJson& resource, const std::string& file, formats::Diagnostics& out) const {
    validation::Run run{*m_state->definitions,
                        *m_state->terminology,
                        *m_state->profiles,
                        m_state->environment,
                        m_state->once,
                        resource,
                        file,
                        m_state->options.positions,
                        m_state->options.allow_example_urls,
                        out,
                        {},
                        {},
                        0,
                        m_state->options.security_checks,
                        {}};
    run.options = &m_state->options;
    try {
        report_profiles_of_other_types(run, resource.root);
        validation::validate_resource(run, resource.root, validation::ResourceFrame{}, m_state->options.profiles);
        validation::report_deferred_displays(run);
    } catch (const std::exception& error) {
        formats::Location location;
        location.file = file;
        out.report(formats::Severity::error, "fhir.validator.internal",
                   std::string("The validation stopped on an internal problem: ") + error.what(), location);
    }
}

formats::Diagnostics FhirValidator::setup_problems() const {
    std::lock_guard lock(m_state->once.mutex);
    return m_state->once.diagnostics;
}

const Definitions& FhirValidator::definitions() const { return *m_state->definitions; }

const Terminology& FhirValidator::terminology() const { return *m_state->terminology; }

} // namespace healthdoc::fhir
