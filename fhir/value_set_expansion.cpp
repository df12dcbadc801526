#include "fhir/value_set_expansion.hpp"

#include "fhir/fhirpath/quantity.hpp"

#include <utility>

namespace healthdoc::fhir {

namespace {

constexpr int k_max_contains_depth = 32;

std::string text_of(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string_view view_of(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || !found->is_string()) return {};
    return found->get_ref<const std::string&>();
}

const nlohmann::json* array_of(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_array() ? &*found : nullptr;
}

// An empty SystemCodes for `system`, with the case rule of its code system or grammar.
SystemCodes codes_for(std::string_view system, const CodeSystemIndex* index) {
    SystemCodes codes;
    codes.system = std::string(system);
    if (index)
        codes.case_sensitive = index->case_sensitive();
    else
        codes.case_sensitive = !grammar_case_insensitive(grammar_of(system));
    return codes;
}

Expansion single(SystemCodes codes) {
    Expansion expansion;
    std::string system = codes.system;
    expansion.systems.emplace(std::move(system), std::move(codes));
    return expansion;
}

Expansion unknown_part(std::string_view system, std::string reason) {
    Expansion expansion;
    if (system.empty()) {
        expansion.unknown_any = std::move(reason);
        return expansion;
    }
    SystemCodes codes = codes_for(system, nullptr);
    codes.unknown = std::move(reason);
    return single(std::move(codes));
}

void add_code(SystemCodes& into, std::string key, std::string_view display) {
    auto [found, inserted] = into.codes.try_emplace(std::move(key), display);
    if (!inserted && found->second.empty()) found->second = display;
}

// Every concept of the code system, as keys (to turn `whole` into a finite set).
template <typename Visit> void for_each_known(const SystemCodes& codes, Visit visit) {
    for (const auto& [key, display] : codes.codes) visit(key, display);
    if (codes.whole)
        for (const auto& concept_entry : codes.whole->concepts()) {
            std::string key = codes.key(concept_entry.code);
            if (!codes.excluded.count(key) && !codes.codes.count(key)) visit(key, concept_entry.display);
        }
}

bool known_member(const SystemCodes& codes, const std::string& key) { return codes.test(key) == Membership::member; }

void join_reason(std::string& into, const std::string& reason) {
    if (into.empty()) into = reason;
}

SystemCodes unite(SystemCodes a, SystemCodes b) {
    std::unordered_set<std::string> excluded;
    for (const auto* side : {&a.excluded, &b.excluded})
        for (const std::string& key : *side)
            if (!known_member(a, key) && !known_member(b, key)) excluded.insert(key);
    for (auto& [key, display] : b.codes) add_code(a, key, display);
    if (!a.whole) a.whole = b.whole;
    if (a.grammar == CodeGrammar::none || (!a.ucum_comparable_to.empty() && b.grammar != CodeGrammar::none)) {
        if (b.grammar != CodeGrammar::none) {
            a.grammar = b.grammar;
            a.ucum_comparable_to = b.ucum_comparable_to;
        }
    }
    a.excluded = std::move(excluded);
    join_reason(a.unknown, b.unknown);
    join_reason(a.unknown_exclusion, b.unknown_exclusion);
    return a;
}

SystemCodes intersect(const SystemCodes& a, const SystemCodes& b) {
    SystemCodes result;
    result.system = a.system;
    result.case_sensitive = a.case_sensitive;
    if (a.whole && a.whole == b.whole) result.whole = a.whole;
    if (a.grammar != CodeGrammar::none && a.grammar == b.grammar && a.ucum_comparable_to == b.ucum_comparable_to)
        result.grammar = a.grammar;
    result.ucum_comparable_to = result.grammar == CodeGrammar::none ? "" : a.ucum_comparable_to;
    if (result.whole || result.grammar != CodeGrammar::none) {
        result.excluded = a.excluded;
        result.excluded.insert(b.excluded.begin(), b.excluded.end());
    }
    if (!a.whole || !b.whole) { // what `whole` alone does not cover, enumerated
        for_each_known(a, [&](const std::string& key, std::string_view display) {
            if (known_member(b, key)) add_code(result, key, display);
        });
        for_each_known(b, [&](const std::string& key, std::string_view display) {
            if (known_member(a, key)) add_code(result, key, display);
        });
    }
    join_reason(result.unknown_exclusion, a.unknown_exclusion);
    join_reason(result.unknown_exclusion, b.unknown_exclusion);
    return result;
}

Expansion intersect(const Expansion& a, const Expansion& b) {
    Expansion result;
    for (const auto& [system, codes] : a.systems) {
        auto other = b.systems.find(system);
        if (other != b.systems.end()) result.systems.emplace(system, intersect(codes, other->second));
    }
    return result;
}

void unite(Expansion& into, Expansion part) {
    for (auto& [system, codes] : part.systems) {
        auto found = into.systems.find(system);
        if (found == into.systems.end())
            into.systems.emplace(system, std::move(codes));
        else
            found->second = unite(std::move(found->second), std::move(codes));
    }
    join_reason(into.unknown_any, part.unknown_any);
}

void subtract(SystemCodes& from, const SystemCodes& removed) {
    if (!removed.unknown.empty()) {
        join_reason(from.unknown_exclusion, removed.unknown);
        return;
    }
    if (!removed.finite()) {
        const bool covers_whole = !from.whole || from.whole == removed.whole;
        const bool covers_grammar = from.grammar == CodeGrammar::none ||
                                    (from.grammar == removed.grammar && removed.ucum_comparable_to.empty());
        if (!covers_whole || !covers_grammar) {
            join_reason(from.unknown_exclusion,
                        "an exclude of " + describe_system(from.system) + " could not be applied offline");
            return;
        }
        // Everything of the system is removed but what `removed` itself excluded.
        SystemCodes kept = codes_for(from.system, from.whole);
        kept.case_sensitive = from.case_sensitive;
        kept.unknown = from.unknown;
        kept.unknown_exclusion = from.unknown_exclusion;
        for_each_known(from, [&](const std::string& key, std::string_view display) {
            if (!known_member(removed, key)) add_code(kept, key, display);
        });
        for (const std::string& key : removed.excluded)
            if (from.grammar != CodeGrammar::none && from.test(key) == Membership::member) add_code(kept, key, {});
        from = std::move(kept);
        return;
    }
    for (const auto& [key, display] : removed.codes) {
        from.codes.erase(key);
        if (!from.finite()) from.excluded.insert(key);
    }
}

void subtract(Expansion& from, const Expansion& removed) {
    if (!removed.unknown_any.empty())
        for (auto& [system, codes] : from.systems) join_reason(codes.unknown_exclusion, removed.unknown_any);
    for (const auto& [system, codes] : removed.systems) {
        auto found = from.systems.find(system);
        if (found != from.systems.end()) subtract(found->second, codes);
    }
}

class Expander {
public:
    Expander(const nlohmann::json& value_set, const ExpansionSources& sources)
        : m_value_set(value_set), m_sources(sources) {}

