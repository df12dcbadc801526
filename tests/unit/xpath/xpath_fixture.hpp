// Helpers for the xpath tests: parse a small document, evaluate an expression on it, get the
// result as a string or the error code it raised.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"
#include "xpath/xpath.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace healthdoc::xpath::test {

struct Doc {
    std::unique_ptr<formats::XmlDocument> xml;
    std::unique_ptr<DocumentIndex> index;
};

inline Doc parse(const std::string& text) {
    formats::Diagnostics diagnostics;
    Doc doc;
    doc.xml = formats::parse_xml(formats::SourceText("test.xml", text), diagnostics);
    REQUIRE(doc.xml);
    doc.index = std::make_unique<DocumentIndex>(*doc.xml);
    return doc;
}

inline StaticContext cda_context() {
    StaticContext sc;
    sc.namespaces = {{"cda", "urn:hl7-org:v3"}, {"sdtc", "urn:hl7-org:sdtc"}, {"x", "urn:x"}};
    return sc;
}

struct Run {
    explicit Run(const Doc* d = nullptr) : doc(d) {}
    const Doc* doc = nullptr;
    StaticContext sc = cda_context();
    Variables vars;
    DocumentProvider* documents = nullptr;

    DynamicContext context() const {
        DynamicContext dc;
        if (doc) dc.item = pugi::xpath_node(doc->xml->dom());
        dc.variables = &vars;
        dc.documents = documents;
        return dc;
    }
    Sequence eval(const std::string& expr) {
        for (auto& [name, value] : vars) sc.variables.push_back(name);
        return Expression::compile(expr, sc).evaluate(context());
    }
    std::string str(const std::string& expr) { return string_value(eval(expr)); }
    bool test(const std::string& expr) {
        for (auto& [name, value] : vars) sc.variables.push_back(name);
        return Expression::compile(expr, sc).test(context());
    }
    // The error code the expression raises (compiling or evaluating), "" when it succeeds.
    std::string error(const std::string& expr) {
        try {
            eval(expr);
        } catch (const Error& e) {
            return e.code;
        }
        return "";
    }
};

// Evaluates without a document.
inline std::string str(const std::string& expr) { return Run{}.str(expr); }
inline std::string error(const std::string& expr) { return Run{}.error(expr); }

} // namespace healthdoc::xpath::test
