#include "fhir/terminology.hpp"

#include "fhir/code_grammars.hpp"
#include "fhir/code_system_index.hpp"
#include "fhir/value_set_expansion.hpp"

#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

namespace healthdoc::fhir {

namespace {

constexpr std::size_t k_max_import_depth = 64;

// "url|version" -> url, version.
std::pair<std::string_view, std::string_view> split_version(std::string_view canonical) {
    const std::size_t bar = canonical.find('|');
    if (bar == std::string_view::npos) return {canonical, {}};
    return {canonical.substr(0, bar), canonical.substr(bar + 1)};
}

std::string quoted(std::string_view code) {
    // Codes are short; one that is not is cut so that a message stays one sentence.
    constexpr std::size_t k_max = 80;
    std::string text(code.substr(0, k_max));
    if (code.size() > k_max) text += "...";
    return "'" + text + "'";
}

} // namespace

struct Terminology::State {
    std::shared_ptr<const Definitions> definitions;

    // Caches: read under a shared lock; filled by one thread at a time under `compute` (recursive,
    // since an expansion asks for the expansions it imports and the code systems it uses).
    mutable std::shared_mutex cache_lock;
    mutable std::recursive_mutex compute;
    mutable std::unordered_map<std::string, std::shared_ptr<const Expansion>> expansions;
    mutable std::unordered_map<std::string, std::unique_ptr<CodeSystemIndex>> code_systems; // null: absent
    mutable std::set<std::string> expanding; // value sets being expanded (guarded by `compute`)

    const CodeSystemIndex* code_system(std::string_view system, std::string_view version) const {
        std::string key(system);
        if (!version.empty()) key += "|" + std::string(version);
        {
            std::shared_lock lock(cache_lock);
            if (auto found = code_systems.find(key); found != code_systems.end()) return found->second.get();
        }
        std::lock_guard guard(compute);
        {
            std::shared_lock lock(cache_lock);
            if (auto found = code_systems.find(key); found != code_systems.end()) return found->second.get();
        }
        const nlohmann::json* resource = definitions->find("CodeSystem", key);
        // A version the definitions do not have: the loaded one is used (no terminology
        // server to ask for another).
        if (!resource && !version.empty()) resource = definitions->find("CodeSystem", system);
        std::unique_ptr<CodeSystemIndex> index;
        if (resource && resource->is_object()) index = std::make_unique<CodeSystemIndex>(*resource);
        std::unique_lock lock(cache_lock);
        return code_systems.emplace(key, std::move(index)).first->second.get();
    }

