// Offline terminology: ValueSets expanded locally from the loaded definitions (enumerated
// concepts, whole code systems, include/exclude, imported value sets, and the filters the
// definitions use: is-a, descendent-of, is-not-a, =, in, regex, exists, generalizes), and
// CodeSystem look-ups. What needs a terminology server (SNOMED CT, LOINC, a CodeSystem that is
// not complete in the package, a filter we do not support) is answered `unknown` with the
// reason, never a false "not a member".
#pragma once

#include "fhir/definitions.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir {

enum class Membership { member, not_member, unknown };

struct CodeCheck {
    Membership membership = Membership::unknown;
    // For not_member or unknown: why, in one sentence that names the value set or code system
    // ("the value set http://hl7.org/fhir/ValueSet/... includes all of SNOMED CT, which cannot
    // be expanded offline"). Never contains patient data beyond the code itself.
    std::string reason;
    // The display the code system gives the code, when known (for display checks).
    std::optional<std::string> display;
    // The code system the code was found in (when the coding had no system, as for `code`).
    std::string system;
};

class Terminology {
public:
    explicit Terminology(std::shared_ptr<const Definitions> definitions);
    ~Terminology();

    // Whether system|code is in the value set `value_set` (url or url|version). An empty system
    // matches the code in any system of the value set (FHIR `code` elements). Thread-safe;
    // expansions are computed once and cached.
    CodeCheck check(std::string_view value_set, std::string_view system, std::string_view code) const;

    // Whether `code` is defined by the code system `system` (a CodeSystem of the definitions
    // with content "complete"); unknown when the system is not available or not complete.
    CodeCheck check_in_system(std::string_view system, std::string_view code) const;

    // Whether the value set can be expanded offline; when not, why.
    std::optional<std::string> why_not_expandable(std::string_view value_set) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace healthdoc::fhir
