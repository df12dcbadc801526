// The instance walk: every member of a resource matched to its element definition, with the
// JSON rules (arrays, "_name" objects, nulls, empty values), cardinality and types; each value
// then gets its invariants, binding, fixed/pattern, reference and extension checks.
#include "fhir/primitives.hpp"
#include "fhir/validation/run.hpp"
#include "fhir/xhtml.hpp"

#include <algorithm>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr int max_depth = 120;

const char* json_kind_name(const json& value) {
    if (value.is_object()) return "an object";
    if (value.is_array()) return "an array";
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_number()) return "a number";
    return "null";
}

bool is_resource_type_name(const Run& run, const std::string& type) {
    if (type == "Resource" || type == "DomainResource") return true;
    const auto* info = run.definitions.types().find_type(type);
    return info && info->kind == fhirpath::TypeKind::resource;
}

// The definition path FHIRPath uses for child look-ups of a value of this element.
std::string definition_path_of(const CompiledProfile& profile, const ElementDef& element, const std::string& type) {
    if (element.content_reference >= 0)
        return profile.elements[static_cast<std::size_t>(element.content_reference)].path;
    if (type == "BackboneElement" || type == "Element" || type.empty()) {
        // Profiles of a type keep the type's own element paths.
        return element.path;
    }
    return type;
}

struct Occurrence {
    const json* value = nullptr;
    const json* extras = nullptr;
    std::string key; // the JSON name ("valueQuantity")
    std::string type;
};

void collect_items(Run& run, const ElementDef& element, const Occurrence& found, const std::string& path,
                   const json& parent, std::vector<Item>& items) {
    const std::string display =
        element.is_choice && !found.type.empty() ? element.name + ".ofType(" + found.type + ")" : found.key;
    const std::string where = path + "." + display;
    auto add = [&](const json* value, const json* extras, std::size_t index, bool repeating) {
        Item item;
        item.value = value && !value->is_null() ? value : nullptr;
        item.extras = extras && !extras->is_null() ? extras : nullptr;
        item.type = found.type;
        item.path = child_path(path, display, repeating, index);
        item.anchor = item.value ? item.value : item.extras ? item.extras : &parent;
        if (!item.value && !item.extras) {
            run.report(Severity::error, "fhir.json.null",
                       "A null value is only allowed in an array, as a placeholder for a '_" + found.key + "' entry.",
                       item.path, value ? value : &parent);
            return;
        }
        items.push_back(std::move(item));
    };
    const json* v = found.value;
    const json* x = found.extras;
    if (element.repeats) {
        if (v && !v->is_array()) {
            run.report(Severity::error, "fhir.json.array-expected",
                       "'" + found.key + "' repeats, so it must be a JSON array, not " + json_kind_name(*v) + ".",
                       where, v);
            add(v, x && !x->is_array() ? x : nullptr, 0, false);
            return;
        }
        if (x && !x->is_array()) {
            run.report(Severity::error, "fhir.json.array-expected",
                       "'_" + found.key + "' repeats, so it must be a JSON array, not " + json_kind_name(*x) + ".",
                       where, x);
            x = nullptr;
        }
        if ((v && v->empty()) || (x && x->empty() && !v)) {
            run.report(Severity::error, "fhir.json.empty", "'" + found.key + "' is an empty array.", where, v ? v : x);
            return;
        }
        if (v && x && v->size() != x->size())
            run.report(Severity::error, "fhir.json.array-mismatch",
                       "The arrays '" + found.key + "' and '_" + found.key + "' have different lengths.", where, x);
        const std::size_t n = std::max(v ? v->size() : 0, x ? x->size() : 0);
        for (std::size_t i = 0; i < n; ++i)
            add(v && i < v->size() ? &(*v)[i] : nullptr, x && i < x->size() ? &(*x)[i] : nullptr, i, true);
        return;
    }
    if (v && v->is_array()) {
        run.report(Severity::error, "fhir.json.not-array",
                   "'" + found.key + "' does not repeat, so it must not be a JSON array.", where, v);
        for (std::size_t i = 0; i < v->size(); ++i) add(&(*v)[i], nullptr, i, true);
        return;
    }
    if (x && x->is_array()) {
        run.report(Severity::error, "fhir.json.not-array",
                   "'_" + found.key + "' does not repeat, so it must not be a JSON array.", where, x);
        x = nullptr;
    }
    add(v, x, 0, false);
}