    std::shared_ptr<Expansion> run() {
        auto result = std::make_shared<Expansion>();
        auto compose = m_value_set.find("compose");
        if (compose == m_value_set.end() || !compose->is_object()) {
            auto expansion = m_value_set.find("expansion");
            if (expansion != m_value_set.end() && expansion->is_object()) {
                read_contains(*expansion, *result, 0);
            } else {
                result->unknown_any = "it has neither a compose nor an expansion";
            }
            return result;
        }
        if (const nlohmann::json* includes = array_of(*compose, "include"))
            for (const auto& include : *includes)
                if (include.is_object()) unite(*result, part(include));
        if (const nlohmann::json* excludes = array_of(*compose, "exclude"))
            for (const auto& exclude : *excludes)
                if (exclude.is_object()) subtract(*result, part(exclude));
        return result;
    }

private:
    void read_contains(const nlohmann::json& node, Expansion& into, int depth) {
        const nlohmann::json* contains = array_of(node, "contains");
        if (!contains || depth > k_max_contains_depth) return;
        for (const auto& entry : *contains) {
            if (!entry.is_object()) continue;
            const std::string system = text_of(entry, "system");
            const std::string_view code = view_of(entry, "code");
            if (!system.empty() && !code.empty()) {
                auto found = into.systems.find(system);
                if (found == into.systems.end())
                    found = into.systems
                                .emplace(system,
                                         codes_for(system, m_sources.code_system(system, text_of(entry, "version"))))
                                .first;
                add_code(found->second, found->second.key(code), view_of(entry, "display"));
            }
            read_contains(entry, into, depth + 1);
        }
    }

