#include "fhir/definitions_type_provider.hpp"

#include "fhir/definitions.hpp"

namespace healthdoc::fhir {

namespace {

using nlohmann::json;

std::string string_or(const json& object, const char* key, std::string fallback = {}) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

std::string last_segment(const std::string& url) {
    const auto slash = url.rfind('/');
    return slash == std::string::npos ? url : url.substr(slash + 1);
}

// System.String-typed ids carry their FHIR type in the structuredefinition-fhir-type extension.
std::string type_code(const json& type) {
    if (auto ext = type.find("extension"); ext != type.end() && ext->is_array()) {
        for (const auto& e : *ext) {
            if (!e.is_object()) continue;
            if (string_or(e, "url") == "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type") {
                std::string value = string_or(e, "valueUrl", string_or(e, "valueUri"));
                if (!value.empty()) return value;
            }
        }
    }
    return string_or(type, "code");
}

} // namespace

DefinitionsTypeProvider::DefinitionsTypeProvider(const Definitions& definitions) : m_definitions(definitions) {}

DefinitionsTypeProvider::TypeModel DefinitionsTypeProvider::read_type_model(const json& sd,
                                                                            std::string_view type_name) {
    TypeModel model;
    model.info.name = std::string(type_name);
    const std::string kind = string_or(sd, "kind");
    model.info.kind = kind == "primitive-type" ? fhirpath::TypeKind::primitive
                      : kind == "resource"     ? fhirpath::TypeKind::resource
                      : kind == "logical"      ? fhirpath::TypeKind::logical
                                               : fhirpath::TypeKind::complex;
    model.info.base = last_segment(string_or(sd, "baseDefinition"));
    if (auto abstract = sd.find("abstract"); abstract != sd.end() && abstract->is_boolean())
        model.info.is_abstract = abstract->get<bool>();
    auto snapshot = sd.find("snapshot");
    if (snapshot == sd.end() || !snapshot->is_object()) return model;
    auto elements = snapshot->find("element");
    if (elements == snapshot->end() || !elements->is_array()) return model;
    // A logical model's paths start with its name, which may differ from its type URL.
    const std::string root = elements->empty() ? std::string() : string_or(elements->front(), "path");
    for (const auto& element : *elements) {
        if (!element.is_object() || element.contains("sliceName")) continue;
        fhirpath::ElementInfo info;
        info.path = string_or(element, "path");
        if (info.path.empty()) continue;
        if (!root.empty() && root != type_name && info.path.compare(0, root.size(), root) == 0)
            info.path = std::string(type_name) + info.path.substr(root.size());
        if (info.path.size() > 3 && info.path.compare(info.path.size() - 3, 3, "[x]") == 0) {
            info.path.resize(info.path.size() - 3);
            info.is_choice = true;
        }
        if (auto types = element.find("type"); types != element.end() && types->is_array()) {
            for (const auto& type : *types) {
                if (!type.is_object()) continue;
                info.types.push_back(type_code(type));
                if (auto targets = type.find("targetProfile"); targets != type.end() && targets->is_array())
                    for (const auto& target : *targets)
                        if (target.is_string()) info.target_profiles.push_back(target.get<std::string>());
            }
        }
        std::string reference = string_or(element, "contentReference");
        if (auto hash = reference.find('#'); hash != std::string::npos) reference.erase(0, hash + 1);
        info.content_reference = reference;
        if (auto min = element.find("min"); min != element.end() && min->is_number_integer())
            info.min = min->get<int>();
        info.max = string_or(element, "max", "*");
        std::string base_max = info.max;
        if (auto base = element.find("base"); base != element.end() && base->is_object())
            base_max = string_or(*base, "max", base_max);
        info.is_array = base_max != "1" && base_max != "0";
        if (auto modifier = element.find("isModifier"); modifier != element.end() && modifier->is_boolean())
            info.is_modifier = modifier->get<bool>();
        if (auto summary = element.find("isSummary"); summary != element.end() && summary->is_boolean())
            info.is_summary = summary->get<bool>();
        model.elements.emplace(info.path, std::move(info));
    }
    return model;
}

const DefinitionsTypeProvider::TypeModel* DefinitionsTypeProvider::load(std::string_view name) const {
    {
        std::lock_guard lock(m_mutex);
        if (auto found = m_models.find(name); found != m_models.end()) return found->second.get();
    }
    // Read outside the lock: type_definition may generate a snapshot, which asks for other types.
    std::unique_ptr<TypeModel> model;
    if (const json* sd = name.empty() ? nullptr : m_definitions.type_definition(name))
        model = std::make_unique<TypeModel>(read_type_model(*sd, name));
    std::lock_guard lock(m_mutex);
    auto [at, inserted] = m_models.emplace(std::string(name), std::move(model));
    return at->second.get();
}

const fhirpath::TypeInfo* DefinitionsTypeProvider::find_type(std::string_view name) const {
    const TypeModel* model = load(name);
    return model ? &model->info : nullptr;
}

const fhirpath::ElementInfo* DefinitionsTypeProvider::find_element(std::string_view path) const {
    const TypeModel* model = load(path.substr(0, path.find('.')));
    if (!model) return nullptr;
    auto found = model->elements.find(std::string(path));
    return found != model->elements.end() ? &found->second : nullptr;
}

} // namespace healthdoc::fhir
