// Slicing: each occurrence of a sliced element is given to the first slice whose
// discriminators (value, pattern, type, exists, profile) it satisfies; then the slices'
// cardinality, the rules (closed, open, openAtEnd) and the order are checked, and each
// occurrence is validated against its slice.
#include "fhir/validation/run.hpp"

#include <string_view>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    for (char c : path) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == '.' && depth == 0) {
            out.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) out.push_back(current);
    return out;
}

std::string argument_of(const std::string& segment) {
    auto open = segment.find('(');
    auto close = segment.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close <= open) return {};
    std::string arg = segment.substr(open + 1, close - open - 1);
    if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"')) arg = arg.substr(1, arg.size() - 2);
    return arg;
}

// The element of `profile` at `path` below `start` (a slice entry), or -1.
int element_at(const CompiledProfile& profile, int start, const std::vector<std::string>& segments,
               std::string& url_of_extension) {
    int current = start;
    for (const auto& segment : segments) {
        if (segment == "$this") continue;
        if (segment == "resolve()") return -1;
        if (segment.rfind("ofType(", 0) == 0) continue;
        const ElementDef& element = profile.elements[static_cast<std::size_t>(current)];
        if (segment.rfind("extension(", 0) == 0) {
            url_of_extension = argument_of(segment);
            int found = -1;
            for (int child : element.children) {
                const ElementDef& c = profile.elements[static_cast<std::size_t>(child)];
                if (c.name != "extension") continue;
                for (int slice : c.slices)
                    for (const auto& t : profile.elements[static_cast<std::size_t>(slice)].types)
                        for (const auto& p : t.profiles)
                            if (p == url_of_extension) found = slice;
            }
            if (found < 0) return -1;
            current = found;
            continue;
        }
        std::string type;
        const int child = profile.child_named(element, segment, type);
        if (child < 0) {
            // Choice elements are named without their type in discriminator paths.
            bool matched = false;
            for (int c : element.children)
                if (profile.elements[static_cast<std::size_t>(c)].name == segment) {
                    current = c;
                    matched = true;
                    break;
                }
            if (!matched) return -1;
            continue;
        }
        // A sliced element on the path stands for its first slice, as in the reference validator.
        const ElementDef& step = profile.elements[static_cast<std::size_t>(child)];
        current = step.slicing && !step.slices.empty() ? step.slices.front() : child;
    }
    return current;
}

// The values of `item` at `segments` (JSON navigation with resolve(), extension(url), ofType()).
std::vector<const json*> values_at(const Run&, const json& item, const std::vector<std::string>& segments,
                                   const ResourceFrame& frame) {
    std::vector<const json*> current{&item};
    for (const auto& segment : segments) {
        std::vector<const json*> next;
        if (segment == "$this") continue;
        for (const json* value : current) {
            if (!value->is_object()) continue;
            if (segment == "resolve()") {
                auto reference = value->find("reference");
                if (reference == value->end() || !reference->is_string()) continue;
                const std::string& text = reference->get_ref<const std::string&>();
                if (!text.empty() && text[0] == '#' && frame.root) {
                    if (auto contained = frame.root->find("contained");
                        contained != frame.root->end() && contained->is_array())
                        for (const auto& r : *contained)
                            if (r.is_object() && r.value("id", std::string()) == text.substr(1)) next.push_back(&r);
                } else if (frame.bundle_index) {
                    if (const json* target = resolve_in_bundle(*frame.bundle_index, text, "")) next.push_back(target);
                }
            } else if (segment.rfind("extension(", 0) == 0) {
                const std::string url = argument_of(segment);
                if (auto list = value->find("extension"); list != value->end() && list->is_array())
                    for (const auto& e : *list)
                        if (e.is_object() && e.value("url", std::string()) == url) next.push_back(&e);
            } else if (segment.rfind("ofType(", 0) == 0) {
                const std::string type = argument_of(segment);
                auto rt = value->find("resourceType");
                if (rt == value->end() || *rt == type) next.push_back(value);
            } else {
                auto found = value->find(segment);
                if (found == value->end()) {
                    // value[x]: any valueXxx member
                    for (auto it = value->begin(); it != value->end(); ++it) {
                        const std::string& key = it.key();
                        if (key.size() > segment.size() && key.compare(0, segment.size(), segment) == 0 &&
                            key[segment.size()] >= 'A' && key[segment.size()] <= 'Z')
                            next.push_back(&it.value());
                    }
                    continue;
                }
                if (found->is_array())
                    for (const auto& v : *found) next.push_back(&v);
                else
                    next.push_back(&*found);
            }
        }
        current = std::move(next);
    }
    return current;
}

