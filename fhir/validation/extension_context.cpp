// Where an extension may be used: its definition's context[] names element paths or types
// ("Patient", "HumanName", "Patient.name", "Element"), the url of an enclosing extension, or a
// FHIRPath expression selecting the elements; contextInvariant[] then has to hold on the element.
// As the reference validator (InstanceValidator.checkExtensionContext), the element holding the
// extension is described by its paths from every enclosing type ("Patient.name.family",
// "HumanName.family") and its own type ("string"), and a type matches its base types' names too.
#include "fhir/validation/run.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr int max_steps = 64;
constexpr int max_base_depth = 12;

// The element an extension sits on, found again from its resource.
struct Container {
    const json* value = nullptr;
    const json* extras = nullptr;
    std::string type;
    std::string definition_path;      // for FHIRPath child look-ups (the type, or the backbone path)
    std::vector<std::string> paths;   // its paths from each enclosing type, and its type name
    bool is_resource = false;         // the extension is on the resource itself
    std::string extension_url;        // the container is an extension with this url
    std::string parent_extension_url; // the container is a value (or part) of an extension with this url
};

struct Step {
    std::string name;
    std::string of_type;
    std::optional<std::size_t> index;
};

// "name[0].value.ofType(boolean)" -> {name, 0}, {value, boolean}; false when it does not parse.
bool split_path(const std::string& relative, std::vector<Step>& steps) {
    std::size_t at = 0;
    while (at < relative.size()) {
        if (relative[at] != '.') return false;
        ++at;
        std::size_t end = at;
        int parens = 0;
        while (end < relative.size() && (parens > 0 || relative[end] != '.')) {
            if (relative[end] == '(') ++parens;
            if (relative[end] == ')') --parens;
            ++end;
        }
        std::string segment = relative.substr(at, end - at);
        at = end;
        if (segment.rfind("ofType(", 0) == 0 && segment.back() == ')') {
            if (steps.empty()) return false;
            steps.back().of_type = segment.substr(7, segment.size() - 8);
            continue;
        }
        Step step;
        if (auto open = segment.find('['); open != std::string::npos) {
            if (segment.back() != ']') return false;
            try {
                step.index = static_cast<std::size_t>(std::stoul(segment.substr(open + 1, segment.size() - open - 2)));
            } catch (const std::exception&) {
                return false;
            }
            segment.resize(open);
        }
        if (segment.empty()) return false;
        step.name = std::move(segment);
        steps.push_back(std::move(step));
        if (steps.size() > static_cast<std::size_t>(max_steps)) return false;
    }
    return true;
}

const json* member(const json* object, const std::string& key, const std::optional<std::size_t>& index) {
    if (!object || !object->is_object()) return nullptr;
    auto it = object->find(key);
    if (it == object->end() || it->is_null()) return nullptr;
    if (!index) return it->is_array() ? nullptr : &*it;
    if (!it->is_array() || *index >= it->size() || (*it)[*index].is_null()) return nullptr;
    return &(*it)[*index];
}

std::string url_of(const json* extension) {
    if (!extension || !extension->is_object()) return {};
    auto url = extension->find("url");
    return url != extension->end() && url->is_string() ? url->get<std::string>() : std::string();
}