void check_cardinality(Run& run, const ElementDef& element, std::size_t count, const std::string& path,
                       const json& parent) {
    if (static_cast<int>(count) >= element.min && (element.max == unbounded || static_cast<int>(count) <= element.max))
        return;
    const std::string& name = element.id.empty() ? element.path : element.id; // slice children say their slice
    if (static_cast<int>(count) < element.min)
        run.report(Severity::error, "fhir.structure.cardinality",
                   name + " has " + std::to_string(count) + " occurrences, at least " + std::to_string(element.min) +
                       " expected.",
                   path, &parent);
    if (element.max != unbounded && static_cast<int>(count) > element.max)
        run.report(Severity::error, "fhir.structure.cardinality",
                   name + " has " + std::to_string(count) + " occurrences, at most " + std::to_string(element.max) +
                       " allowed.",
                   path, &parent);
}

// Whether the text holds a tag of an HTML element ("<script>", "</b>"), as the reference
// validator's security checks read strings.
bool contains_html_tags(std::string_view text) {
    static const std::set<std::string, std::less<>> tags{
        "a",       "abbr",     "address",    "area",   "article",  "aside",    "audio",    "b",          "base",
        "bdi",     "bdo",      "blockquote", "body",   "br",       "button",   "canvas",   "caption",    "cite",
        "code",    "col",      "colgroup",   "data",   "datalist", "dd",       "del",      "details",    "dfn",
        "dialog",  "div",      "dl",         "dt",     "em",       "embed",    "fieldset", "figcaption", "figure",
        "footer",  "form",     "h1",         "h2",     "h3",       "h4",       "h5",       "h6",         "head",
        "header",  "hr",       "html",       "i",      "iframe",   "img",      "input",    "ins",        "kbd",
        "label",   "legend",   "li",         "link",   "main",     "map",      "mark",     "meta",       "meter",
        "nav",     "noscript", "object",     "ol",     "optgroup", "option",   "output",   "p",          "param",
        "pre",     "progress", "q",          "rp",     "rt",       "ruby",     "s",        "samp",       "script",
        "section", "select",   "small",      "source", "span",     "strong",   "style",    "sub",        "summary",
        "sup",     "table",    "tbody",      "td",     "template", "textarea", "tfoot",    "th",         "thead",
        "time",    "title",    "tr",         "track",  "u",        "ul",       "var",      "video",      "wbr"};
    for (std::size_t open = text.find('<'); open != std::string_view::npos; open = text.find('<', open + 1)) {
        const std::size_t close = text.find('>', open + 1);
        if (close == std::string_view::npos) return false;
        std::string tag(text.substr(open + 1, close - open - 1));
        if (!tag.empty() && tag[0] == '/') tag.erase(0, 1);
        if (auto blank = tag.find_first_of(" \t\r\n/"); blank != std::string::npos) tag.resize(blank);
        for (char& c : tag)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (tags.count(tag)) return true;
    }
    return false;
}

void check_primitive_value(Run& run, const std::string& type, const Item& item) {
    const json& value = *item.value;
    if (value.is_object() || value.is_array()) {
        run.report(Severity::error, "fhir.json.wrong-type",
                   "A " + type + " must be a JSON primitive value, not " + json_kind_name(value) + ".", item.path,
                   &value);
        return;
    }
    if (value.is_string() && value.get_ref<const std::string&>().empty()) {
        run.report(Severity::error, "fhir.json.empty", "A " + type + " value must not be an empty string.", item.path,
                   &value);
        return;
    }
    if (auto problem = primitive_problem(type, value, run.document.map.decimal_text(value)))
        run.report(Severity::error, "fhir.structure.primitive", *problem, item.path, &value);
    if (!run.allow_example_urls && (type == "uri" || type == "url") && value.is_string() &&
        value.get_ref<const std::string&>().find("example.org") != std::string::npos)
        run.report(Severity::error, "fhir.structure.example-url", "Example URLs are not allowed in this context.",
                   item.path, &value);
    if (run.security_checks && type == "string" && value.is_string() &&
        contains_html_tags(value.get_ref<const std::string&>()))
        run.report(Severity::error, "fhir.security.embedded-html",
                   "The string value contains text that looks like embedded HTML tags, which are not allowed for "
                   "security reasons in this context.",
                   item.path, &value);
    if (type == "xhtml" && value.is_string()) {
        // txt-2 (some non-whitespace content) is a warning: the reference validator's R4
        // htmlChecks() does not enforce it, and three published R4 examples have an empty div.
        for (const auto& p : check_narrative_xhtml(value.get_ref<const std::string&>()))
            run.report(p.rule == "fhir.xhtml.empty" ? Severity::warning : Severity::error, p.rule, p.message, item.path,
                       &value);
    }
}

} // namespace