    // One include or exclude: the system part intersected with every imported value set.
    Expansion part(const nlohmann::json& clause) {
        const std::string system = text_of(clause, "system");
        std::vector<Expansion> operands;
        if (!system.empty()) operands.push_back(system_part(clause, system));
        if (const nlohmann::json* imports = array_of(clause, "valueSet")) {
            for (const auto& import : *imports) {
                if (!import.is_string()) continue;
                const std::string url = import.get<std::string>();
                std::string why_not;
                auto imported = m_sources.value_set(url, why_not);
                if (!imported) return unknown_part(system, why_not);
                if (!imported->complete()) {
                    const std::string missing = imported->missing();
                    // A missing imported value set names itself; other reasons say where they come from.
                    const bool names_it = missing.find(url) != std::string::npos;
                    return unknown_part(system, names_it ? missing : "the imported value set " + url + ": " + missing);
                }
                operands.push_back(*imported);
            }
        }
        if (operands.empty()) return {};
        if (operands.size() == 1) return std::move(operands.front());
        if (!operands.front().complete()) return unknown_part(system, operands.front().missing());
        Expansion result = std::move(operands.front());
        for (std::size_t i = 1; i < operands.size(); ++i) result = intersect(result, operands[i]);
        return result;
    }

    Expansion system_part(const nlohmann::json& clause, const std::string& system) {
        const std::string version = text_of(clause, "version");
        const CodeSystemIndex* index = m_sources.code_system(system, version);
        const CodeGrammar grammar = grammar_of(system);
        SystemCodes codes = codes_for(system, index);
        const std::string unavailable = code_system_unavailable(system, index);
        const bool usable = unavailable.empty();

        if (const nlohmann::json* concepts = array_of(clause, "concept")) {
            for (const auto& concept_json : *concepts) {
                const std::string_view code = view_of(concept_json, "code");
                if (code.empty()) continue;
                std::string_view display = view_of(concept_json, "display");
                if (usable && index)
                    if (const auto* defined = index->find(code); defined && !defined->display.empty())
                        display = defined->display;
                add_code(codes, codes.key(code), display);
            }
            return single(std::move(codes));
        }
        const nlohmann::json* filters = array_of(clause, "filter");
        if (grammar != CodeGrammar::none && (!index || !usable))
            return grammar_part(std::move(codes), grammar, filters);
        if (!usable) return unknown_part(system, unavailable);
        if (index->content() == "fragment")
            codes.unknown = describe_system(system) + " is only a fragment in the loaded packages";
        if (!filters || filters->empty()) {
            codes.whole = index;
            return single(std::move(codes));
        }
        std::optional<std::vector<std::uint32_t>> selected;
        for (const auto& filter : *filters) {
            std::string why_not;
            auto matches =
                index->select(view_of(filter, "property"), view_of(filter, "op"), view_of(filter, "value"), why_not);
            if (!matches) return unknown_part(system, describe_system(system) + ": " + why_not);
            if (!selected) {
                selected = std::move(matches);
                continue;
            }
            std::unordered_set<std::uint32_t> keep(matches->begin(), matches->end());
            std::vector<std::uint32_t> both;
            for (std::uint32_t i : *selected)
                if (keep.count(i)) both.push_back(i);
            selected = std::move(both);
        }
        for (std::uint32_t i : *selected) {
            const auto& concept_entry = index->concepts()[i];
            add_code(codes, codes.key(concept_entry.code), concept_entry.display);
        }
        return single(std::move(codes));
    }

    // All the well-formed codes of a grammar system; of filters, only UCUM's canonical unit.
    Expansion grammar_part(SystemCodes codes, CodeGrammar grammar, const nlohmann::json* filters) {
        codes.grammar = grammar;
        if (filters) {
            for (const auto& filter : *filters) {
                const std::string_view property = view_of(filter, "property");
                const std::string_view op = view_of(filter, "op");
                if (grammar == CodeGrammar::ucum && property == "canonical" && op == "=") {
                    codes.ucum_comparable_to = text_of(filter, "value");
                    continue;
                }
                return unknown_part(codes.system, describe_system(codes.system) + ": its filter '" +
                                                      std::string(property) + " " + std::string(op) +
                                                      "' is not supported offline");
            }
        }
        return single(std::move(codes));
    }