// Walks from the resource to the element at `relative` (a FHIRPath location below it).
std::optional<Container> find_container(const Run& run, const ResourceFrame& frame, const std::string& relative) {
    if (!frame.resource || !frame.resource->is_object()) return std::nullopt;
    Container here;
    here.value = frame.resource;
    here.type = frame.resource->value("resourceType", "");
    here.definition_path = here.type;
    here.paths = {here.type};
    here.is_resource = true;
    std::vector<Step> steps;
    if (!split_path(relative, steps)) return std::nullopt;
    std::shared_ptr<const CompiledProfile> profile = run.profiles.get(here.type);
    int element = 0;
    for (const Step& step : steps) {
        if (!profile) return std::nullopt;
        const json* object = here.value && here.value->is_object() ? here.value : here.extras;
        std::string key = step.name;
        if (!step.of_type.empty()) {
            key += static_cast<char>(std::toupper(static_cast<unsigned char>(step.of_type[0])));
            key += step.of_type.substr(1);
        }
        const ElementDef& parent = profile->elements[static_cast<std::size_t>(element)];
        const ElementDef& definer = parent.content_reference >= 0
                                        ? profile->elements[static_cast<std::size_t>(parent.content_reference)]
                                        : parent;
        std::string type;
        const int child = profile->child_named(definer, key, type);
        if (child < 0) return std::nullopt;
        const ElementDef& c = profile->elements[static_cast<std::size_t>(child)];
        const std::string outer_extension = here.type == "Extension" ? url_of(here.value) : std::string();
        Container next;
        next.value = member(object, key, step.index);
        next.extras = member(object, "_" + key, step.index);
        if (!next.value && !next.extras) return std::nullopt;
        const int owner = c.content_reference >= 0 ? c.content_reference : child;
        const bool inline_children = !profile->elements[static_cast<std::size_t>(owner)].children.empty();
        if (type.empty()) type = inline_children ? "BackboneElement" : std::string();
        next.type = type;
        for (const auto& path : here.paths) {
            next.paths.push_back(path + "." + c.name);
            if (c.is_choice) {
                next.paths.push_back(path + "." + c.name + "[x]");
                next.paths.push_back(path + "." + c.name + ".ofType(" + type + ")");
            }
        }
        if (!type.empty()) next.paths.push_back(type);
        next.parent_extension_url = outer_extension;
        if (inline_children) {
            element = child;
            next.definition_path = profile->elements[static_cast<std::size_t>(owner)].path;
        } else {
            profile = run.profiles.get(type);
            element = 0;
            next.definition_path = type;
        }
        here = std::move(next);
    }
    if (here.type == "Extension") here.extension_url = url_of(here.value);
    std::sort(here.paths.begin(), here.paths.end());
    here.paths.erase(std::unique(here.paths.begin(), here.paths.end()), here.paths.end());
    return here;
}

std::string base_type_of(const Run& run, const std::string& type) {
    auto profile = run.profiles.get(type);
    if (!profile || !profile->definition) return {};
    const std::string base = profile->definition->value("baseDefinition", "");
    const auto slash = base.rfind('/');
    return slash == std::string::npos ? base : base.substr(slash + 1);
}

// An element context: a path or type name, matched against the container's paths and the
// same paths rooted at the base types of their first segment.
bool element_context_matches(const Run& run, const std::string& expression, const Container& container) {
    if (expression == "Element" || expression == "Any") return true;
    if (expression == "Resource" && container.is_resource) return true;
    for (const auto& path : container.paths) {
        if (path == expression) return true;
        const auto dot = path.find('.');
        std::string type = path.substr(0, dot);
        const std::string rest = dot == std::string::npos ? std::string() : path.substr(dot);
        for (int depth = 0; depth < max_base_depth; ++depth) {
            type = base_type_of(run, type);
            if (type.empty()) break;
            if (type + rest == expression) return true;
        }
    }
    return false;
}

bool same_node(const fhirpath::Value& value, const Container& container) {
    const auto* node = std::get_if<fhirpath::Node>(&value.data);
    if (!node) return false;
    return (container.value && node->value == container.value) ||
           (container.extras && node->extras == container.extras);
}

// A FHIRPath context: the container must be among the elements the expression selects; when the
// expression cannot be evaluated here, the extension is accepted.
bool fhirpath_context_matches(const Run& run, const std::string& expression, const Container& container,
                              const ResourceFrame& frame) {
    // An expression rooted at another resource type selects nothing here.
    std::size_t name_end = 0;
    while (name_end < expression.size() && std::isalnum(static_cast<unsigned char>(expression[name_end]))) ++name_end;
    const std::string root = expression.substr(0, name_end);
    if (!root.empty() && std::isupper(static_cast<unsigned char>(root[0])) &&
        root != frame.resource->value("resourceType", "") && run.profiles.get(root) &&
        run.profiles.get(root)->kind == "resource")
        return false;
    try {
        const auto compiled = fhirpath::parse(expression);
        const auto result = fhirpath::evaluate(compiled, *frame.resource, run.environment);
        return std::any_of(result.begin(), result.end(), [&](const auto& v) { return same_node(v, container); });
    } catch (const std::exception&) {
        return true;
    }
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

} // namespace

