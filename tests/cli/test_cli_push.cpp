// `healthdoc push` against the sandbox on 127.0.0.1: both transports, retries, the ledger, auth.
#include "formats/hash.hpp"
#include "sandbox/faults.hpp"
#include "tests/cli/push_fixtures.hpp"
#include "tests/support/test_pki.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

using namespace healthdoc;
using namespace healthdoc::test;

namespace {

std::vector<std::string> push_args(const std::string& endpoint, const std::string& transport, const TempDir& dir,
                                   std::vector<std::string> more) {
    // What the header cannot give: contentTypeCode, and classCode / formatCode (no ANS tables).
    std::vector<std::string> args{"push",
                                  "--endpoint",
                                  endpoint,
                                  "--transport",
                                  transport,
                                  "--content-type-code",
                                  "07",
                                  "--class-code",
                                  "10",
                                  "--format-code",
                                  "urn:ihe:pcc:xds-ms:2007",
                                  "--ledger",
                                  (dir / "ledger.sqlite").string(),
                                  "--format",
                                  "json",
                                  "-q"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

nlohmann::json report_of(const RunResult& r) {
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(!parsed.is_discarded(), r.out << r.err);
    return parsed;
}

int stored_copies(const RunningSandbox& sandbox, int n) {
    auto found =
        sandbox.search("identifier=" + std::string("1.2.250.1.999.1.1.20240115.1%5EPUSH-") + std::to_string(n));
    return found.value("total", -1);
}

} // namespace

TEST_CASE("cli::push_round_trip") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.xml", example_document(1));
    auto document = read_file(dir / "note.xml");
    auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto report = report_of(r);
    CHECK(report["documents"][0]["details"]["outcome"] == "accepted");
    CHECK(report["documents"][0]["details"]["attempts"] == 1);
    auto found = sandbox.search("identifier=1.2.250.1.999.1.1.20240115.1%5EPUSH-1");
    REQUIRE(found["total"] == 1);
    auto reference = found["entry"][0]["resource"];
    CHECK(reference["type"]["coding"][0]["code"] == "11488-4");
    auto url = reference["content"][0]["attachment"]["url"].get<std::string>();
    auto bytes = sandbox.retrieve(url);
    CHECK(bytes == document);
    CHECK(formats::sha1_hex(bytes) == formats::sha1_hex(document));
}

TEST_CASE("cli::push_xds_round_trip") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.xml", example_document(2));
    write_file(dir / "vihf.xml", "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_1\"/>");
    write_file(dir / "not-saml.xml", "<html/>");
    auto refused = run_healthdoc(push_args(
        sandbox.xds(), "xds", dir, {"--saml-assertion", (dir / "not-saml.xml").string(), (dir / "note.xml").string()}));
    CHECK(refused.exit_code == 2);
    auto r = run_healthdoc(push_args(sandbox.xds(), "xds", dir,
                                     {"--saml-assertion", (dir / "vihf.xml").string(), (dir / "note.xml").string()}));
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "accepted");
    auto found = sandbox.search("identifier=1.2.250.1.999.1.1.20240115.1%5EPUSH-2");
    REQUIRE(found["total"] == 1);
    auto url = found["entry"][0]["resource"]["content"][0]["attachment"]["url"].get<std::string>();
    CHECK(sandbox.retrieve(url) == read_file(dir / "note.xml"));
}

TEST_CASE("cli::push_retries") {
    TempDir dir;
    write_file(dir / "note.xml", example_document(3));
    SUBCASE("503 twice, then accepted") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("status=503,count=2,method=POST"));
        RunningSandbox sandbox(settings);
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["details"]["attempts"] == 3);
        CHECK(stored_copies(sandbox, 3) == 1);
    }
    SUBCASE("429 with Retry-After is honoured") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("status=429,retry-after=1,count=1,method=POST"));
        RunningSandbox sandbox(settings);
        auto started = std::chrono::steady_clock::now();
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
        CHECK(report_of(r)["documents"][0]["details"]["attempts"] == 2);
    }
    SUBCASE("a permanent 400 is not retried and is reported") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("status=400,method=POST"));
        RunningSandbox sandbox(settings);
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK(r.exit_code == 1);
        auto document = report_of(r)["documents"][0];
        CHECK(document["details"]["outcome"] == "refused");
        CHECK(document["details"]["attempts"] == 1);
        CHECK(document["diagnostics"].dump().find("400") != std::string::npos);
    }
    SUBCASE("nothing answers: exit 3 after the attempts") {
        auto r = run_healthdoc(
            push_args("http://127.0.0.1:1/fhir", "mhd", dir, {"--attempts", "2", (dir / "note.xml").string()}));
        CHECK(r.exit_code == 3);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "failed");
    }
}