// Whether `value` conforms to the profile `url`: validated into a scratch list, no error.
bool conforms(Run& run, const std::string& url, const json& value, const ResourceFrame& frame) {
    auto compiled = run.profiles.get(url);
    if (!compiled) return false;
    formats::Diagnostics scratch;
    Run trial{run.definitions, run.terminology, run.profiles,           run.environment, run.once, run.document,
              run.file,        false,           run.allow_example_urls, scratch,         {},       {},
              run.depth};
    if (compiled->kind == "resource" && value.is_object() && value.contains("resourceType")) {
        // A resource profile applies to resources of its type only.
        if (!value.is_object() || value.value("resourceType", std::string()) != compiled->type) return false;
        ResourceFrame inner = frame;
        inner.path = "x";
        validate_resource(trial, value, inner, {url});
    } else {
        if (!value.is_object()) {
            // A primitive profile (of string, code...) constrains its root's value.
            Item primitive;
            primitive.value = &value;
            primitive.type = compiled->type;
            primitive.path = "x";
            primitive.anchor = &value;
            check_fixed_pattern(trial, compiled->root(), primitive);
            return !scratch.has_at_least(Severity::error);
        }
        validate_children(trial, *compiled, 0, value, "x", frame, false);
        Item item;
        item.value = &value;
        item.type = compiled->type;
        item.path = "x";
        std::set<std::string> done;
        check_invariants(trial, compiled->root().constraints, item, compiled->type, frame, done);
    }
    return !scratch.has_at_least(Severity::error);
}

// A slice whose type profile names one of the profile's elements (the profile-element
// extension) is defined by that element: discriminators and validation look there.
struct SliceDefinition {
    const CompiledProfile* profile;
    int index;
};

SliceDefinition definition_of_slice(const Run& run, const CompiledProfile& profile, int slice) {
    const ElementDef& entry = profile.elements[static_cast<std::size_t>(slice)];
    if (entry.types.size() != 1 || entry.types.front().profiles.empty() || entry.types.front().profile_element.empty())
        return {&profile, slice};
    auto library = run.profiles.get(entry.types.front().profiles.front());
    if (!library) return {&profile, slice};
    const int found = library->index_of_id(entry.types.front().profile_element);
    if (found < 0) return {&profile, slice};
    return {library.get(), found}; // the cache keeps compiled profiles for the run's lifetime
}

bool matches_slice(Run& run, const CompiledProfile& sliced_profile, const ElementDef& sliced, int sliced_entry,
                   const Item& item, const ResourceFrame& frame) {
    if (!item.value) return false;
    const SliceDefinition definition = definition_of_slice(run, sliced_profile, sliced_entry);
    const CompiledProfile& profile = *definition.profile;
    const int slice = definition.index;
    const ElementDef& entry = profile.elements[static_cast<std::size_t>(slice)];
    for (const auto& d : sliced.slicing->discriminators) {
        const auto segments = split_path(d.path);
        std::string extension_url;
        const int at = element_at(profile, slice, segments, extension_url);
        const auto values = values_at(run, *item.value, segments, frame);
        if (d.type == "value" || d.type == "pattern") {
            // Extensions sliced by url: the slice names the extension's definition.
            if (d.path == "url" && at < 0) {
                bool ok = false;
                for (const auto& t : entry.types)
                    for (const auto& p : t.profiles)
                        for (const json* v : values)
                            if (v->is_string() && *v == p) ok = true;
                if (!ok) return false;
                continue;
            }
            if (at < 0) {
                if (d.path == "url") {
                    bool ok = false;
                    for (const auto& t : entry.types)
                        for (const auto& p : t.profiles)
                            for (const json* v : values)
                                if (v->is_string() && *v == p) ok = true;
                    if (!ok) return false;
                }
                continue;
            }
            const ElementDef& target = profile.elements[static_cast<std::size_t>(at)];
            const json* expected = target.fixed ? target.fixed : target.pattern;
            if (!expected && d.path == "url") {
                bool ok = false;
                for (const auto& t : entry.types)
                    for (const auto& p : t.profiles)
                        for (const json* v : values)
                            if (v->is_string() && *v == p) ok = true;
                if (!ok) return false;
                continue;
            }
            if (expected) {
                bool ok = false;
                for (const json* v : values)
                    if (matches_pattern(*v, *expected)) ok = true;
                if (!ok) return false;
            } else if (target.binding && target.binding->strength == "required") {
                bool ok = false;
                for (const json* v : values) {
                    std::string system, code;
                    if (v->is_string())
                        code = v->get<std::string>();
                    else if (v->is_object()) {
                        system = v->value("system", std::string());
                        code = v->value("code", std::string());
                    }
                    if (!code.empty() && run.terminology.check(target.binding->value_set, system, code).membership !=
                                             Membership::not_member)
                        ok = true;
                }
                if (!ok) return false;
            }
        } else if (d.type == "exists") {
            if (at < 0) continue;
            const ElementDef& target = profile.elements[static_cast<std::size_t>(at)];
            if (target.min >= 1 && values.empty()) return false;
            if (target.max == 0 && !values.empty()) return false;
        } else if (d.type == "profile") {
            const ElementDef& target = at >= 0 ? profile.elements[static_cast<std::size_t>(at)] : entry;
            std::vector<std::string> urls;
            for (const auto& t : target.types)
                for (const auto& p : t.profiles) urls.push_back(p);
            if (urls.empty()) {
                if (target.max == 0 && !values.empty()) return false;
                if (target.min >= 1 && values.empty()) return false;
                continue;
            }
            if (values.empty()) return false;
            for (const json* v : values) {
                bool ok = false;
                for (const auto& url : urls)
                    if (conforms(run, url, *v, frame)) ok = true;
                if (!ok) return false;
            }
        } else if (d.type == "type") {
            const ElementDef& target = at >= 0 ? profile.elements[static_cast<std::size_t>(at)] : entry;
            if (target.types.empty()) continue;
            bool ok = false;
            for (const json* v : values) {
                std::string actual = item.type;
                if (v->is_object())
                    if (auto rt = v->find("resourceType"); rt != v->end() && rt->is_string())
                        actual = rt->get<std::string>();
                for (const auto& t : target.types)
                    if (t.code == actual || t.code == "Resource") ok = true;
            }
            if (!ok) return false;
        }
    }
    return true;
}

} // namespace

