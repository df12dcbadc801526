// A ValueSet expanded offline (FHIR R4 ValueSet.compose): per code system, the codes it holds,
// kept compact so that a value set of a whole large code system costs no copy of it (a pointer
// to the code system's index, minus the excluded codes), and a grammar code system (UCUM,
// BCP-47, MIME types) is a syntax check. What could not be expanded is recorded as a reason:
// a code found among the known codes is a member, a code not found may still be one.
#pragma once

#include "fhir/code_grammars.hpp"
#include "fhir/code_system_index.hpp"
#include "fhir/terminology.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace healthdoc::fhir {

// The codes of one code system in an expansion.
struct SystemCodes {
    std::string system;
    bool case_sensitive = true;
    const CodeSystemIndex* whole = nullptr;                  // every concept of this code system
    CodeGrammar grammar = CodeGrammar::none;                 // every well-formed code
    std::string ucum_comparable_to;                          // with grammar ucum: units of this dimension only
    std::unordered_map<std::string, std::string_view> codes; // key() -> display (may be empty)
    std::unordered_set<std::string> excluded;                // keys taken out of `whole` / `grammar`
    std::string unknown;           // when set, a code not found here may still be a member (why)
    std::string unknown_exclusion; // when set, a code found here may have been excluded (why)

    std::string key(std::string_view code) const;
    // Membership among the known codes; unknown only for what a grammar filter cannot decide.
    Membership test(std::string_view code) const;
    // The display of a member code: the code system's, else the value set's.
    std::optional<std::string> display(std::string_view code) const;
    bool finite() const { return !whole && grammar == CodeGrammar::none; }
};

struct Expansion {
    std::unordered_map<std::string, SystemCodes> systems;
    // When set, codes of any system may be members (an imported value set could not be expanded).
    std::string unknown_any;

    bool complete() const;
    // The first reason the expansion is partial, or "" when complete.
    std::string missing() const;
};

// Where the expansion finds what a compose refers to.
struct ExpansionSources {
    // The expansion of an imported value set (url or url|version); nullptr with `why_not` set when
    // the value set is unknown or imports itself.
    std::function<std::shared_ptr<const Expansion>(std::string_view url, std::string& why_not)> value_set;
    // The index of a CodeSystem of the definitions (any content); nullptr when absent.
    std::function<const CodeSystemIndex*(std::string_view system, std::string_view version)> code_system;
};

// Expands ValueSet.compose, or takes ValueSet.expansion when there is no compose. Reasons name
// what is missing ("SNOMED CT (http://snomed.info/sct) is not available offline").
std::shared_ptr<Expansion> expand_value_set(const nlohmann::json& value_set, const ExpansionSources& sources);

// Why the code system cannot be used offline ("" when it can), and whether it is only a fragment.
std::string code_system_unavailable(std::string_view system, const CodeSystemIndex* index);

// "SNOMED CT (http://snomed.info/sct)" for well-known systems, else the URL.
std::string describe_system(std::string_view system);

} // namespace healthdoc::fhir