TEST_CASE("cli::push_never_twice") {
    TempDir dir;
    write_file(dir / "note.xml", example_document(4));
    SUBCASE("connection dropped after storing: looked up, not sent again") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("drop=after-store,count=1,method=POST"));
        RunningSandbox sandbox(settings);
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "found-on-server");
        CHECK(stored_copies(sandbox, 4) == 1);
        auto again = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK(again.exit_code == 0);
        CHECK(report_of(again)["documents"][0]["details"]["outcome"] == "already-accepted");
        CHECK(stored_copies(sandbox, 4) == 1);
    }
    SUBCASE("over XDS too: the registry's duplicate after a lost answer is this document") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("drop=after-store,count=1,method=POST"));
        RunningSandbox sandbox(settings);
        auto r = run_healthdoc(push_args(sandbox.xds(), "xds", dir, {(dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "found-on-server");
        CHECK(stored_copies(sandbox, 4) == 1);
    }
    SUBCASE("a batch killed halfway, then run again: each document stored once") {
        auto settings = sandbox_settings(dir);
        settings.faults.push_back(sandbox::parse_fault_rule("delay-ms=150,method=POST"));
        RunningSandbox sandbox(settings);
        auto folder = write_documents(dir, 12);
        auto args = push_args(sandbox.fhir(), "mhd", dir, {"--jobs", "2", folder.string()});
        std::string binary = healthdoc_binary();
        args.insert(args.begin(), binary);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int null_fd = ::open("/dev/null", O_WRONLY);
            dup2(null_fd, STDOUT_FILENO);
            dup2(null_fd, STDERR_FILENO);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(700)); // a few documents in
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        args.erase(args.begin());
        auto r = run_healthdoc(args);
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        for (int i = 0; i < 12; ++i) CHECK(stored_copies(sandbox, i) == 1);
    }
}

TEST_CASE("cli::push_auth") {
    TempDir dir;
    write_file(dir / "note.xml", example_document(5));
    write_file(dir / "token", "sekret-token-value\n");
    write_file(dir / "wrong", "not-the-token\n");
    auto settings = sandbox_settings(dir);
    settings.token = "sekret-token-value";
    RunningSandbox sandbox(settings);
    SUBCASE("no token or a wrong one: refused with a clear message") {
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.xml").string()}));
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("push.auth.refused") != std::string::npos);
        r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir,
                                    {"--token-file", (dir / "wrong").string(), (dir / "note.xml").string()}));
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("not-the-token") == std::string::npos);
    }
    SUBCASE("the right token, from a file or the environment; never printed, even with --verbose") {
        auto args =
            push_args(sandbox.fhir(), "mhd", dir, {"--token-env", "HEALTHDOC_TEST_TOKEN", (dir / "note.xml").string()});
        args.erase(std::find(args.begin(), args.end(), "-q"));
        args.push_back("--verbose");
        auto r = run_healthdoc(args, "", {"HEALTHDOC_TEST_TOKEN=sekret-token-value"});
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(r.out.find("sekret") == std::string::npos);
        CHECK(r.err.find("sekret") == std::string::npos);
        CHECK(r.err.find("[redacted]") != std::string::npos);
    }
}

