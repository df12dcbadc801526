// Fault injection for tests of clients: failure statuses, delays and dropped connections,
// fixed in number or random, optionally limited to a path prefix or a method.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace healthdoc::sandbox {

// When a dropped connection is cut: before the request is handled (nothing stored) or after
// (stored, but the client never hears it).
enum class DropPoint { none, before_store, after_store };

// One rule, written `key=value,key=value` (see parse_fault_rule).
struct FaultRule {
    int status = 0;                 // answer this HTTP status instead of handling (0: none)
    int retry_after = -1;           // Retry-After seconds sent with `status` (-1: no header)
    int delay_ms = 0;               // wait this long before going on
    DropPoint drop = DropPoint::none;
    int count = -1;                 // fires this many times, then never again (-1: unlimited)
    int skip = 0;                   // lets this many matching requests through first
    double probability = 1.0;       // fires with this probability (random=P)
    std::string path;               // only requests whose path starts with this ("" = all)
    std::string method;             // only this method ("" = all)
};

// Parses "status=503,count=2", "status=429,retry-after=1,count=1", "random=0.3,status=503",
// "delay-ms=500", "drop=before-store,count=1", "drop=after-store,path=/fhir,method=POST".
// Keys: status, retry-after, delay-ms, drop (before-store|after-store), count, skip, random,
// path, method. Throws UsageError naming the bad key or value; a rule must do something.
FaultRule parse_fault_rule(const std::string& text);

// Reads a JSON file holding an array of objects with the same keys (numbers or strings), e.g.
// [{"status": 503, "count": 2}, {"drop": "after-store", "count": 1}]. Throws UsageError
// (bad content) or InputError (unreadable file).
std::vector<FaultRule> read_fault_file(const std::filesystem::path& path);

// What to do with one request, as decided by the rules that fired.
struct FaultDecision {
    int delay_ms = 0;      // sum of the delays of the rules that fired
    int status = 0;        // first failure status among them (0: handle normally)
    int retry_after = -1;
    DropPoint drop = DropPoint::none; // first drop among them
};

// The rules and their counters; thread-safe. The random source is seeded with `seed`, so a run
// with random rules is reproducible.
class FaultInjector {
public:
    explicit FaultInjector(std::vector<FaultRule> rules = {}, std::uint64_t seed = 0);

    // Evaluates the rules in order for one request and consumes the counts of those that fire.
    FaultDecision decide(const std::string& method, const std::string& path);
    bool empty() const noexcept { return m_rules.empty(); }

private:
    struct State {
        FaultRule rule;
        int seen = 0;
        int fired = 0;
    };
    std::vector<State> m_rules;
    std::mt19937_64 m_random;
    std::mutex m_mutex;
};

} // namespace healthdoc::sandbox
