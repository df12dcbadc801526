// Value sets (the ANS "jeux de valeurs", JDV) for checking coded header elements: built in for
// the sets a CDA header needs, and read from IHE SVS files (an installed ANS pack's
// jeuxDeValeurs/, or --value-sets DIR), which replace the built-in set of the same OID.
#pragma once

#include "formats/diagnostic.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace healthdoc::cda {

// OIDs of the sets the header rules bind.
namespace value_set_oid {
inline constexpr const char* author_specialty = "1.2.250.1.213.1.1.5.461";        // J01
inline constexpr const char* facility_type = "1.2.250.1.213.1.1.5.466";           // J02
inline constexpr const char* practice_setting = "1.2.250.1.213.1.1.5.467";        // J04
inline constexpr const char* type_code = "1.2.250.1.213.1.1.5.471";               // J07
inline constexpr const char* confidentiality = "2.16.840.1.113883.1.11.10228";    // HL7
inline constexpr const char* gender = "1.2.250.1.213.1.1.5.590";                  // J143
inline constexpr const char* function_code = "1.2.250.1.213.1.1.5.124";           // J47
inline constexpr const char* participation_type = "1.2.250.1.213.1.1.5.591";      // J144
inline constexpr const char* encounter_participation = "1.2.250.1.213.1.1.5.528"; // J140
inline constexpr const char* role_class = "1.2.250.1.213.1.1.5.588";              // J141
inline constexpr const char* encounter_type = "1.2.250.1.213.1.1.5.589";          // J142
inline constexpr const char* civility = "1.2.250.1.213.1.1.5.718";                // J245
inline constexpr const char* title = "1.2.250.1.213.1.1.5.719";                   // J246
inline constexpr const char* patient_relation = "1.2.250.1.213.3.3.16";           // J11
} // namespace value_set_oid

struct ValueSetConcept {
    std::string code, code_system, display_name;
};

class ValueSet {
public:
    ValueSet(std::string oid, std::string name, std::string source);
    const std::string& oid() const noexcept { return m_oid; }
    const std::string& name() const noexcept { return m_name; }
    // "built-in" or the file it was read from.
    const std::string& source() const noexcept { return m_source; }
    std::size_t size() const noexcept { return m_concepts.size(); }
    void add(ValueSetConcept concept_);
    // The concept with this code in this code system, or nullptr.
    const ValueSetConcept* find(std::string_view code, std::string_view code_system) const;
    // The first concept with this code in any code system, or nullptr.
    const ValueSetConcept* find_code(std::string_view code) const;

private:
    std::string m_oid, m_name, m_source;
    std::vector<ValueSetConcept> m_concepts;
    std::map<std::pair<std::string, std::string>, std::size_t, std::less<>> m_index;
};

class ValueSets {
public:
    // The built-in sets only.
    static ValueSets builtin();

    // Reads every *.xml file of `folder` (not recursive) that is an IHE SVS value set
    // (RetrieveValueSetResponse/ValueSet) or an ART-DECOR one (valueSet/conceptList); others are
    // skipped. A set replaces one of the same OID. Unreadable files become warnings
    // `cda.value-sets.unreadable`. Returns how many sets were read.
    std::size_t load_folder(const std::filesystem::path& folder, formats::Diagnostics& out);
    // Reads one file as above; false when it holds no value set.
    bool load_file(const std::filesystem::path& file, formats::Diagnostics& out);

    const ValueSet* find(std::string_view oid) const;
    std::size_t size() const noexcept { return m_sets.size(); }
    std::vector<const ValueSet*> all() const;

private:
    std::map<std::string, ValueSet, std::less<>> m_sets;
};

// The sets the header rules use: the built-in ones, then the jeuxDeValeurs/ of the installed
// ANS pack (in `rules_dir` or the usual place), then `folder` (--value-sets), each replacing the
// sets it defines. Throws UsageError when `folder` is given but is not a readable folder.
ValueSets load_value_sets(const std::optional<std::string>& folder, const std::optional<std::string>& rules_dir,
                          formats::Diagnostics& setup);

} // namespace healthdoc::cda
