#include "push/ledger.hpp"
#include "tests/support/test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

using namespace healthdoc::push;

TEST_CASE("push::ledger") {
    healthdoc::test::TempDir dir;
    auto file = dir / "state" / "ledger.sqlite";
    LedgerKey key{"http://127.0.0.1:1/fhir", "1.2.3^abc", "ff00"};

    SUBCASE("an unknown submission is absent") {
        Ledger ledger(file);
        CHECK_FALSE(ledger.find(key).has_value());
    }
    SUBCASE("states and attempts survive reopening") {
        {
            Ledger ledger(file);
            ledger.mark_sending(key);
            ledger.mark_sending(key);
            ledger.mark_accepted(key, R"({"location":"DocumentReference/1"})");
        }
        Ledger reopened(file);
        auto entry = reopened.find(key);
        REQUIRE(entry.has_value());
        CHECK(entry->state == LedgerState::accepted);
        CHECK(entry->attempts == 2);
        CHECK(entry->server_ids == R"({"location":"DocumentReference/1"})");
        CHECK_FALSE(entry->updated_at.empty());
    }
    SUBCASE("a refusal keeps its reason; a new send clears it") {
        Ledger ledger(file);
        ledger.mark_sending(key);
        ledger.mark_refused(key, "HTTP 400: missing masterIdentifier");
        CHECK(ledger.find(key)->reason == "HTTP 400: missing masterIdentifier");
        ledger.mark_sending(key);
        CHECK(ledger.find(key)->state == LedgerState::sending);
        CHECK(ledger.find(key)->reason.empty());
    }
    SUBCASE("other content of the same document is another submission") {
        Ledger ledger(file);
        ledger.mark_accepted(key, "{}");
        auto other = key;
        other.content_hash = "ee11";
        CHECK_FALSE(ledger.find(other).has_value());
        CHECK(ledger.entries().size() == 1);
    }
    SUBCASE("a process killed right after a write leaves the entry durable") {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            Ledger ledger(file);
            ledger.mark_sending(key);
            _exit(0); // no destructor, no clean close: like a kill after the write
        }
        int status = 0;
        waitpid(pid, &status, 0);
        Ledger ledger(file);
        auto entry = ledger.find(key);
        REQUIRE(entry.has_value());
        CHECK(entry->state == LedgerState::sending);
    }
}
