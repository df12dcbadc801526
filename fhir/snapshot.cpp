#include "fhir/snapshot.hpp"

#include "fhir/fhirpath/type_provider.hpp"

#include <algorithm>
#include <set>

namespace healthdoc::fhir {

namespace {

using nlohmann::json;

// Bounds against hostile definitions: elements in one snapshot, segments in one element id.
constexpr std::size_t max_snapshot_elements = 20000;
constexpr std::size_t max_id_segments = 64;

std::string string_of(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

// True when `id` is `root` or lies under it: its children (root.x) and, when `with_slices`,
// its slices (root:s) and reslices (root/s) with their children.
bool in_group(std::string_view id, std::string_view root, bool with_slices) {
    if (!starts_with(id, root)) return false;
    if (id.size() == root.size()) return true;
    const char next = id[root.size()];
    return next == '.' || (with_slices && (next == ':' || next == '/'));
}

struct Segment {
    std::string name;  // "component", "value[x]", "valueQuantity"
    std::string slice; // "systolic", "a/b"; empty when none
};

// Splits "Observation.component:systolic.code" into its segments; slice names never hold '.'
// except inside URL-like names, which stay whole because a ':' precedes them.
std::vector<Segment> split_id(const std::string& id) {
    std::vector<Segment> segments;
    std::size_t pos = 0;
    while (pos <= id.size() && segments.size() <= max_id_segments) {
        std::size_t colon = std::string::npos, end = pos;
        while (end < id.size() && id[end] != '.') {
            if (id[end] == ':') {
                colon = end;
                // A slice name runs to the next '.' that starts an element name.
                end = id.find('.', end);
                if (end == std::string::npos) end = id.size();
                break;
            }
            ++end;
        }
        Segment segment;
        if (colon != std::string::npos) {
            segment.name = id.substr(pos, colon - pos);
            segment.slice = id.substr(colon + 1, end - colon - 1);
        } else {
            segment.name = id.substr(pos, end - pos);
        }
        segments.push_back(std::move(segment));
        if (end >= id.size()) break;
        pos = end + 1;
    }
    return segments;
}

std::string capitalized(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
}

std::string type_code_of(const json& type) { return type.is_object() ? string_of(type, "code") : std::string(); }

class SnapshotBuilder {
public:
    SnapshotBuilder(const json& profile, const StructureLookup& lookup, formats::Diagnostics& problems)
        : m_profile(profile), m_lookup(lookup), m_problems(problems), m_url(string_of(profile, "url")) {}

    bool is_specialization() const { return string_of(m_profile, "derivation") == "specialization"; }

    std::optional<json> build() {
        const std::string base_url = string_of(m_profile, "baseDefinition");
        auto differential = m_profile.find("differential");
        if (differential == m_profile.end() || !differential->is_object() || !differential->contains("element") ||
            !(*differential)["element"].is_array()) {
            report("fhir.snapshot.no-differential", "has neither a snapshot nor a differential");
            return std::nullopt;
        }
        if (base_url.empty()) {
            report("fhir.snapshot.no-base", "has no snapshot and no baseDefinition to generate it from");
            return std::nullopt;
        }
        const json* base = m_lookup(base_url);
        // R5's abstract root type, which logical models written for newer tools derive from;
        // R4 has none, and it contributes no element but the root.
        static const json abstract_base = json::parse(
            R"({"resourceType": "StructureDefinition", "url": "http://hl7.org/fhir/StructureDefinition/Base", "type": "Base",
                "snapshot": {"element": [{"id": "Base", "path": "Base", "min": 0, "max": "*",
                                          "base": {"path": "Base", "min": 0, "max": "*"}}]}})");
        if (!base && base_url == "http://hl7.org/fhir/StructureDefinition/Base" && is_specialization())
            base = &abstract_base;
        if (!base || !base->contains("snapshot")) {
            report("fhir.snapshot.base-not-found", "has no snapshot and its base " + base_url + " is not available");
            return std::nullopt;
        }
        m_specialization = string_of(m_profile, "derivation") == "specialization";
        load_base(*base);
        if (m_nodes.empty()) {
            report("fhir.snapshot.base-not-found",
                   "has no snapshot and its base " + base_url + " has an empty snapshot");
            return std::nullopt;
        }
        for (const auto& element : (*differential)["element"]) {
            if (!element.is_object()) continue;
            apply(element);
        }
        json result = m_profile;
        json elements = json::array();
        for (auto& node : m_nodes) elements.push_back(std::move(node.element));
        result["snapshot"] = json{{"element", std::move(elements)}};
        return result;
    }

private:
    struct Node {
        json element;
        json original;        // the element as it was before the differential applied
        bool copyable = true; // from the base snapshot (copied into new slices); false: unrolled on demand
        std::string id() const { return string_of(element, "id"); }
    };

    void report(const std::string& rule, const std::string& what) {
        m_problems.report(formats::Severity::warning, rule,
                          "The StructureDefinition " + (m_url.empty() ? std::string("(without url)") : m_url) + " " +
                              what + ".",
                          formats::Location{m_url, 0, 0, {}});
    }

    // The base snapshot, with ids filled in and, for a specialization, the root renamed.
    void load_base(const json& base) {
        const json& elements = base["snapshot"]["element"];
        if (!elements.is_array() || elements.empty()) return;
        std::string base_root = string_of(elements.front(), "path");
        std::string root = base_root;
        if (m_specialization) {
            root = string_of(m_profile, "type");
            if (auto slash = root.rfind('/'); slash != std::string::npos) root = root.substr(slash + 1);
            if (root.empty()) root = base_root;
        }
        std::string slice_path, slice_id; // the last slice seen, for elements without ids
        for (const auto& element : elements) {
            if (!element.is_object() || m_nodes.size() >= max_snapshot_elements) continue;
            json copy = element;
            std::string path = string_of(copy, "path");
            std::string id = string_of(copy, "id");
            if (id.empty()) id = synthesize_id(copy, slice_path, slice_id);
            if (root != base_root) {
                if (in_group(path, base_root, false)) path = root + path.substr(base_root.size());
                if (in_group(id, base_root, false)) id = root + id.substr(base_root.size());
            }
            copy["path"] = path;
            copy["id"] = id;
            m_nodes.push_back(Node{copy, copy, true});
        }
    }

    // An id for an element written without one: its path, within the last slice when below it.
    static std::string synthesize_id(const json& element, std::string& slice_path, std::string& slice_id) {
        const std::string path = string_of(element, "path");
        std::string id = path;
        if (!slice_path.empty() && in_group(path, slice_path, false) && path != slice_path)
            id = slice_id + path.substr(slice_path.size());
        if (std::string slice = string_of(element, "sliceName"); !slice.empty()) {
            id += ":" + slice;
            slice_path = path;
            slice_id = id;
        }
        return id;
    }

    std::optional<std::size_t> find(std::string_view id) const {
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            if (string_of(m_nodes[i].element, "id") == id) return i;
        return std::nullopt;
    }

    // One past the last node of `index`'s group (its children, and its slices when asked).
    std::size_t group_end(std::size_t index, bool with_slices) const {
        const std::string root = m_nodes[index].id();
        std::size_t end = index + 1;
        while (end < m_nodes.size() && in_group(m_nodes[end].id(), root, with_slices)) ++end;
        return end;
    }

    bool has_children(std::size_t index) const {
        return index + 1 < m_nodes.size() && starts_with(m_nodes[index + 1].id(), m_nodes[index].id() + ".");
    }

    // Inserts the children of a complex-typed element that the snapshot does not expand: the
    // snapshot of its type (or of its one profile), or the definition its contentReference names.
    bool unroll(std::size_t index) {
        if (has_children(index)) return true;
        const json& element = m_nodes[index].element;
        const std::string parent_id = string_of(element, "id");
        const std::string parent_path = string_of(element, "path");
        std::vector<Node> children;
        if (std::string reference = string_of(element, "contentReference"); !reference.empty()) {
            if (auto hash = reference.find('#'); hash != std::string::npos) reference.erase(0, hash + 1);
            auto target = find(reference);
            if (!target) return false;
            const std::size_t end = group_end(*target, false);
            for (std::size_t i = *target + 1; i < end; ++i) {
                json copy = m_nodes[i].original;
                copy["id"] = parent_id + string_of(copy, "id").substr(reference.size());
                copy["path"] = parent_path + string_of(copy, "path").substr(reference.size());
                children.push_back(Node{copy, copy, false});
            }
        } else {
            auto types = element.find("type");
            if (types == element.end() || !types->is_array() || types->empty()) return false;
            std::set<std::string> codes;
            for (const auto& type : *types) codes.insert(type_code_of(type));
            if (codes.size() != 1) return false;
            const std::string code = *codes.begin();
            if (code.empty() || fhirpath::is_fhir_primitive(code) || starts_with(code, "http://hl7.org/fhirpath/"))
                return false;
            const json* type_sd = nullptr;
            if (types->size() == 1)
                if (auto profiles = (*types)[0].find("profile"); profiles != (*types)[0].end() &&
                                                                 profiles->is_array() && profiles->size() == 1 &&
                                                                 (*profiles)[0].is_string())
                    type_sd = m_lookup((*profiles)[0].get<std::string>());
            if (!type_sd) type_sd = m_lookup(code);
            if (!type_sd || type_sd == &m_profile) return false;
            const json& elements = (*type_sd)["snapshot"]["element"];
            if (!elements.is_array() || elements.empty()) return false;
            const std::string type_root = string_of(elements.front(), "path");
            std::string slice_path, slice_id;
            for (std::size_t i = 1; i < elements.size(); ++i) {
                if (!elements[i].is_object()) continue;
                json copy = elements[i];
                std::string id = string_of(copy, "id");
                if (id.empty()) id = synthesize_id(copy, slice_path, slice_id);
                const std::string path = string_of(copy, "path");
                if (!in_group(path, type_root, false) || !in_group(id, type_root, false)) continue;
                copy["id"] = parent_id + id.substr(type_root.size());
                copy["path"] = parent_path + path.substr(type_root.size());
                children.push_back(Node{copy, copy, false});
            }
        }
        if (children.empty() || m_nodes.size() + children.size() > max_snapshot_elements) return false;
        m_nodes.insert(m_nodes.begin() + static_cast<std::ptrdiff_t>(index) + 1,
                       std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
        return true;
    }

    // The choice element among `parent_id`'s children that `name` renames ("valueQuantity" ->
    // "value[x]"), and the type code it picks.
    std::optional<std::pair<std::size_t, std::string>> find_renamed_choice(const std::string& parent_id,
                                                                           const std::string& name) const {
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            const std::string id = m_nodes[i].id();
            if (!starts_with(id, parent_id + ".") || id.size() < 3 || id.compare(id.size() - 3, 3, "[x]") != 0)
                continue;
            const std::string choice = id.substr(parent_id.size() + 1, id.size() - parent_id.size() - 4);
            if (choice.find_first_of(".:") != std::string::npos || !starts_with(name, choice) ||
                name.size() == choice.size())
                continue;
            const std::string suffix = name.substr(choice.size());
            if (auto types = m_nodes[i].element.find("type"); types != m_nodes[i].element.end() && types->is_array())
                for (const auto& type : *types)
                    if (capitalized(type_code_of(type)) == suffix) return std::make_pair(i, type_code_of(type));
            if (std::string code = fhirpath::choice_suffix_type(suffix); !code.empty()) return std::make_pair(i, code);
        }
        return std::nullopt;
    }

    static void narrow_types(json& element, const std::string& code) {
        auto types = element.find("type");
        if (types == element.end() || !types->is_array()) {
            element["type"] = json::array({json{{"code", code}}});
            return;
        }
        json kept = json::array();
        for (const auto& type : *types)
            if (type_code_of(type) == code) kept.push_back(type);
        if (kept.empty()) kept.push_back(json{{"code", code}});
        *types = std::move(kept);
    }

    // Creates the slice `slice` of the element at `entry` (whose id is `entry_id`), inserted
    // after the entry's children and existing slices; its children are copies of the entry's.
    std::optional<std::size_t> create_slice(std::size_t entry, const std::string& entry_id, const std::string& slice,
                                            const std::string& renamed_type) {
        std::string sliced_id = entry_id;
        std::optional<std::size_t> sliced = entry;
        if (auto slash = slice.rfind('/'); slash != std::string::npos) { // a reslice: "a/b" slices slice "a"
            sliced_id = entry_id + ":" + slice.substr(0, slash);
            sliced = find(sliced_id);
            if (!sliced) return std::nullopt;
        }
        const std::string new_id = entry_id + ":" + slice;
        // Extensions are always sliced by url, whether or not the differential says so.
        if (sliced == entry && !m_nodes[entry].element.contains("slicing")) {
            bool is_extension = false;
            if (auto types = m_nodes[entry].element.find("type");
                types != m_nodes[entry].element.end() && types->is_array())
                for (const auto& type : *types) is_extension = is_extension || type_code_of(type) == "Extension";
            if (is_extension)
                m_nodes[entry].element["slicing"] =
                    json{{"discriminator", json::array({json{{"type", "value"}, {"path", "url"}}})},
                         {"ordered", false},
                         {"rules", "open"}};
        }
        std::vector<Node> copies;
        const std::size_t children_end = group_end(*sliced, false);
        for (std::size_t i = *sliced; i < children_end; ++i) {
            if (i != *sliced && !m_nodes[i].copyable) continue;
            json copy = m_nodes[i].original;
            copy["id"] = new_id + m_nodes[i].id().substr(sliced_id.size());
            copies.push_back(Node{copy, copy, true});
        }
        json& root = copies.front().element;
        root.erase("slicing");
        root["sliceName"] = slice;
        if (!renamed_type.empty()) narrow_types(root, renamed_type);
        copies.front().original = root;
        if (m_nodes.size() + copies.size() > max_snapshot_elements) return std::nullopt;
        const std::size_t at = group_end(*sliced, true);
        m_nodes.insert(m_nodes.begin() + static_cast<std::ptrdiff_t>(at), std::make_move_iterator(copies.begin()),
                       std::make_move_iterator(copies.end()));
        return at;
    }

    // The node a differential element id designates, creating slices and unrolling types on
    // the way; std::nullopt when it matches nothing.
    std::optional<std::size_t> resolve(const std::string& id, const json& diff) {
        auto segments = split_id(id);
        if (segments.empty() || segments.size() > max_id_segments) return std::nullopt;
        std::size_t current = 0;
        std::string current_id = m_nodes[0].id();
        if (segments[0].name != current_id && !m_specialization) return std::nullopt;
        for (std::size_t i = 1; i < segments.size(); ++i) {
            Segment segment = segments[i];
            unroll(current);
            std::string child_id = current_id + "." + segment.name;
            std::string renamed_type;
            auto child = find(child_id);
            if (!child) {
                if (auto choice = find_renamed_choice(current_id, segment.name)) {
                    child = choice->first;
                    child_id = m_nodes[*child].id();
                    renamed_type = choice->second;
                    // Inside a slice the R4 tools narrow the choice itself; elsewhere they also
                    // record the renaming as a closed type slice of the choice.
                    const bool inside_slice = child_id.find(':') != std::string::npos;
                    if (segment.slice.empty() && !inside_slice) segment.slice = segment.name;
                    // R4 tools record a renamed choice as a closed type slice of the choice.
                    json& choice_element = m_nodes[*child].element;
                    if (!inside_slice && !choice_element.contains("slicing"))
                        choice_element["slicing"] =
                            json{{"discriminator", json::array({json{{"type", "type"}, {"path", "$this"}}})},
                                 {"ordered", false},
                                 {"rules", "closed"}};
                    narrow_types(choice_element, renamed_type);
                } else if (m_specialization && i + 1 == segments.size() && segment.slice.empty()) {
                    child = add_new_element(current, child_id, diff);
                }
            }
            if (!child) return std::nullopt;
            if (!segment.slice.empty()) {
                if (renamed_type.empty() && child_id.size() > 3 &&
                    child_id.compare(child_id.size() - 3, 3, "[x]") == 0) {
                    // "value[x]:valueQuantity" written as a slice: the same renaming.
                    const std::string choice = segment.name.substr(0, segment.name.size() - 3);
                    if (auto types = m_nodes[*child].element.find("type");
                        types != m_nodes[*child].element.end() && types->is_array())
                        for (const auto& type : *types)
                            if (choice + capitalized(type_code_of(type)) == segment.slice)
                                renamed_type = type_code_of(type);
                }
                const std::string slice_id = child_id + ":" + segment.slice;
                auto slice = find(slice_id);
                if (!slice) slice = create_slice(*child, child_id, segment.slice, renamed_type);
                if (!slice) return std::nullopt;
                child = slice;
                child_id = slice_id;
            }
            current = *child;
            current_id = child_id;
        }
        return current;
    }

    // A new element of a specialization, after the last descendant of its parent.
    std::optional<std::size_t> add_new_element(std::size_t parent, const std::string& id, const json& diff) {
        if (m_nodes.size() >= max_snapshot_elements) return std::nullopt;
        const std::size_t at = group_end(parent, true);
        json element = json::object();
        element["id"] = id;
        element["path"] = string_of(diff, "path").empty() ? id : string_of(diff, "path");
        json base = json::object();
        base["path"] = element["path"];
        base["min"] = diff.contains("min") ? diff["min"] : json(0);
        base["max"] = diff.contains("max") ? diff["max"] : json("*");
        element["base"] = std::move(base);
        m_nodes.insert(m_nodes.begin() + static_cast<std::ptrdiff_t>(at), Node{element, element, true});
        return at;
    }

    static void merge_array_unique(json& target, const json& additions, const char* key_field) {
        if (!target.is_array()) target = json::array();
        for (const auto& item : additions) {
            bool present = false;
            for (const auto& existing : target) {
                if (key_field && item.is_object() && existing.is_object()) {
                    if (string_of(existing, key_field) == string_of(item, key_field) &&
                        !string_of(item, key_field).empty()) {
                        present = true;
                        break;
                    }
                } else if (existing == item) {
                    present = true;
                    break;
                }
            }
            if (!present) target.push_back(item);
        }
    }

    void constrain(json& element, const json& diff) {
        for (const auto& [key, value] : diff.items()) {
            if (key == "id" || key == "path" || key == "base") continue;
            if (key == "constraint" && value.is_array()) {
                json additions = value;
                for (auto& constraint : additions)
                    if (constraint.is_object() && !constraint.contains("source") && !m_url.empty())
                        constraint["source"] = m_url;
                merge_array_unique(element["constraint"], additions, "key");
            } else if ((key == "condition" || key == "alias") && value.is_array()) {
                merge_array_unique(element[key], value, nullptr);
            } else if (key == "mapping" && value.is_array()) {
                merge_array_unique(element[key], value, nullptr);
            } else if ((key == "binding" || key == "slicing") && value.is_object() && element.contains(key) &&
                       element[key].is_object()) {
                for (const auto& [field, field_value] : value.items()) element[key][field] = field_value;
                if (key == "binding" && value.contains("valueSet") && !value.contains("description"))
                    element[key].erase("description");
            } else {
                element[key] = value;
            }
        }
    }

    void apply(const json& diff) {
        std::string id = string_of(diff, "id");
        if (id.empty()) id = synthesize_id(diff, m_diff_slice_path, m_diff_slice_id);
        if (id.empty()) return;
        auto index = resolve(id, diff);
        if (!index) {
            if (m_unmatched.insert(id).second)
                m_problems.report(formats::Severity::warning, "fhir.snapshot.unmatched-element",
                                  "The differential element " + id + " of " + m_url +
                                      " matches no element of its base.",
                                  formats::Location{m_url, 0, 0, {}});
            return;
        }
        constrain(m_nodes[*index].element, diff);
    }

    const json& m_profile;
    const StructureLookup& m_lookup;
    formats::Diagnostics& m_problems;
    std::string m_url;
    bool m_specialization = false;
    std::vector<Node> m_nodes;
    std::set<std::string> m_unmatched;
    std::string m_diff_slice_path, m_diff_slice_id;
};

} // namespace

std::optional<nlohmann::json> generate_snapshot(const nlohmann::json& profile, const StructureLookup& lookup,
                                                formats::Diagnostics& problems) {
    if (!profile.is_object()) return std::nullopt;
    return SnapshotBuilder(profile, lookup, problems).build();
}

} // namespace healthdoc::fhir