    // The expansion of `value_set` (url or url|version); nullptr with `why_not` when the value
    // set is unknown or imports itself.
    std::shared_ptr<const Expansion> expansion(std::string_view value_set, std::string& why_not) const {
        const std::string key(value_set);
        {
            std::shared_lock lock(cache_lock);
            if (auto found = expansions.find(key); found != expansions.end()) return found->second;
        }
        std::lock_guard guard(compute);
        {
            std::shared_lock lock(cache_lock);
            if (auto found = expansions.find(key); found != expansions.end()) return found->second;
        }
        const nlohmann::json* resource = definitions->find("ValueSet", key);
        if (!resource && value_set.find('|') != std::string_view::npos)
            resource = definitions->find("ValueSet", split_version(value_set).first);
        std::shared_ptr<const Expansion> result;
        if (!resource || !resource->is_object()) {
            auto unknown = std::make_shared<Expansion>();
            unknown->unknown_any = "the value set " + key + " is not in the loaded packages";
            result = std::move(unknown);
        } else {
            if (expanding.size() > k_max_import_depth) {
                why_not = "the value sets imported by " + key + " are nested too deeply";
                return nullptr;
            }
            if (!expanding.insert(key).second) {
                why_not = "the value set " + key + " includes itself";
                return nullptr;
            }
            ExpansionSources sources;
            sources.code_system = [this](std::string_view system, std::string_view version) {
                return code_system(system, version);
            };
            sources.value_set = [this, &key](std::string_view url, std::string& reason) {
                std::string inner;
                auto imported = expansion(url, inner);
                if (!imported) reason = inner.empty() ? "the value set " + key + " imports " + std::string(url) : inner;
                return imported;
            };
            try {
                result = expand_value_set(*resource, sources);
            } catch (const std::exception& error) {
                auto broken = std::make_shared<Expansion>();
                broken->unknown_any = "the value set " + key + " could not be expanded (" + error.what() + ")";
                result = std::move(broken);
            }
            expanding.erase(key);
        }
        std::unique_lock lock(cache_lock);
        return expansions.emplace(key, std::move(result)).first->second;
    }
};

Terminology::Terminology(std::shared_ptr<const Definitions> definitions) : m_state(std::make_unique<State>()) {
    m_state->definitions = std::move(definitions);
}

Terminology::~Terminology() = default;

CodeCheck Terminology::check(std::string_view value_set, std::string_view system, std::string_view code) const {
    CodeCheck result;
    std::string why_not;
    auto expansion = m_state->expansion(value_set, why_not);
    const std::string vs(value_set);
    if (!expansion) {
        result.reason = why_not;
        return result;
    }
    const auto cannot_tell = [&](const std::string& reason) {
        result.membership = Membership::unknown;
        result.reason = "the value set " + vs + " cannot be expanded offline: " + reason;
    };
    const auto found_in = [&](const SystemCodes& codes) {
        result.system = codes.system;
        result.display = codes.display(code);
        if (!codes.unknown_exclusion.empty()) return cannot_tell(codes.unknown_exclusion);
        result.membership = Membership::member;
        result.reason.clear();
    };

    if (system.empty()) {
        bool undecided = false;
        for (const auto& [name, codes] : expansion->systems) {
            const Membership membership = codes.test(code);
            if (membership == Membership::member) {
                found_in(codes);
                return result;
            }
            undecided = undecided || membership == Membership::unknown;
        }
        if (const std::string missing = expansion->missing(); !missing.empty()) {
            cannot_tell(missing);
        } else if (undecided) {
            cannot_tell("a unit's dimension cannot be determined offline");
        } else {
            result.membership = Membership::not_member;
            result.reason = "the code " + quoted(code) + " is not in the value set " + vs;
        }
        return result;
    }

    const std::string system_url(split_version(system).first);
    auto found = expansion->systems.find(system_url);
    if (found != expansion->systems.end()) {
        const SystemCodes& codes = found->second;
        const Membership membership = codes.test(code);
        if (membership == Membership::member) {
            found_in(codes);
            return result;
        }
        if (!codes.unknown.empty()) {
            cannot_tell(codes.unknown);
            return result;
        }
        if (membership == Membership::unknown) {
            cannot_tell("the dimension of the unit " + quoted(code) + " cannot be determined offline");
            return result;
        }
    }
    if (!expansion->unknown_any.empty()) {
        cannot_tell(expansion->unknown_any);
        return result;
    }
    result.membership = Membership::not_member;
    result.system = system_url;
    result.reason =
        "the code " + quoted(code) + " of " + describe_system(system_url) + " is not in the value set " + vs;
    return result;
}

CodeCheck Terminology::check_in_system(std::string_view system, std::string_view code) const {
    CodeCheck result;
    const auto [url, version] = split_version(system);
    result.system = std::string(url);
    const CodeSystemIndex* index = m_state->code_system(url, version);
    const CodeGrammar grammar = grammar_of(url);
    const std::string unavailable = code_system_unavailable(url, index);
    if (grammar != CodeGrammar::none && (!index || !unavailable.empty())) {
        result.membership = grammar_accepts(grammar, code) ? Membership::member : Membership::not_member;
        if (result.membership == Membership::not_member)
            result.reason = "the code " + quoted(code) + " is not a valid code of " + describe_system(url);
        return result;
    }
    if (!unavailable.empty()) {
        result.reason = unavailable;
        return result;
    }
    if (const auto* concept_entry = index->find(code)) {
        result.membership = Membership::member;
        if (!concept_entry->display.empty()) result.display = std::string(concept_entry->display);
        return result;
    }
    if (index->content() == "fragment") {
        result.reason = describe_system(url) + " is only a fragment in the loaded packages";
        return result;
    }
    result.membership = Membership::not_member;
    result.reason = "the code " + quoted(code) + " is not defined in the code system " + std::string(url);
    return result;
}

std::optional<std::string> Terminology::why_not_expandable(std::string_view value_set) const {
    std::string why_not;
    auto expansion = m_state->expansion(value_set, why_not);
    if (!expansion) return why_not;
    std::string missing = expansion->missing();
    if (missing.empty()) return std::nullopt;
    return "the value set " + std::string(value_set) + " cannot be expanded offline: " + missing;
}

} // namespace healthdoc::fhir