    const nlohmann::json& m_value_set;
    const ExpansionSources& m_sources;
};

} // namespace

std::string SystemCodes::key(std::string_view code) const {
    return case_sensitive ? std::string(code) : fold_case(code);
}

Membership SystemCodes::test(std::string_view code) const {
    const std::string k = key(code);
    if (excluded.count(k)) return Membership::not_member;
    if (codes.count(k)) return Membership::member;
    if (whole && whole->find(code)) return Membership::member;
    if (grammar != CodeGrammar::none && grammar_accepts(grammar, code)) {
        if (ucum_comparable_to.empty()) return Membership::member;
        // The FHIRPath quantity model knows the common units only: a unit it cannot place is
        // left undecided rather than declared outside the dimension.
        if (fhirpath::units_comparable(code, ucum_comparable_to)) return Membership::member;
        if (fhirpath::units_comparable(code, code) &&
            fhirpath::units_comparable(ucum_comparable_to, ucum_comparable_to))
            return Membership::not_member;
        return Membership::unknown;
    }
    return Membership::not_member;
}

std::optional<std::string> SystemCodes::display(std::string_view code) const {
    if (auto found = codes.find(key(code)); found != codes.end() && !found->second.empty())
        return std::string(found->second);
    if (whole)
        if (const auto* concept_entry = whole->find(code); concept_entry && !concept_entry->display.empty())
            return std::string(concept_entry->display);
    return std::nullopt;
}

bool Expansion::complete() const { return missing().empty(); }

std::string Expansion::missing() const {
    if (!unknown_any.empty()) return unknown_any;
    for (const auto& [system, codes] : systems) {
        if (!codes.unknown.empty()) return codes.unknown;
        if (!codes.unknown_exclusion.empty()) return codes.unknown_exclusion;
    }
    return {};
}

std::shared_ptr<Expansion> expand_value_set(const nlohmann::json& value_set, const ExpansionSources& sources) {
    return Expander(value_set, sources).run();
}

std::string code_system_unavailable(std::string_view system, const CodeSystemIndex* index) {
    if (!index) {
        if (grammar_of(system) != CodeGrammar::none) return {};
        return describe_system(system) + " is not in the loaded packages and cannot be expanded offline";
    }
    const std::string& content = index->content();
    if (content == "complete" || content == "fragment") return {};
    return describe_system(system) + " is not available offline (its CodeSystem has content '" + content + "')";
}

std::string describe_system(std::string_view system) {
    static const std::unordered_map<std::string_view, std::string_view> k_names = {
        {"http://snomed.info/sct", "SNOMED CT"},
        {"http://loinc.org", "LOINC"},
        {"http://unitsofmeasure.org", "UCUM"},
        {"http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"},
        {"urn:iso:std:iso:3166", "ISO 3166 country codes"},
        {"urn:iso:std:iso:3166:-2", "ISO 3166-2 subdivision codes"},
        {"urn:iso:std:iso:4217", "ISO 4217 currency codes"},
        {"urn:ietf:bcp:47", "BCP-47 language tags"},
        {"urn:ietf:bcp:13", "MIME types"},
        {"http://hl7.org/fhir/sid/icd-10", "ICD-10"},
        {"http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM"},
        {"http://hl7.org/fhir/sid/cvx", "CVX"},
        {"http://hl7.org/fhir/sid/ndc", "NDC"},
        {"http://www.ama-assn.org/go/cpt", "CPT"},
        {"http://dicom.nema.org/resources/ontology/DCM", "DICOM"},
        {"http://nucc.org/provider-taxonomy", "NUCC provider taxonomy"},
        {"urn:iso:std:iso:11073:10101", "ISO/IEEE 11073"},
        {"http://unstats.un.org/unsd/methods/m49/m49.htm", "UN M49 regions"},
        {"https://www.iana.org/time-zones", "IANA time zones"},
    };
    auto found = k_names.find(system);
    if (found == k_names.end()) return std::string(system);
    return std::string(found->second) + " (" + std::string(system) + ")";
}

} // namespace healthdoc::fhir