void check_slicing(Run& run, const CompiledProfile& profile, int index, const std::vector<Item>& items,
                   const std::string& parent_path, const ResourceFrame& frame) {
    const ElementDef& sliced = profile.elements[static_cast<std::size_t>(index)];
    const Slicing& slicing = *sliced.slicing;
    std::vector<int> counts(sliced.slices.size(), 0);
    int last_slice = -1;
    bool unmatched_seen = false;
    for (const Item& item : items) {
        int matched = -1;
        for (std::size_t s = 0; s < sliced.slices.size(); ++s)
            if (matches_slice(run, profile, sliced, sliced.slices[s], item, frame)) {
                matched = static_cast<int>(s);
                break;
            }
        if (matched < 0) {
            unmatched_seen = true;
            if (slicing.rules == "closed")
                run.report(Severity::error, "fhir.slicing.closed",
                           "This value of " + sliced.path + " matches none of the slices, and the slicing is closed.",
                           item.path, item.anchor);
            continue;
        }
        if (slicing.rules == "openAtEnd" && unmatched_seen)
            run.report(Severity::error, "fhir.slicing.open-at-end",
                       "Values matching a slice of " + sliced.path + " must come before the others (openAtEnd).",
                       item.path, item.anchor);
        if (slicing.ordered && matched < last_slice)
            run.report(Severity::error, "fhir.slicing.order",
                       "The values of " + sliced.path + " are not in the order of its slices.", item.path, item.anchor);
        last_slice = std::max(last_slice, matched);
        ++counts[static_cast<std::size_t>(matched)];
        const SliceDefinition definition =
            definition_of_slice(run, profile, sliced.slices[static_cast<std::size_t>(matched)]);
        validate_item(run, *definition.profile, definition.index, item, frame);
    }
    for (std::size_t s = 0; s < sliced.slices.size(); ++s) {
        const ElementDef& slice = profile.elements[static_cast<std::size_t>(sliced.slices[s])];
        const int count = counts[s];
        if (count < slice.min)
            run.report(Severity::error, "fhir.slicing.cardinality",
                       "Slice '" + slice.slice_name + "' of " + sliced.path + " has " + std::to_string(count) +
                           " occurrences, at least " + std::to_string(slice.min) + " expected (from " + profile.url +
                           ").",
                       parent_path, nullptr);
        if (slice.max != unbounded && count > slice.max)
            run.report(Severity::error, "fhir.slicing.cardinality",
                       "Slice '" + slice.slice_name + "' of " + sliced.path + " has " + std::to_string(count) +
                           " occurrences, at most " + std::to_string(slice.max) + " allowed (from " + profile.url +
                           ").",
                       parent_path, nullptr);
    }
}

} // namespace healthdoc::fhir::validation
