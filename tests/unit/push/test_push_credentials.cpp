#include "formats/base64.hpp"
#include "formats/errors.hpp"
#include "push/credentials.hpp"
#include "push/secrets.hpp"
#include "tests/support/test_support.hpp"

#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <thread>

using namespace healthdoc;
using namespace healthdoc::push;

namespace {

// An OAuth2 token endpoint on 127.0.0.1 (client credentials grant): checks the client's Basic
// credentials and the form, hands out numbered tokens.
struct TokenServer {
    httplib::Server server;
    int port = 0;
    std::thread thread;
    std::atomic<int> issued{0};
    int expires_in = 3600;
    bool broken = false;
    std::string last_body;
    TokenServer() {
        server.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
            last_body = req.body;
            if (broken) return res.set_content("<html>oops</html>", "text/html");
            auto expected = "Basic " + formats::base64_encode("client%201:s%26cret");
            if (req.get_header_value("Authorization") != expected ||
                req.body.find("grant_type=client_credentials") == std::string::npos) {
                res.status = 401;
                return res.set_content(R"({"error":"invalid_client"})", "application/json");
            }
            res.set_content("{\"access_token\":\"token-" + std::to_string(++issued) +
                                "\",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(expires_in) + "}",
                            "application/json");
        });
        port = server.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~TokenServer() {
        server.stop();
        thread.join();
    }
    OAuth2Settings settings(const std::string& secret = "s&cret") const {
        return {"http://127.0.0.1:" + std::to_string(port) + "/token", "client 1", secret, "dmp.write"};
    }
};

} // namespace

TEST_CASE("push::credentials_oauth2") {
    TokenServer tokens;
    SUBCASE("a token is fetched once and reused until it nearly expires") {
        auto credentials = Credentials::oauth2(tokens.settings(), {});
        CHECK(credentials->authorization() == "Bearer token-1");
        CHECK(credentials->authorization() == "Bearer token-1");
        CHECK(credentials->tokens_fetched() == 1);
        CHECK(tokens.last_body == "grant_type=client_credentials&scope=dmp.write");
        credentials->invalidate();
        CHECK(credentials->authorization() == "Bearer token-2");
    }
    SUBCASE("a token expiring within a minute is renewed") {
        tokens.expires_in = 30;
        auto credentials = Credentials::oauth2(tokens.settings(), {});
        CHECK(credentials->authorization() == "Bearer token-1");
        CHECK(credentials->authorization() == "Bearer token-2");
    }
    SUBCASE("a wrong secret is a usage error that names no secret") {
        auto credentials = Credentials::oauth2(tokens.settings("wrong"), {});
        try {
            credentials->authorization();
            FAIL("expected a UsageError");
        } catch (const UsageError& error) {
            CHECK(std::string(error.what()).find("wrong") == std::string::npos);
            CHECK(std::string(error.what()).find("client id and secret") != std::string::npos);
        }
    }
    SUBCASE("an answer without a token") {
        tokens.broken = true;
        auto credentials = Credentials::oauth2(tokens.settings(), {});
        CHECK_THROWS_AS(credentials->authorization(), UsageError);
    }
    SUBCASE("an endpoint that does not answer is a transport error") {
        auto settings = tokens.settings();
        settings.token_url = "http://127.0.0.1:1/token";
        auto credentials = Credentials::oauth2(settings, {});
        CHECK_THROWS_AS(credentials->authorization(), TransportError);
    }
}

TEST_CASE("push::credentials_static") {
    CHECK(Credentials().authorization().empty());
    CHECK(Credentials::bearer("abc")->authorization() == "Bearer abc");
}

TEST_CASE("push::secrets") {
    test::TempDir dir;
    test::write_file(dir / "token", "  secret-value \nsecond line\n");
    test::write_file(dir / "empty", "\n");
    CHECK(read_secret_file(dir / "token", "bearer token") == "secret-value");
    CHECK_THROWS_AS(read_secret_file(dir / "empty", "bearer token"), UsageError);
    CHECK_THROWS_AS(read_secret_file(dir / "missing", "bearer token"), InputError);
    ::setenv("HEALTHDOC_TEST_SECRET", " from-env ", 1);
    CHECK(read_secret_env("HEALTHDOC_TEST_SECRET", "token") == "from-env");
    CHECK_THROWS_AS(read_secret_env("HEALTHDOC_TEST_UNSET_SECRET", "token"), UsageError);
    CHECK(read_secret("", "", "token").empty());
    CHECK_THROWS_AS(read_secret((dir / "token").string(), "HEALTHDOC_TEST_SECRET", "token"), UsageError);
}
