// multipart/related parsing and the small XDS helpers, without sockets.
#include "sandbox/auth.hpp"
#include "push/mtom.hpp"
#include "sandbox/xds_repository.hpp"
#include "tests/support/test_support.hpp"

using namespace healthdoc::sandbox;
using namespace healthdoc::push;

TEST_CASE("sandbox::mtom_multipart_related") {
    const std::string type = R"(multipart/related; boundary="b1"; type="application/xop+xml"; start="<root@x>")";
    SUBCASE("root by start, parts by cid") {
        std::string body = "preamble\r\n--b1\r\nContent-Type: application/pdf\r\nContent-ID: <doc%1@x>\r\n\r\n%PDF\r\n\r\n--b1\r\n"
                           "Content-Type: application/xop+xml\r\nContent-ID: <root@x>\r\n\r\n<e/>\r\n--b1--\r\nepilogue";
        std::string error;
        auto parsed = parse_multipart_related(type, body, error);
        REQUIRE(parsed);
        REQUIRE(parsed->parts.size() == 2);
        CHECK(parsed->root == 1);
        CHECK(parsed->parts[1].body == "<e/>");
        const auto* doc = parsed->find("cid:doc%251@x");
        REQUIRE(doc);
        CHECK(doc->body == "%PDF\r\n"); // bytes kept exactly, trailing CRLF included
        CHECK(doc->content_type == "application/pdf");
        CHECK(parsed->find("cid:nothing") == nullptr);
    }
    SUBCASE("bare LF line ends") {
        std::string error;
        auto parsed = parse_multipart_related(type, "--b1\nContent-ID: <root@x>\n\n<e/>\n--b1--\n", error);
        REQUIRE(parsed);
        CHECK(parsed->parts[0].body == "<e/>");
    }
    SUBCASE("broken input is refused, never crashes") {
        std::string error;
        CHECK_FALSE(parse_multipart_related("multipart/related", "--b1\r\n\r\nx\r\n--b1--", error));
        CHECK_FALSE(parse_multipart_related(type, "no delimiter here", error));
        CHECK_FALSE(parse_multipart_related(type, "--b1\r\nContent-ID: <root@x>\r\n\r\n<e/>", error));
        CHECK_FALSE(parse_multipart_related(type, "--b1--", error));
        CHECK_FALSE(parse_multipart_related(type, "", error));
        CHECK(!error.empty());
    }
    CHECK(header_parameter(type, "TYPE") == "application/xop+xml");
    CHECK(header_parameter("multipart/related;boundary=abc ; start=x", "boundary") == "abc");
    CHECK(header_parameter("text/plain", "boundary").empty());
}

TEST_CASE("sandbox::cx_to_identifier") {
    CHECK(cx_to_identifier("248^^^&1.2.250.1.213.1.4.8&ISO") == std::pair<std::string, std::string>{"urn:oid:1.2.250.1.213.1.4.8", "248"});
    CHECK(cx_to_identifier("248").second == "248");
    CHECK(cx_to_identifier("248^^^NS").first.empty());
}

TEST_CASE("sandbox::bearer_auth") {
    BearerAuth none;
    CHECK(none.accepts(""));
    BearerAuth auth(std::string("abc"));
    CHECK(auth.accepts("Bearer abc"));
    CHECK(auth.accepts("bearer abc"));
    CHECK_FALSE(auth.accepts("Bearer abd"));
    CHECK_FALSE(auth.accepts("Bearer ab"));
    CHECK_FALSE(auth.accepts("Basic abc"));
    CHECK_FALSE(auth.accepts(""));
    CHECK(constant_time_equal("", ""));
    CHECK_FALSE(constant_time_equal("a", ""));
}
