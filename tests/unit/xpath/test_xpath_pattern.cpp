// XSLT match patterns as schematron rule contexts.
#include "xpath_fixture.hpp"

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

namespace {

const char* k_doc = R"(<ClinicalDocument xmlns="urn:hl7-org:v3">
  <component><structuredBody>
    <component><section><templateId root="S1"/><entry><observation><templateId root="O1"/></observation></entry>
      <entry><observation><templateId root="O2"/></observation></entry></section></component>
  </structuredBody></component>
</ClinicalDocument>)";

struct Matcher {
    Doc doc = parse(k_doc);
    StaticContext sc = cda_context();
    // Local names of the nodes (elements: name, attributes: @name, document: /) the pattern matches.
    std::string matched(const std::string& text) {
        Pattern p = Pattern::compile(text, sc);
        DynamicContext dc;
        std::string out;
        Run r(&doc);
        for (auto& item : r.eval("//node() | //@* | /")) {
            const auto& n = item.node();
            if (!p.matches(n, dc)) continue;
            if (!out.empty()) out += ' ';
            if (n.attribute())
                out += std::string("@") + n.attribute().name();
            else if (n.node().type() == pugi::node_document)
                out += "/";
            else
                out += n.node().name();
        }
        return out;
    }
};

} // namespace

TEST_CASE("xpath::patterns") {
    Matcher m;
    CHECK(m.matched("cda:ClinicalDocument") == "ClinicalDocument");
    CHECK(m.matched("ClinicalDocument") == ""); // no namespace
    CHECK(m.matched("cda:section/cda:templateId") == "templateId");
    CHECK(m.matched("cda:observation/cda:templateId") == "templateId templateId");
    CHECK(m.matched("cda:section//cda:templateId") == "templateId templateId templateId");
    CHECK(m.matched("/cda:ClinicalDocument/cda:component") == "component");
    CHECK(m.matched("/cda:component") == "");
    CHECK(m.matched("//cda:component") == "component component");
    CHECK(m.matched("cda:entry[cda:observation/cda:templateId/@root = 'O2']") == "entry");
    CHECK(m.matched("cda:entry[1]") == "entry");
    CHECK(m.matched("cda:entry[last()]/cda:observation") == "observation");
    CHECK(m.matched("cda:section/*[2]") == "entry");
    CHECK(m.matched("*[cda:templateId/@root = 'S1']") == "section");
    CHECK(m.matched("@root") == "@root @root @root");
    CHECK(m.matched("cda:observation/cda:templateId/@root") == "@root @root");
    CHECK(m.matched("/") == "/");
    CHECK(m.matched("cda:section | cda:observation") == "section observation observation");
    CHECK(m.matched("cda:entry[2]//@root") == "@root");
    CHECK(m.matched("node()") == "ClinicalDocument component structuredBody component section templateId entry "
                                 "observation templateId entry observation templateId");
    CHECK(m.matched("text()") == "");
}

TEST_CASE("xpath::patterns: variables and current() in predicates") {
    Doc doc = parse(k_doc);
    StaticContext sc = cda_context();
    sc.variables = {"root"};
    auto p = Pattern::compile("cda:templateId[@root = $root]", sc);
    Variables vars{{"root", {Atomic::string("O2")}}};
    DynamicContext dc;
    dc.variables = &vars;
    Sequence ids = Run(&doc).eval("//cda:templateId");
    REQUIRE(ids.size() == 3);
    CHECK_FALSE(p.matches(ids[1].node(), dc));
    CHECK(p.matches(ids[2].node(), dc));
    auto q = Pattern::compile("cda:templateId[current()/@root = 'O1']", sc);
    CHECK(q.matches(ids[1].node(), dc));
    CHECK_FALSE(q.matches(ids[2].node(), dc));
}

TEST_CASE("xpath::patterns: indexing names and invalid patterns") {
    StaticContext sc = cda_context();
    auto p = Pattern::compile("cda:entry[1] | cda:section/cda:observation", sc);
    REQUIRE(p.element_names());
    REQUIRE(p.element_names()->size() == 2);
    CHECK((*p.element_names())[0].local == "entry");
    CHECK((*p.element_names())[0].uri == "urn:hl7-org:v3");
    CHECK((*p.element_names())[1].local == "observation");
    CHECK_FALSE(Pattern::compile("*[cda:x]", sc).element_names());
    CHECK_FALSE(Pattern::compile("cda:x | @y", sc).element_names());
    CHECK_FALSE(Pattern::compile("/", sc).element_names());
    CHECK_FALSE(Pattern::compile("cda:*", sc).element_names());
    auto code = [&](const std::string& text) {
        try {
            Pattern::compile(text, sc);
        } catch (const Error& e) {
            return e.code;
        }
        return std::string();
    };
    CHECK(code("ancestor::cda:x") == "XTSE0340");
    CHECK(code("cda:x/..") == "XTSE0340");
    CHECK(code("1 + 2") == "XTSE0340");
    CHECK(code("id('x')") == "XPST0017"); // id() is not in the library
    CHECK(code("cda:x[") == "XPST0003");
}