std::string child_path(const std::string& parent, const std::string& name, bool repeats, std::size_t index) {
    std::string out;
    out.reserve(parent.size() + name.size() + 8);
    out += parent;
    out += '.';
    out += name;
    if (repeats) {
        out += '[';
        out += std::to_string(index);
        out += ']';
    }
    return out;
}

void Run::report(Severity severity, const std::string& rule, const std::string& message, const std::string& path,
                 const json* at) {
    std::string key;
    key.reserve(rule.size() + path.size() + message.size() + 2);
    key += rule;
    key += '|';
    key += path;
    key += '|';
    key += message;
    if (!seen.insert(std::move(key)).second) return;
    formats::Location location;
    location.file = file;
    location.path = path;
    if (positions && at) {
        if (auto position = document.map.position(*at)) {
            location.line = position->line;
            location.column = position->column;
        }
    }
    out.report(severity, rule, message, std::move(location));
}

void validate_children(Run& run, const CompiledProfile& profile, int index, const json& object, const std::string& path,
                       const ResourceFrame& frame, bool resource_root) {
    const ElementDef& element = profile.elements[static_cast<std::size_t>(index)];
    const int owner = element.content_reference >= 0 ? element.content_reference : index;
    const ElementDef& definer = profile.elements[static_cast<std::size_t>(owner)];
    std::vector<std::pair<int, Occurrence>> found;
    found.reserve(object.size());
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        if (resource_root && key == "resourceType") continue;
        const bool extras = !key.empty() && key[0] == '_';
        const std::string_view name = extras ? std::string_view(key).substr(1) : std::string_view(key);
        std::string type;
        const int child = profile.child_named(definer, name, type);
        if (child < 0) {
            run.report(Severity::error, "fhir.structure.unknown-element", "Unrecognized property '" + key + "'.", path,
                       &it.value());
            continue;
        }
        auto slot = std::find_if(found.begin(), found.end(),
                                 [&](const auto& f) { return f.first == child && f.second.key == name; });
        if (slot == found.end()) {
            found.push_back({child, Occurrence{nullptr, nullptr, std::string(name), type}});
            slot = found.end() - 1;
        }
        (extras ? slot->second.extras : slot->second.value) = &it.value();
    }
    for (int child : definer.children) {
        const ElementDef& c = profile.elements[static_cast<std::size_t>(child)];
        std::vector<Item> items;
        int kinds = 0;
        std::size_t invalid = 0; // present with a type the element does not allow
        for (const auto& [index_found, occurrence] : found) {
            if (index_found != child) continue;
            ++kinds;
            if (c.is_choice && occurrence.type.empty()) {
                run.report(Severity::error, "fhir.structure.wrong-type",
                           "'" + occurrence.key + "' names a type that " + c.path + " does not allow.", path,
                           occurrence.value ? occurrence.value : occurrence.extras);
                ++invalid;
                continue;
            }
            if (occurrence.extras && !occurrence.type.empty() && !fhirpath::is_fhir_primitive(occurrence.type)) {
                run.report(Severity::error, "fhir.json.unexpected-extras",
                           "'_" + occurrence.key + "' is only allowed for primitive elements.", path,
                           occurrence.extras);
            }
            collect_items(run, c, occurrence, path, object, items);
        }
        if (kinds > 1 && c.is_choice)
            run.report(Severity::error, "fhir.structure.choice-multiple",
                       c.path + " has values of several types; only one is allowed.", path, &object);
        check_cardinality(run, c, items.size() + invalid, path, object);
        for (const Item& item : items) validate_item(run, profile, child, item, frame);
        if (c.slicing && !c.slices.empty()) check_slicing(run, profile, child, items, path, frame);
    }
}

