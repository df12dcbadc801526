// A StructureDefinition snapshot compiled once into the element tree the validator walks:
// each element with its direct children, its slices, types, fixed/pattern values, binding and
// parsed FHIRPath constraints. Compiled profiles are cached per URL by ProfileCache and shared
// by every thread (immutable once built).
#pragma once

#include "fhir/definitions.hpp"
#include "fhir/fhirpath/expression.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace healthdoc::fhir::validation {

struct TypeRef {
    std::string code;                         // "HumanName", "string", "Reference"
    std::vector<std::string> profiles;        // type.profile
    std::vector<std::string> target_profiles; // type.targetProfile
    // The elementdefinition-profile-element extension of the first profile: the profile's
    // element (by id) the value must conform to, instead of the profile's root.
    std::string profile_element;
};

struct Constraint {
    std::string key;
    formats::Severity severity = formats::Severity::error;
    std::string human;
    std::string expression;
    std::optional<fhirpath::Expression> compiled; // empty when the expression does not parse
    std::string parse_error;
    // When the expression reads only these children of its context (fhirpath::context_members),
    // its result on a value with none of them, computed once and shared by every thread:
    // unknown, false, true or empty (Outcome).
    std::optional<std::vector<std::string>> members;
    enum class Outcome : int { unknown, is_false, is_true, empty };
    std::shared_ptr<std::atomic<Outcome>> outcome_without_members =
        std::make_shared<std::atomic<Outcome>>(Outcome::unknown);
};

struct Binding {
    std::string strength; // required, extensible, preferred, example
    std::string value_set;
};

struct Discriminator {
    std::string type; // value, pattern, type, exists, profile
    std::string path;
};

struct Slicing {
    std::vector<Discriminator> discriminators;
    std::string rules = "open"; // closed, open, openAtEnd
    bool ordered = false;
};

constexpr int unbounded = -1;

struct ElementDef {
    std::string id;
    std::string path;
    std::string name;       // last path segment without "[x]" ("value" for value[x])
    std::string slice_name; // for slice entries
    bool is_choice = false;
    int min = 0;
    int max = unbounded;
    bool repeats = false; // the base definition allows more than one (JSON array)
    bool is_modifier = false;
    std::vector<TypeRef> types;
    int content_reference = -1; // index of the element whose definition this one reuses
    const nlohmann::json* fixed = nullptr;
    const nlohmann::json* pattern = nullptr;
    std::string fixed_type;                    // the suffix of fixed[x]/pattern[x] ("Coding", "Uri")
    const nlohmann::json* min_value = nullptr; // minValue[x]
    const nlohmann::json* max_value = nullptr; // maxValue[x]
    std::string min_value_type;                // the suffix of minValue[x] ("Quantity", "Integer")
    std::string max_value_type;
    std::optional<Binding> binding;
    std::vector<Constraint> constraints;
    std::optional<Slicing> slicing;
    std::vector<int> children; // direct children (not slice entries), in snapshot order
    std::vector<int> slices;   // slice entries of this (sliced) element, in order
};

struct CompiledProfile {
    std::string url;
    std::string type;                 // the type constrained ("Patient", "Extension")
    std::string kind;                 // resource, complex-type, primitive-type, logical
    std::string derivation;           // specialization, constraint
    std::vector<ElementDef> elements; // [0] is the root
    const nlohmann::json* definition = nullptr;

    const ElementDef& root() const { return elements.front(); }
    // The child of `parent` named `json_name` as written in JSON ("valueQuantity" matches
    // value[x] when Quantity is one of its types); -1 when none. `type` receives the type the
    // name selects (for choice elements), else the element's single type code.
    int child_named(const ElementDef& parent, std::string_view json_name, std::string& selected_type) const;
    // The element whose id is `id`; -1 when none.
    int index_of_id(std::string_view id) const;
};

// Compiles `definition` (a StructureDefinition with a snapshot); nullptr when it has none.
std::shared_ptr<const CompiledProfile> compile_profile(const nlohmann::json& definition);

// Compiled profiles by URL or type name, compiled once; thread-safe.
class ProfileCache {
public:
    explicit ProfileCache(const Definitions& definitions);
    // nullptr when unknown (or without snapshot).
    std::shared_ptr<const CompiledProfile> get(std::string_view url_or_type) const;

private:
    // Looked up for almost every value walked: hashed, read under a shared lock, by string_view.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::shared_ptr<const CompiledProfile> get_shared(std::string_view url_or_type) const;
    const Definitions& m_definitions;
    const std::uint64_t m_id; // tells this cache's entries in a thread's front cache
    mutable std::shared_mutex m_mutex;
    mutable std::unordered_map<std::string, std::shared_ptr<const CompiledProfile>, Hash, std::equal_to<>> m_profiles;
};

// The FHIR type named by a snapshot type code: System.String with the fhir-type extension
// becomes that type, otherwise the code itself.
std::string type_code_of(const nlohmann::json& type);

} // namespace healthdoc::fhir::validation
