// What the push tests share: an in-process sandbox on 127.0.0.1, documents with distinct ids
// made from the bundled example, and ITI-67/68 reads of what the sandbox stored.
#pragma once

#include "sandbox/server.hpp"
#include "tests/support/test_support.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace healthdoc::test {

// The consultation-note example with document id extension `n` (distinct uniqueIds).
inline std::string example_document(int n) {
    static const std::string original = read_file(source_path("examples/valid/consultation-note.xml"));
    return std::regex_replace(original, std::regex("<id root=\"1\\.2\\.250\\.1\\.999\\.1\\.1\\.20240115\\.1\"/>"),
                              "<id root=\"1.2.250.1.999.1.1.20240115.1\" extension=\"PUSH-" + std::to_string(n) +
                                  "\"/>");
}

// Writes `count` distinct documents into `dir`/docs and returns that folder.
inline std::filesystem::path write_documents(const TempDir& dir, int count) {
    auto folder = dir / "docs";
    std::filesystem::create_directories(folder);
    for (int i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "doc-%04d.xml", i);
        write_file(folder / name, example_document(i));
    }
    return folder;
}

struct RunningSandbox {
    std::unique_ptr<sandbox::SandboxServer> server;
    explicit RunningSandbox(sandbox::SandboxSettings settings) {
        server = std::make_unique<sandbox::SandboxServer>(std::move(settings));
        server->start();
    }
    ~RunningSandbox() { server->stop(); }
    std::string fhir() const { return server->fhir_base(); }
    std::string xds() const { return server->xds_endpoint(); }
    // ITI-67 searchset for a masterIdentifier value ("urn:oid:..." or "root^extension").
    nlohmann::json search(const std::string& query, const std::string& token = "") const {
        httplib::Client client("127.0.0.1", server->port());
        httplib::Headers headers;
        if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
        auto res = client.Get("/fhir/DocumentReference?" + query, headers);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        return nlohmann::json::parse(res->body);
    }
    std::string retrieve(const std::string& url) const {
        httplib::Client client("127.0.0.1", server->port());
        auto path = url.substr(url.find("/fhir/"));
        auto res = client.Get(path);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        return res->body;
    }
};

inline sandbox::SandboxSettings sandbox_settings(const TempDir& dir) {
    sandbox::SandboxSettings settings;
    settings.database = dir / "sandbox.sqlite";
    return settings;
}

} // namespace healthdoc::test