void validate_item(Run& run, const CompiledProfile& profile, int index, const Item& item, const ResourceFrame& frame) {
    if (run.depth >= max_depth) return;
    struct DepthGuard {
        int& depth;
        explicit DepthGuard(int& d) : depth(d) { ++depth; }
        ~DepthGuard() { --depth; }
    } guard(run.depth);
    const ElementDef& element = profile.elements[static_cast<std::size_t>(index)];
    Item current = item;
    if (current.type.empty() && !element.types.empty()) current.type = element.types.front().code;
    if (current.type.empty() && element.content_reference >= 0) current.type = "BackboneElement";
    const std::string& type = current.type;
    const BoundValueSetScope bound_value_set(run, profile, element, type);
    std::set<std::string> done;
    const bool primitive = fhirpath::is_fhir_primitive(type);
    const CompiledProfile* type_profile = nullptr;
    if (primitive) {
        if (current.value) check_primitive_value(run, type, current);
        if (current.extras) {
            if (!current.extras->is_object()) {
                run.report(Severity::error, "fhir.json.wrong-type",
                           "A '_' value must be a JSON object holding id and extension.", current.path, current.extras);
            } else if (current.extras->empty()) {
                run.report(Severity::error, "fhir.json.empty", "A '_' value must not be an empty object.", current.path,
                           current.extras);
            } else if (auto base = run.profiles.get(type)) {
                // The primitive's own value never goes in its "_name" object.
                if (current.extras->contains("value"))
                    run.report(Severity::error, "fhir.structure.unknown-element", "The property 'value' is invalid.",
                               current.path, &(*current.extras)["value"]);
                validate_children(run, *base, 0, *current.extras, current.path, frame, false);
            }
        }
        if (auto base = run.profiles.get(type)) type_profile = base.get();
    } else {
        if (!current.value) return;
        const json& value = *current.value;
        if (!value.is_object()) {
            run.report(Severity::error, "fhir.json.wrong-type",
                       "A " + (type.empty() ? std::string("complex value") : type) + " must be a JSON object, not " +
                           json_kind_name(value) + ".",
                       current.path, &value);
            return;
        }
        if (value.empty()) {
            run.report(Severity::error, "fhir.json.empty", "An element must not be an empty object.", current.path,
                       &value);
            return;
        }
        if (is_resource_type_name(run, type)) {
            ResourceFrame inner;
            inner.resource = &value;
            inner.root = element.name == "contained" && frame.root ? frame.root : &value;
            inner.bundle = frame.bundle ? frame.bundle : frame.root;
            inner.bundle_index = frame.bundle_index;
            inner.path = current.path;
            std::vector<std::string> extra;
            for (const auto& t : element.types)
                for (const auto& p : t.profiles) extra.push_back(p);
            if (extra.size() > 1) extra = choose_resource_profile(run, value, inner, extra);
            validate_resource(run, value, inner, extra);
            return;
        }
        if (auto id = value.find("id");
            id != value.end() && id->is_string() && frame.resource && type != "ElementDefinition") {
            // Element ids are unique within a resource (a value walked twice, by several
            // profiles or slices, is the same element). ElementDefinition ids repeat by design
            // (the snapshot and the differential name the same elements).
            auto [first, inserted] = run.element_ids.try_emplace({frame.resource, id->get<std::string>()}, &value);
            if (!inserted && first->second != &value)
                run.report(Severity::error, "fhir.structure.duplicate-id",
                           "Duplicate id value '" + id->get<std::string>() + "'", current.path, &*id);
        }
        const int owner = element.content_reference >= 0 ? element.content_reference : index;
        std::shared_ptr<const CompiledProfile> held;
        bool from_base_extension = false;
        if (!profile.elements[static_cast<std::size_t>(owner)].children.empty()) {
            validate_children(run, profile, index, value, current.path, frame, false);
            if (!type.empty() && type != "BackboneElement" && type != "Element") held = run.profiles.get(type);
            type_profile = held.get();
        } else {
            std::vector<std::string> type_profiles;
            for (const auto& t : element.types)
                if (t.code == type) type_profiles = t.profiles;
            bool walked = false;
            if (type_profiles.size() > 1 && type != "Extension")
                walked = validate_any_profile(run, type_profiles, current, type, frame, done);
            for (const auto& url : type_profiles) {
                if (type == "Extension") continue; // extensions are checked by their url below
                auto p = run.profiles.get(url);
                if (!p) {
                    if (run.once.first("profile|" + url))
                        run.report(Severity::warning, "fhir.profile.unknown",
                                   "The profile " + url + " is not known; it was not checked.", current.path, &value);
                    continue;
                }
                validate_children(run, *p, 0, value, current.path, frame, false);
                check_invariants(run, p->root().constraints, current, type, frame, done);
                walked = true;
            }
            held = run.profiles.get(type);
            type_profile = held.get();
            if (!walked && type_profile) validate_children(run, *type_profile, 0, value, current.path, frame, false);
            from_base_extension = type == "Extension";
        }
        if (type == "Extension" && from_base_extension)
            check_extension(run, current, frame, element.name == "modifierExtension");
        if (type == "Coding") check_coding_in_system(run, value, current.path);
        if (type == "Reference") check_reference(run, element, current, frame);
    }
    if (element.binding) check_binding(run, element, current);
    if (element.fixed || element.pattern) check_fixed_pattern(run, element, current);
    if (element.min_value || element.max_value) check_min_max(run, element, current);
    check_element_extensions(run, profile, index, current, frame);
    const std::string definition_path = primitive ? type : definition_path_of(profile, element, type);
    check_invariants(run, element.constraints, current, definition_path, frame, done);
    if (type_profile) check_invariants(run, type_profile->root().constraints, current, definition_path, frame, done);
}