TEST_CASE("cli::push_mutual_tls") {
    TempDir dir;
    if (!have_openssl()) {
        MESSAGE("SKIPPED: the openssl command is not available");
        return;
    }
    REQUIRE(make_test_pki(dir));
    auto settings = sandbox_settings(dir);
    settings.tls_cert = dir / "server.pem";
    settings.tls_key = dir / "server.key";
    settings.client_ca = dir / "ca.pem";
    RunningSandbox sandbox(settings);
    write_file(dir / "note.xml", example_document(6));
    auto with = [&](const char* name) {
        return push_args(
            sandbox.fhir(), "mhd", dir,
            {"--ca-bundle", (dir / "ca.pem").string(), "--cert", (dir / (std::string(name) + ".pem")).string(), "--key",
             (dir / (std::string(name) + ".key")).string(), "--attempts", "1", (dir / "note.xml").string()});
    };
    SUBCASE("PKCS#12 with its password from the environment, never printed") {
        REQUIRE(std::system(("openssl pkcs12 -export -in '" + (dir / "client.pem").string() + "' -inkey '" +
                             (dir / "client.key").string() + "' -out '" + (dir / "client.p12").string() +
                             "' -passout pass:p12-sekret >/dev/null 2>&1")
                                .c_str()) == 0);
        auto args = push_args(sandbox.fhir(), "mhd", dir,
                              {"--ca-bundle", (dir / "ca.pem").string(), "--pkcs12", (dir / "client.p12").string(),
                               "--key-password-env", "HEALTHDOC_TEST_P12", "--verbose", (dir / "note.xml").string()});
        auto r = run_healthdoc(args, "", {"HEALTHDOC_TEST_P12=p12-sekret"});
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(r.out.find("p12-sekret") == std::string::npos);
        CHECK(r.err.find("p12-sekret") == std::string::npos);
        return;
    }
    auto rogue = run_healthdoc(with("rogue"));
    CHECK(rogue.exit_code == 3);
    auto good = run_healthdoc(with("client"));
    CHECK_MESSAGE(good.exit_code == 0, good.out << good.err);
}

TEST_CASE("cli::push_dry_run_and_validation") {
    TempDir dir;
    write_file(dir / "note.xml", example_document(7));
    write_file(dir / "bad.xml", std::regex_replace(example_document(8), std::regex("<realmCode code=\"FR\"/>"), ""));
    SUBCASE("--dry-run builds and saves payloads, sends nothing") {
        auto r = run_healthdoc(
            push_args("http://127.0.0.1:1/fhir", "mhd", dir,
                      {"--dry-run", "--save-payloads", (dir / "payloads").string(), (dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "planned");
        auto bundle = nlohmann::json::parse(read_file(dir / "payloads" / "note.mhd.json"));
        CHECK(bundle["resourceType"] == "Bundle");
        CHECK(bundle["type"] == "transaction");
    }
    SUBCASE("a document with errors is not sent") {
        auto r = run_healthdoc(push_args("http://127.0.0.1:1/fhir", "mhd", dir, {(dir / "bad.xml").string()}));
        CHECK(r.exit_code == 1);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "invalid");
        CHECK(r.out.find("cisis.header.realm-code") != std::string::npos);
    }
}

TEST_CASE("cli::push_bad_answers") {
    // A server that answers nonsense: every case ends in a diagnostic and an exit code, never a crash.
    httplib::Server server;
    std::string type, body;
    int status = 200;
    server.Post(".*", [&](const httplib::Request&, httplib::Response& res) {
        res.status = status;
        res.set_content(body, type.c_str());
    });
    int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    TempDir dir;
    write_file(dir / "note.xml", example_document(9));
    std::string base = "http://127.0.0.1:" + std::to_string(port);
    struct Case {
        const char* transport;
        int status;
        const char* type;
        const char* body;
        int exit_code;
    };
    for (const auto& c :
         {Case{"mhd", 200, "application/fhir+json", "{not json", 3}, Case{"mhd", 200, "text/html", "<html/>", 3},
          Case{"mhd", 200, "application/fhir+json", "", 3}, Case{"mhd", 400, "text/plain", "bad", 1},
          Case{"xds", 200, "text/html", "<html/>", 3}, Case{"xds", 200, "application/soap+xml", "<broken", 3},
          Case{"xds", 200, "application/soap+xml", "", 3}, Case{"xds", 400, "text/plain", "bad", 1}}) {
        CAPTURE(c.transport);
        CAPTURE(c.body);
        status = c.status;
        type = c.type;
        body = c.body;
        TempDir run_dir;
        auto r = run_healthdoc(push_args(base + (std::string(c.transport) == "mhd" ? "/fhir" : "/xds/repository"),
                                         c.transport, run_dir, {"--attempts", "1", (dir / "note.xml").string()}));
        CHECK_MESSAGE(r.exit_code == c.exit_code, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["diagnostics"].size() > 0);
    }
    server.stop();
    thread.join();
}

TEST_CASE("cli::push_ready_bundles") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.xml", example_document(10));
    auto made = run_healthdoc({"convert", (dir / "note.xml").string(), "--to", "mhd", "--content-type-code", "07", "-o",
                               (dir / "bundle.json").string(), "-q"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.out << made.err);
    SUBCASE("a ready ITI-65 Bundle is checked and sent as it is; the ledger knows it afterwards") {
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "bundle.json").string()}));
        CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
        CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "accepted");
        CHECK(stored_copies(sandbox, 10) == 1);
        auto again = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "bundle.json").string()}));
        CHECK(report_of(again)["documents"][0]["details"]["outcome"] == "already-accepted");
    }
    SUBCASE("a Bundle whose hash does not match its Binary is not sent") {
        auto bundle = nlohmann::json::parse(read_file(dir / "bundle.json"));
        for (auto& entry : bundle["entry"])
            if (entry["resource"]["resourceType"] == "DocumentReference")
                entry["resource"]["content"][0]["attachment"]["hash"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        write_file(dir / "tampered.json", bundle.dump());
        auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "tampered.json").string()}));
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("push.bundle.hash-mismatch") != std::string::npos);
        CHECK(stored_copies(sandbox, 10) == 0);
    }
    SUBCASE("over XDS: said plainly (FHIR documents: test_cli_push_fhir_document.cpp)") {
        auto r = run_healthdoc(push_args(sandbox.xds(), "xds", dir, {(dir / "bundle.json").string()}));
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("push.xds.fhir-input") != std::string::npos);
    }
}

