// `healthdoc sandbox` as a subprocess: endpoints printed when ready, one request, SIGTERM.
#include "tests/support/test_support.hpp"

#include <httplib.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace {

struct Sandbox {
    pid_t pid = -1;
    int out = -1;
    std::string printed;

    explicit Sandbox(const std::vector<std::string>& args) {
        int pipe_fds[2];
        REQUIRE(pipe(pipe_fds) == 0);
        std::string binary = healthdoc::test::healthdoc_binary();
        std::vector<std::string> argv_text{binary, "sandbox"};
        argv_text.insert(argv_text.end(), args.begin(), args.end());
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(pipe_fds[1], STDOUT_FILENO);
            close(pipe_fds[0]);
            close(pipe_fds[1]);
            std::vector<char*> argv;
            for (auto& arg : argv_text) argv.push_back(arg.data());
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
        close(pipe_fds[1]);
        out = pipe_fds[0];
    }
    ~Sandbox() {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (out >= 0) close(out);
    }
    // Reads stdout until `marker` appears or 20 s pass.
    bool wait_for(const std::string& marker) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (printed.find(marker) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return false;
            pollfd fd{out, POLLIN, 0};
            if (poll(&fd, 1, static_cast<int>(left)) <= 0) return false;
            char buffer[512];
            auto n = read(out, buffer, sizeof buffer);
            if (n <= 0) return false;
            printed.append(buffer, static_cast<std::size_t>(n));
        }
        return true;
    }
    // Sends SIGTERM and returns the exit status (-1 when it did not exit normally).
    int terminate() {
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

} // namespace

TEST_CASE("cli::sandbox") {
    healthdoc::test::TempDir dir;
    SUBCASE("serves until SIGTERM") {
        Sandbox sandbox({"--port", "0", "--db", (dir / "db.sqlite").string(), "--quiet"});
        REQUIRE(sandbox.wait_for("XDS.b repository: "));
        const std::string prefix = "FHIR base: http://127.0.0.1:";
        auto at = sandbox.printed.find(prefix);
        REQUIRE(at != std::string::npos);
        int port = std::stoi(sandbox.printed.substr(at + prefix.size()));
        CHECK(port > 0);
        CHECK(sandbox.printed.find("XDS.b repository: http://127.0.0.1:" + std::to_string(port) + "/xds/repository\n") != std::string::npos);
        httplib::Client client("127.0.0.1", port);
        auto res = client.Get("/fhir/DocumentReference?patient.identifier=123");
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->body.find("\"total\":0") != std::string::npos);
        CHECK(sandbox.terminate() == 0);
        CHECK(std::filesystem::exists(dir / "db.sqlite"));
    }
    SUBCASE("usage errors exit 2") {
        CHECK(healthdoc::test::run_healthdoc({"sandbox", "--port", "0"}).exit_code == 2);
        auto bad_fault = healthdoc::test::run_healthdoc({"sandbox", "--port", "0", "--db", (dir / "x.sqlite").string(), "--fault", "status=abc"});
        CHECK(bad_fault.exit_code == 2);
        CHECK(bad_fault.err.find("status") != std::string::npos);
        auto no_env = healthdoc::test::run_healthdoc({"sandbox", "--port", "0", "--db", (dir / "x.sqlite").string(), "--token-env", "HEALTHDOC_TEST_UNSET_TOKEN"});
        CHECK(no_env.exit_code == 2);
    }
}