void validate_resource(Run& run, const json& resource, ResourceFrame frame,
                       const std::vector<std::string>& extra_profiles) {
    if (frame.path.empty()) frame.path = "";
    if (!resource.is_object()) {
        run.report(Severity::error, "fhir.structure.resource-type", "A resource must be a JSON object.", frame.path,
                   &resource);
        return;
    }
    auto rt = resource.find("resourceType");
    if (rt == resource.end() || !rt->is_string()) {
        run.report(Severity::error, "fhir.structure.resource-type", "The resource has no resourceType.", frame.path,
                   &resource);
        return;
    }
    const std::string& type = rt->get_ref<const std::string&>();
    auto base = run.profiles.get(type);
    if (!base || base->kind != "resource" || base->derivation != "specialization") {
        run.report(Severity::error, "fhir.structure.resource-type", "'" + type + "' is not a known resource type.",
                   frame.path, &*rt);
        return;
    }
    if (frame.path.empty()) frame.path = type;
    frame.resource = &resource;
    if (!frame.root) frame.root = &resource;
    if (run.depth >= max_depth) return;
    if (auto id = resource.find("id"); id != resource.end() && id->is_string()) {
        const std::string& text = id->get_ref<const std::string&>();
        bool valid = !text.empty() && text.size() <= 64;
        for (char c : text)
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
                valid = false;
        if (!valid)
            run.report(Severity::error, "fhir.structure.resource-id",
                       text.size() > 64 ? "Invalid resource id: longer than 64 characters."
                                        : "Invalid resource id: only A-Z, a-z, 0-9, '-' and '.' are allowed.",
                       frame.path + ".id", &*id);
    }
    if (type == "Bundle") check_bundle(run, resource, frame);
    check_contained_referenced(run, resource, frame);
    if (type == "Questionnaire" || type == "QuestionnaireResponse") check_questionnaire_rules(run, resource, frame);
    if (type == "Measure" || type == "MeasureReport") check_measure_rules(run, resource, frame);
    check_conformance_resource(run, resource, frame);
    validate_children(run, *base, 0, resource, frame.path, frame, true);
    Item self;
    self.value = &resource;
    self.type = type;
    self.path = frame.path;
    self.anchor = &resource;
    std::set<std::string> done;
    check_invariants(run, base->root().constraints, self, type, frame, done);

    std::vector<std::string> profiles;
    std::set<std::string> claimed;
    if (auto meta = resource.find("meta"); meta != resource.end() && meta->is_object())
        if (auto list = meta->find("profile"); list != meta->end() && list->is_array())
            for (const auto& p : *list)
                if (p.is_string()) {
                    profiles.push_back(p.get<std::string>());
                    claimed.insert(p.get<std::string>());
                }
    profiles.insert(profiles.end(), extra_profiles.begin(), extra_profiles.end());
    std::sort(profiles.begin(), profiles.end());
    profiles.erase(std::unique(profiles.begin(), profiles.end()), profiles.end());
    for (const auto& url : profiles) {
        if (url == base->url) continue;
        std::string bare = url.substr(0, url.find('|'));
        auto profile = run.profiles.get(url);
        if (!profile && bare != url) profile = run.profiles.get(bare);
        if (!profile) {
            if (run.once.first("profile|" + url)) {
                formats::Location location;
                location.file = run.file;
                location.path = frame.path + ".meta.profile";
                std::lock_guard lock(run.once.mutex);
                run.once.diagnostics.report(Severity::warning, "fhir.profile.unknown",
                                            "The profile " + url +
                                                " is not known; resources claiming it were not checked against it.",
                                            location);
            }
            continue;
        }
        if (profile->type != type) {
            // A profile given by the element's type or the options applies to resources of its type only.
            if (!claimed.count(url)) continue;
            run.report(Severity::error, "fhir.profile.wrong-type",
                       "The profile " + url + " constrains " + profile->type + ", not " + type + ".", frame.path,
                       &resource);
            continue;
        }
        validate_children(run, *profile, 0, resource, frame.path, frame, true);
        std::set<std::string> profile_done;
        check_invariants(run, profile->root().constraints, self, type, frame, profile_done);
    }
}

} // namespace healthdoc::fhir::validation
