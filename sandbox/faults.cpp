#include "sandbox/faults.hpp"

#include "formats/errors.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace healthdoc::sandbox {
namespace {

int to_int(const std::string& key, const std::string& value, int minimum, int maximum) {
    try {
        std::size_t used = 0;
        int number = std::stoi(value, &used);
        if (used == value.size() && number >= minimum && number <= maximum) return number;
    } catch (const std::exception&) {
    }
    throw UsageError("fault: " + key + " must be a whole number from " + std::to_string(minimum) + " to " +
                     std::to_string(maximum) + ", got '" + value + "'");
}

void apply(FaultRule& rule, const std::string& key, const std::string& value) {
    if (key == "status") rule.status = to_int(key, value, 100, 599);
    else if (key == "retry-after") rule.retry_after = to_int(key, value, 0, 86400);
    else if (key == "delay-ms") rule.delay_ms = to_int(key, value, 0, 600000);
    else if (key == "count") rule.count = to_int(key, value, 0, 1000000000);
    else if (key == "skip") rule.skip = to_int(key, value, 0, 1000000000);
    else if (key == "path") rule.path = value;
    else if (key == "method") rule.method = value;
    else if (key == "drop") {
        if (value == "before-store") rule.drop = DropPoint::before_store;
        else if (value == "after-store") rule.drop = DropPoint::after_store;
        else throw UsageError("fault: drop must be before-store or after-store, got '" + value + "'");
    } else if (key == "random") {
        try {
            std::size_t used = 0;
            rule.probability = std::stod(value, &used);
            if (used != value.size() || rule.probability < 0 || rule.probability > 1) throw std::invalid_argument(value);
        } catch (const std::exception&) {
            throw UsageError("fault: random must be a probability from 0 to 1, got '" + value + "'");
        }
    } else {
        throw UsageError("fault: unknown key '" + key +
                         "' (status, retry-after, delay-ms, drop, count, skip, random, path, method)");
    }
}

void check(const FaultRule& rule) {
    if (rule.status == 0 && rule.delay_ms == 0 && rule.drop == DropPoint::none)
        throw UsageError("fault: a rule needs status=, delay-ms= or drop=");
    if (rule.status != 0 && rule.drop != DropPoint::none)
        throw UsageError("fault: a rule cannot both answer a status and drop the connection");
}

} // namespace

FaultRule parse_fault_rule(const std::string& text) {
    FaultRule rule;
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');) {
        if (item.empty()) continue;
        auto equals = item.find('=');
        if (equals == std::string::npos) throw UsageError("fault: expected key=value, got '" + item + "'");
        apply(rule, item.substr(0, equals), item.substr(equals + 1));
    }
    check(rule);
    return rule;
}

std::vector<FaultRule> read_fault_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the fault file " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded() || !json.is_array())
        throw UsageError("the fault file " + path.string() + " must hold a JSON array of rule objects");
    std::vector<FaultRule> rules;
    for (const auto& object : json) {
        if (!object.is_object()) throw UsageError("the fault file " + path.string() + " holds a non-object rule");
        FaultRule rule;
        for (const auto& [key, value] : object.items()) {
            std::string text_value;
            if (value.is_string()) text_value = value.get<std::string>();
            else if (value.is_number_integer()) text_value = std::to_string(value.get<long long>());
            else if (value.is_number()) text_value = std::to_string(value.get<double>());
            else throw UsageError("fault file: " + key + " must be a string or a number");
            apply(rule, key, text_value);
        }
        check(rule);
        rules.push_back(rule);
    }
    return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules, std::uint64_t seed) : m_random(seed) {
    for (auto& rule : rules) m_rules.push_back(State{std::move(rule), 0, 0});
}

FaultDecision FaultInjector::decide(const std::string& method, const std::string& path) {
    FaultDecision decision;
    if (m_rules.empty()) return decision;
    std::lock_guard lock(m_mutex);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (auto& state : m_rules) {
        const auto& rule = state.rule;
        if (!rule.method.empty() && rule.method != method) continue;
        if (!rule.path.empty() && path.rfind(rule.path, 0) != 0) continue;
        if (state.seen++ < rule.skip) continue;
        if (rule.count >= 0 && state.fired >= rule.count) continue;
        if (rule.probability < 1.0 && uniform(m_random) >= rule.probability) continue;
        ++state.fired;
        decision.delay_ms += rule.delay_ms;
        bool decided = decision.status != 0 || decision.drop != DropPoint::none;
        if (!decided && rule.status != 0) {
            decision.status = rule.status;
            decision.retry_after = rule.retry_after;
        } else if (!decided && rule.drop != DropPoint::none) {
            decision.drop = rule.drop;
        }
    }
    return decision;
}

} // namespace healthdoc::sandbox
