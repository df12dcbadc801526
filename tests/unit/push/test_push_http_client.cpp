#include "formats/errors.hpp"
#include "push/http_client.hpp"
#include "tests/support/test_support.hpp"

#include <httplib.h>

#include <thread>

using namespace healthdoc::push;

namespace {

// A real HTTP server on 127.0.0.1 for the duration of a test.
struct LoopbackServer {
    httplib::Server server;
    int port = 0;
    std::thread thread;
    LoopbackServer() {
        server.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
            res.status = 201;
            res.set_header("Retry-After", "7");
            res.set_content(req.body + "|" + req.get_header_value("Authorization"), "text/plain");
        });
        port = server.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~LoopbackServer() {
        server.stop();
        thread.join();
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
};

} // namespace

TEST_CASE("push::http_client") {
    LoopbackServer server;
    std::vector<std::string> trace;
    HttpSettings settings;
    settings.trace = [&](std::string_view line) { trace.emplace_back(line); };
    HttpClient client(settings);

    SUBCASE("posts a body and reads status, headers and body") {
        auto response = client.send({"POST", server.url("/echo"), {{"Authorization", "Bearer s3cr3t-token"}}, "hello"});
        CHECK(response.status == 201);
        CHECK(response.header("retry-after") == "7");
        CHECK(response.header("Content-Type").rfind("text/plain", 0) == 0);
        CHECK(response.body == "hello|Bearer s3cr3t-token");
        SUBCASE("the trace never shows the credential") {
            bool saw_redacted = false;
            for (const auto& line : trace) {
                CHECK(line.find("s3cr3t") == std::string::npos);
                if (line.find("[redacted]") != std::string::npos) saw_redacted = true;
            }
            CHECK(saw_redacted);
        }
    }
    SUBCASE("an unknown path is an answer, not a failure") {
        auto response = client.send({"GET", server.url("/nothing"), {}, ""});
        CHECK(response.status == 404);
    }
    SUBCASE("no answer is a TransportError") {
        server.server.stop();
        CHECK_THROWS_AS(client.send({"GET", server.url("/echo"), {}, ""}), healthdoc::TransportError);
    }
    SUBCASE("other schemes are refused") {
        CHECK_THROWS_AS(client.send({"GET", "file:///etc/hostname", {}, ""}), healthdoc::TransportError);
    }
}