void check_extension_context(Run& run, const CompiledProfile& definition, const Item& item,
                             const ResourceFrame& frame) {
    if (!definition.definition || !frame.resource) return;
    auto contexts = definition.definition->find("context");
    const bool has_contexts = contexts != definition.definition->end() && contexts->is_array() && !contexts->empty();
    auto invariants = definition.definition->find("contextInvariant");
    const bool has_invariants =
        invariants != definition.definition->end() && invariants->is_array() && !invariants->empty();
    if (!has_contexts && !has_invariants) return;
    const auto last_dot = item.path.rfind('.');
    if (last_dot == std::string::npos) return;
    const std::string container_path = item.path.substr(0, last_dot);
    if (container_path.compare(0, frame.path.size(), frame.path) != 0 ||
        (container_path.size() > frame.path.size() && container_path[frame.path.size()] != '.'))
        return;
    auto container = find_container(run, frame, container_path.substr(frame.path.size()));
    if (!container) return; // not found again: nothing to say
    for (const auto& path : container->paths)
        if (path == "ElementDefinition.example.value" || path == "ElementDefinition.pattern" ||
            path == "ElementDefinition.fixed")
            return; // values of an element definition may carry any extension

    if (has_contexts) {
        bool allowed = false;
        std::vector<std::string> described;
        for (const auto& context : *contexts) {
            if (allowed) break;
            if (!context.is_object()) continue;
            const std::string type = context.value("type", "");
            const std::string expression = context.value("expression", "");
            if (type == "element") {
                described.push_back("element " + expression);
                allowed = element_context_matches(run, expression, *container);
            } else if (type == "extension") {
                described.push_back("extension " + expression);
                allowed = expression == container->extension_url || expression == container->parent_extension_url;
            } else if (type == "fhirpath") {
                described.push_back("fhirpath " + expression);
                allowed = fhirpath_context_matches(run, expression, *container, frame);
            } else {
                allowed = true; // a context kind of another FHIR version: not judged
            }
        }
        if (!allowed) {
            // The reference validator judges core extensions by the extensions pack's (newer)
            // contexts, not R4's: against R4's, only a warning.
            const bool core = definition.url.rfind("http://hl7.org/fhir/StructureDefinition/", 0) == 0;
            run.report(core ? Severity::warning : Severity::error, "fhir.extension.context",
                       "The extension " + definition.url +
                           " is not allowed to be used at this point (this element is [" + joined(container->paths) +
                           "]; allowed: " + joined(described) + ").",
                       container_path, item.anchor);
            return;
        }
    }
    if (!has_invariants) return;
    Item holder;
    holder.value = container->value;
    holder.extras = container->extras;
    holder.type = container->type;
    holder.path = container_path;
    const fhirpath::Collection context{node_of(holder, container->definition_path, frame)};
    fhirpath::Value resource = fhirpath::resource_node(*frame.resource);
    std::get<fhirpath::Node>(resource.data).root = frame.root;
    const fhirpath::Value root = fhirpath::resource_node(*(frame.bundle ? frame.bundle : frame.root));
    for (const auto& invariant : *invariants) {
        if (!invariant.is_string()) continue;
        const std::string& expression = invariant.get_ref<const std::string&>();
        std::optional<bool> holds;
        try {
            holds = fhirpath::evaluate_boolean(fhirpath::parse(expression), context, &resource, &root, run.environment);
        } catch (const std::exception&) {
            continue; // not evaluable here: not judged
        }
        if (holds && !*holds)
            run.report(Severity::error, "fhir.extension.context-invariant",
                       "The extension " + definition.url + " is not allowed here: its context invariant '" +
                           expression + "' does not hold.",
                       container_path, item.anchor);
    }
}

} // namespace healthdoc::fhir::validation