TEST_CASE("cli::push_xml_bundles") {
    // A FHIR XML ITI-65 Bundle is read with the core package's definitions, then checked as a JSON one.
    TempDir dir;
    write_file(dir / "bundle.xml", R"(<Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
<entry><fullUrl value="urn:uuid:0c0ec2f6-7d0e-4b5e-9d64-1f3a7c1b2a01"/><resource><List><status value="current"/>
<mode value="working"/></List></resource><request><method value="POST"/><url value="List"/></request></entry>
<entry><fullUrl value="urn:uuid:0c0ec2f6-7d0e-4b5e-9d64-1f3a7c1b2a02"/><resource><DocumentReference>
<masterIdentifier><system value="urn:ietf:rfc:3986"/><value value="urn:oid:1.2.250.1.999.7.7"/></masterIdentifier>
<status value="current"/><content><attachment><contentType value="text/plain"/><url value="urn:uuid:0c0ec2f6-7d0e-4b5e-9d64-1f3a7c1b2a03"/>
<size value="99"/></attachment></content></DocumentReference></resource><request><method value="POST"/>
<url value="DocumentReference"/></request></entry>
<entry><fullUrl value="urn:uuid:0c0ec2f6-7d0e-4b5e-9d64-1f3a7c1b2a03"/><resource><Binary><contentType value="text/plain"/>
<data value="aGVsbG8="/></Binary></resource><request><method value="POST"/><url value="Binary"/></request></entry></Bundle>)");
    SUBCASE("without the core package: said plainly, exit 2") {
        auto r = run_healthdoc(push_args("http://127.0.0.1:1/fhir", "mhd", dir, {(dir / "bundle.xml").string()}), "",
                               {"HEALTHDOC_PACKAGE_CACHE=" + (dir / "no-cache").string()});
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("push.bundle.needs-core-package") != std::string::npos);
    }
    SUBCASE("with it: read, and its wrong size caught before sending") {
        auto cache = REQUIRE_SHARED("reference/fhir/packages");
        if (!cache) return;
        auto r = run_healthdoc(push_args("http://127.0.0.1:1/fhir", "mhd", dir, {(dir / "bundle.xml").string()}), "",
                               {"HEALTHDOC_PACKAGE_CACHE=" + cache->string()});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("push.bundle.size-mismatch") != std::string::npos);
    }
}
