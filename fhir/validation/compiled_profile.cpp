#include "fhir/validation/compiled_profile.hpp"
#include "fhir/validation/run.hpp"

#include "fhir/fhirpath/context_members.hpp"
#include "fhir/fhirpath/errors.hpp"
#include "fhir/fhirpath/type_provider.hpp"

#include <unordered_map>

namespace healthdoc::fhir::validation {

using nlohmann::json;

namespace {

// R4 invariants whose published expression is wrong, with the expression the reference
// validator (and google/fhir's technical corrections) evaluate instead.
const std::unordered_map<std::string, std::string>& corrected_expressions() {
    static const std::unordered_map<std::string, std::string> table = {
        {"offset.empty() or (when.exists() and ((when in ('C' | 'CM' | 'CD' | 'CV')).not()))",
         "offset.empty() or (when.exists() and when.all(($this in ('C' | 'CM' | 'CD' | 'CV')).not()))"},
    };
    return table;
}

// Parsing is shared between profiles: ele-1 and ext-1 appear on almost every element.
struct ParsedExpression {
    std::optional<fhirpath::Expression> expression;
    std::string error;
};

const ParsedExpression& parsed(const std::string& text) {
    static std::mutex mutex;
    static std::unordered_map<std::string, std::unique_ptr<ParsedExpression>> cache;
    std::lock_guard lock(mutex);
    auto& slot = cache[text];
    if (!slot) {
        slot = std::make_unique<ParsedExpression>();
        try {
            slot->expression = fhirpath::parse(text);
        } catch (const fhirpath::FhirPathError& error) {
            slot->error = error.what();
        }
    }
    return *slot;
}

std::string string_of(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

int max_of(const std::string& max) {
    if (max.empty() || max == "*") return unbounded;
    int value = 0;
    for (char c : max) {
        if (c < '0' || c > '9') return unbounded;
        value = value * 10 + (c - '0');
        if (value > 1'000'000) return unbounded;
    }
    return value;
}

std::vector<std::string> strings_of(const json& object, const char* key) {
    std::vector<std::string> out;
    auto found = object.find(key);
    if (found == object.end() || !found->is_array()) return out;
    for (const auto& item : *found)
        if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

std::string profile_element_of(const json& type) {
    auto extras = type.find("_profile");
    if (extras == type.end() || !extras->is_array() || extras->empty() || !extras->front().is_object()) return {};
    auto extensions = extras->front().find("extension");
    if (extensions == extras->front().end() || !extensions->is_array()) return {};
    for (const auto& extension : *extensions)
        if (extension.is_object() &&
            string_of(extension, "url") == "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element")
            return string_of(extension, "valueString");
    return {};
}

void read_element(const json& e, ElementDef& element) {
    element.path = string_of(e, "path");
    element.slice_name = string_of(e, "sliceName");
    element.id = string_of(e, "id");
    if (element.id.empty())
        element.id = element.slice_name.empty() ? element.path : element.path + ":" + element.slice_name;
    auto dot = element.path.rfind('.');
    element.name = dot == std::string::npos ? element.path : element.path.substr(dot + 1);
    if (element.name.size() > 3 && element.name.compare(element.name.size() - 3, 3, "[x]") == 0) {
        element.is_choice = true;
        element.name.resize(element.name.size() - 3);
    }
    if (auto min = e.find("min"); min != e.end() && min->is_number_integer()) element.min = min->get<int>();
    element.max = max_of(string_of(e, "max"));
    std::string base_max = string_of(e, "max");
    if (auto base = e.find("base"); base != e.end() && base->is_object()) base_max = string_of(*base, "max");
    element.repeats = base_max != "1" && base_max != "0" && !base_max.empty();
    if (auto modifier = e.find("isModifier"); modifier != e.end() && modifier->is_boolean())
        element.is_modifier = modifier->get<bool>();
    if (auto types = e.find("type"); types != e.end() && types->is_array()) {
        for (const auto& t : *types) {
            if (!t.is_object()) continue;
            TypeRef ref;
            ref.code = type_code_of(t);
            ref.profiles = strings_of(t, "profile");
            ref.target_profiles = strings_of(t, "targetProfile");
            ref.profile_element = profile_element_of(t);
            element.types.push_back(std::move(ref));
        }
    }
    for (auto it = e.begin(); it != e.end(); ++it) {
        const std::string& key = it.key();
        if (key.rfind("fixed", 0) == 0 && key.size() > 5) {
            element.fixed = &it.value();
            element.fixed_type = key.substr(5);
        } else if (key.rfind("pattern", 0) == 0 && key.size() > 7) {
            element.pattern = &it.value();
            element.fixed_type = key.substr(7);
        } else if (key.rfind("minValue", 0) == 0 && key.size() > 8) {
            element.min_value = &it.value();
            element.min_value_type = key.substr(8);
        } else if (key.rfind("maxValue", 0) == 0 && key.size() > 8) {
            element.max_value = &it.value();
            element.max_value_type = key.substr(8);
        }
    }
    if (auto binding = e.find("binding"); binding != e.end() && binding->is_object()) {
        Binding b{string_of(*binding, "strength"), string_of(*binding, "valueSet")};
        if (!b.value_set.empty()) element.binding = std::move(b);
    }
    if (auto constraints = e.find("constraint"); constraints != e.end() && constraints->is_array()) {
        for (const auto& c : *constraints) {
            if (!c.is_object()) continue;
            Constraint constraint;
            constraint.key = string_of(c, "key");
            constraint.human = string_of(c, "human");
            constraint.expression = string_of(c, "expression");
            const std::string severity = string_of(c, "severity");
            constraint.severity = severity == "warning" ? formats::Severity::warning : formats::Severity::error;
            if (constraint.expression.empty()) continue; // xpath-only constraints are not checked
            const auto& corrections = corrected_expressions();
            auto corrected = corrections.find(constraint.expression);
            const ParsedExpression& p =
                parsed(corrected != corrections.end() ? corrected->second : constraint.expression);
            constraint.compiled = p.expression;
            constraint.parse_error = p.error;
            if (p.expression && p.expression->root())
                constraint.members = fhirpath::context_members(*p.expression->root());
            element.constraints.push_back(std::move(constraint));
        }
    }
    if (auto slicing = e.find("slicing"); slicing != e.end() && slicing->is_object()) {
        Slicing s;
        if (auto d = slicing->find("discriminator"); d != slicing->end() && d->is_array())
            for (const auto& item : *d)
                if (item.is_object()) s.discriminators.push_back({string_of(item, "type"), string_of(item, "path")});
        std::string rules = string_of(*slicing, "rules");
        if (!rules.empty()) s.rules = rules;
        if (auto ordered = slicing->find("ordered"); ordered != slicing->end() && ordered->is_boolean())
            s.ordered = ordered->get<bool>();
        element.slicing = std::move(s);
    }
}

} // namespace

std::string type_code_of(const json& type) {
    std::string code = string_of(type, "code");
    if (code.rfind("http://hl7.org/fhirpath/System.", 0) == 0) {
        if (auto extensions = type.find("extension"); extensions != type.end() && extensions->is_array())
            for (const auto& extension : *extensions)
                if (extension.is_object() &&
                    string_of(extension, "url") ==
                        "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type") {
                    std::string fhir_type = string_of(extension, "valueUrl");
                    if (fhir_type.empty()) fhir_type = string_of(extension, "valueUri");
                    if (!fhir_type.empty()) return fhir_type;
                }
        std::string system = code.substr(31);
        if (system == "String") return "string";
        if (system == "Boolean") return "boolean";
        if (system == "Integer") return "integer";
        if (system == "Decimal") return "decimal";
        if (system == "Date") return "date";
        if (system == "DateTime") return "dateTime";
        if (system == "Time") return "time";
        return "string";
    }
    return code;
}

int CompiledProfile::child_named(const ElementDef& parent, std::string_view json_name,
                                 std::string& selected_type) const {
    for (int index : parent.children) {
        const ElementDef& child = elements[static_cast<std::size_t>(index)];
        if (!child.is_choice) {
            if (child.name == json_name) {
                selected_type = child.types.empty() ? std::string() : child.types.front().code;
                return index;
            }
            continue;
        }
        if (json_name.size() <= child.name.size() || json_name.compare(0, child.name.size(), child.name) != 0) continue;
        const char first = json_name[child.name.size()];
        if (first < 'A' || first > 'Z') continue;
        const std::string suffix_type = fhirpath::choice_suffix_type(json_name.substr(child.name.size()));
        selected_type.clear();
        for (const auto& t : child.types) {
            // valueString -> string, valueQuantity -> Quantity: the suffix is the type with a capital.
            const std::string_view suffix = json_name.substr(child.name.size());
            const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
            if (t.code == suffix_type ||
                (!t.code.empty() && t.code.size() == suffix.size() && lower(t.code[0]) == lower(suffix[0]) &&
                 suffix.substr(1) == std::string_view(t.code).substr(1))) {
                selected_type = t.code;
                break;
            }
        }
        return index;
    }
    return -1;
}

int CompiledProfile::index_of_id(std::string_view id) const {
    for (std::size_t i = 0; i < elements.size(); ++i)
        if (elements[i].id == id) return static_cast<int>(i);
    return -1;
}

std::shared_ptr<const CompiledProfile> compile_profile(const json& definition) {
    auto snapshot = definition.find("snapshot");
    if (snapshot == definition.end() || !snapshot->is_object()) return nullptr;
    auto list = snapshot->find("element");
    if (list == snapshot->end() || !list->is_array() || list->empty()) return nullptr;
    auto profile = std::make_shared<CompiledProfile>();
    profile->definition = &definition;
    profile->url = string_of(definition, "url");
    profile->type = string_of(definition, "type");
    profile->kind = string_of(definition, "kind");
    profile->derivation = string_of(definition, "derivation");
    profile->elements.reserve(list->size());
    std::unordered_map<std::string, int> by_id;
    std::unordered_map<std::string, int> by_path;
    for (const auto& e : *list) {
        if (!e.is_object()) continue;
        ElementDef element;
        read_element(e, element);
        const int index = static_cast<int>(profile->elements.size());
        by_id.emplace(element.id, index);
        if (element.slice_name.empty()) by_path.emplace(element.path, index);
        profile->elements.push_back(std::move(element));
    }
    for (std::size_t i = 1; i < profile->elements.size(); ++i) {
        ElementDef& element = profile->elements[i];
        const std::string& id = element.id;
        const auto dot = id.rfind('.');
        const auto colon = id.rfind(':');
        if (colon != std::string::npos && (dot == std::string::npos || colon > dot)) {
            // A slice entry: "Observation.component:systolic" (or a re-slice "a:b/c" -> of "a").
            auto base = by_id.find(id.substr(0, colon));
            if (base != by_id.end() && static_cast<std::size_t>(base->second) != i) {
                profile->elements[static_cast<std::size_t>(base->second)].slices.push_back(static_cast<int>(i));
                continue;
            }
        }
        if (dot == std::string::npos) continue;
        int parent = -1;
        if (auto found = by_id.find(id.substr(0, dot)); found != by_id.end())
            parent = found->second;
        else if (auto by = by_path.find(element.path.substr(0, element.path.rfind('.'))); by != by_path.end())
            parent = by->second;
        if (parent >= 0 && static_cast<std::size_t>(parent) != i)
            profile->elements[static_cast<std::size_t>(parent)].children.push_back(static_cast<int>(i));
    }
    for (std::size_t i = 0; i < list->size() && i < profile->elements.size(); ++i) {
        const json& e = (*list)[i];
        auto reference = e.find("contentReference");
        if (reference == e.end() || !reference->is_string()) continue;
        std::string target = reference->get<std::string>();
        if (auto hash = target.find('#'); hash != std::string::npos) target = target.substr(hash + 1);
        if (auto found = by_id.find(target); found != by_id.end())
            profile->elements[i].content_reference = found->second;
        else if (auto by = by_path.find(target); by != by_path.end())
            profile->elements[i].content_reference = by->second;
    }
    relax_vital_signs_component_units(*profile);
    return profile;
}

namespace {
std::atomic<std::uint64_t> next_cache_id{1};
}

ProfileCache::ProfileCache(const Definitions& definitions) : m_definitions(definitions), m_id(next_cache_id++) {}

std::shared_ptr<const CompiledProfile> ProfileCache::get(std::string_view url_or_type) const {
    // Looked up for almost every value walked: each thread first asks its own copy of the
    // entries it has used (no lock), then the shared table. Entries never change once made.
    thread_local std::uint64_t front_owner = 0;
    thread_local std::unordered_map<std::string, std::shared_ptr<const CompiledProfile>, Hash, std::equal_to<>> front;
    if (front_owner != m_id) {
        front.clear();
        front_owner = m_id;
    }
    if (auto found = front.find(url_or_type); found != front.end()) return found->second;
    auto profile = get_shared(url_or_type);
    front.emplace(std::string(url_or_type), profile);
    return profile;
}

std::shared_ptr<const CompiledProfile> ProfileCache::get_shared(std::string_view url_or_type) const {
    {
        std::shared_lock lock(m_mutex);
        auto found = m_profiles.find(url_or_type);
        if (found != m_profiles.end()) return found->second;
    }
    std::shared_ptr<const CompiledProfile> compiled;
    if (const json* definition = m_definitions.structure_definition(url_or_type))
        compiled = compile_profile(*definition);
    std::unique_lock lock(m_mutex);
    auto [it, inserted] = m_profiles.emplace(std::string(url_or_type), compiled);
    return it->second;
}

} // namespace healthdoc::fhir::validation
