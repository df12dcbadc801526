// Unit tests of the narrative rules (txt-1, txt-2, well-formedness, namespace): every narrative
// of the shared R4 examples passes, and each rule has a failing case with its offset.
#include "fhir/xhtml.hpp"

#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace fhir = healthdoc::fhir;
using nlohmann::json;

namespace {

std::string div(const std::string& inner, const std::string& attributes = "") {
    return "<div xmlns=\"http://www.w3.org/1999/xhtml\"" + attributes + ">" + inner + "</div>";
}

std::vector<std::string> rules(const std::string& xhtml) {
    std::vector<std::string> out;
    for (const auto& problem : fhir::check_narrative_xhtml(xhtml)) out.push_back(problem.rule);
    return out;
}

fhir::XhtmlProblem only_problem(const std::string& xhtml) {
    auto problems = fhir::check_narrative_xhtml(xhtml);
    REQUIRE(problems.size() == 1);
    return problems[0];
}

// Every "div" string member anywhere in `value`.
void collect_divs(const json& value, std::vector<std::string>& out) {
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            if (key == "div" && member.is_string())
                out.push_back(member.get<std::string>());
            else
                collect_divs(member, out);
        }
    } else if (value.is_array()) {
        for (const auto& item : value) collect_divs(item, out);
    }
}

} // namespace

TEST_CASE("fhir::xhtml_valid_narratives") {
    CHECK(rules(div("text")).empty());
    CHECK(rules(div("<p>Patient <b>Jane</b> <a href=\"#x\">link</a></p>")).empty());
    CHECK(rules(div("<img src=\"#pic\" alt=\"\"/>")).empty()); // an image is content
    CHECK(rules(div("<table border=\"1\"><tbody><tr><td colspan=\"2\" style=\"color:red\">x</td></tr></tbody></table>"))
              .empty());
    CHECK(rules(div("&lt;&amp;&#160;&#xA0;&quot;&apos;&gt;")).empty());
    CHECK(rules(div("<!-- a comment with & and <b> --><p>x</p>")).empty());
    CHECK(rules(div("<![CDATA[ a < b & c ]]>")).empty());
    CHECK(rules(div("<p xml:lang=\"fr\" lang=\"fr\">bonjour</p>")).empty());
    CHECK(rules(div("<pre xml:space=\"preserve\">  kept  </pre>")).empty());
    CHECK(rules("<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:p>x</h:p></h:div>").empty());
    CHECK(rules("  \n" + div("x") + "\n").empty());
    CHECK(rules(div("<a href=\"https://example.org/a?b=1&amp;c=2\">x</a><img src=\"http://example.org/i.png\"/>"))
              .empty());
}

TEST_CASE("fhir::xhtml_rules") {
    SUBCASE("well-formed") {
        auto problem = only_problem(div("<p>unclosed"));
        CHECK(problem.rule == "fhir.xhtml.not-well-formed");
        CHECK(rules("").size() == 1);
        CHECK(rules("just text") == std::vector<std::string>{"fhir.xhtml.not-well-formed"});
        CHECK(rules(div("x") + div("y")) == std::vector<std::string>{"fhir.xhtml.not-well-formed"});
        CHECK(rules(div("x") + "tail") == std::vector<std::string>{"fhir.xhtml.not-well-formed"});
        CHECK(rules("<div xmlns=\"http://www.w3.org/1999/xhtml\"><x:p>a</x:p></div>") ==
              std::vector<std::string>{"fhir.xhtml.not-well-formed"});
    }
    SUBCASE("DOCTYPE and entities refused") {
        std::string text = "<!DOCTYPE div [<!ENTITY e \"boom\">]>" + div("&e;");
        auto problem = only_problem(text);
        CHECK(problem.rule == "fhir.xhtml.not-well-formed");
        CHECK(problem.offset == 0);
        std::string nbsp = div("a&nbsp;b");
        problem = only_problem(nbsp);
        CHECK(problem.rule == "fhir.xhtml.not-well-formed");
        CHECK(problem.offset == nbsp.find("&nbsp;"));
        CHECK(rules(div("a & b")).size() == 1);
    }
    SUBCASE("root is a div in the XHTML namespace") {
        CHECK(rules("<p xmlns=\"http://www.w3.org/1999/xhtml\">x</p>") ==
              std::vector<std::string>{"fhir.xhtml.not-div"});
        CHECK(rules("<div>x</div>") == std::vector<std::string>{"fhir.xhtml.wrong-namespace"});
        CHECK(rules("<div xmlns=\"http://example.org\">x</div>") ==
              std::vector<std::string>{"fhir.xhtml.wrong-namespace"});
        std::string nested = div("<p xmlns=\"urn:other\">x</p>");
        auto problem = only_problem(nested);
        CHECK(problem.rule == "fhir.xhtml.wrong-namespace");
        CHECK(problem.offset == nested.find("<p"));
    }
    SUBCASE("elements") {
        for (auto name : {"script", "form", "object", "iframe", "style", "body", "head", "input", "ins", "del", "font",
                          "center", "link", "base", "embed", "frame", "applet"}) {
            std::string text = div(std::string("x<") + name + ">y</" + name + ">");
            auto problem = only_problem(text);
            CHECK(problem.rule == "fhir.xhtml.element-not-allowed");
            CHECK(problem.message.find(name) != std::string::npos);
            CHECK(problem.offset == text.find(std::string("<") + name));
        }
        for (auto name : {"abbr", "acronym", "big", "blockquote", "caption", "cite", "code", "dfn", "dl",  "h6",
                          "hr",   "pre",     "q",   "samp",       "small",   "sub",  "sup",  "tt",  "var", "address"})
            CHECK(rules(div(std::string("x<") + name + ">y</" + name + ">")).empty());
    }
    SUBCASE("attributes") {
        std::string text = div("<p onclick=\"steal()\">x</p>");
        auto problem = only_problem(text);
        CHECK(problem.rule == "fhir.xhtml.attribute-not-allowed");
        CHECK(problem.offset == text.find("onclick"));
        CHECK(problem.message.find("steal") == std::string::npos);
        CHECK(rules(div("<img src=\"#a\" ONLOAD=\"x()\"/>")) ==
              std::vector<std::string>{"fhir.xhtml.attribute-not-allowed"});
        CHECK(rules(div("<p data-x=\"1\">x</p>")) == std::vector<std::string>{"fhir.xhtml.attribute-not-allowed"});
        CHECK(rules(div("<a xlink:href=\"#a\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">x</a>")) ==
              std::vector<std::string>{"fhir.xhtml.attribute-not-allowed"});
        // txt-1's list and the reference validator's: both accept these.
        CHECK(rules(div("<table summary=\"s\" cellpadding=\"1\"><tr><td nowrap=\"nowrap\" valign=\"top\">x</td></tr>"
                        "</table><img src=\"#a\" usemap=\"#m\"/><map name=\"m\"><area href=\"#b\" alt=\"b\"/></map>"))
                  .empty());
    }
    SUBCASE("links and images") {
        std::string script = div("<a href=\" JavaScript:alert(1)\">x</a>");
        auto problem = only_problem(script);
        CHECK(problem.rule == "fhir.xhtml.invalid-url");
        CHECK(problem.offset == script.find("href"));
        CHECK(problem.message.find("alert") == std::string::npos);
        CHECK(rules(div("<img src=\"vbscript:x\" alt=\"a\"/>")) == std::vector<std::string>{"fhir.xhtml.invalid-url"});
        CHECK(rules(div("<blockquote cite=\"javascript:x()\">q</blockquote>")) ==
              std::vector<std::string>{"fhir.xhtml.invalid-url"});
        // The reference validator: links must be followable, URLs made of URL characters.
        CHECK(rules(div("<a href=\"urn:uuid:7221aa91-d9e1-44fa-8b90-c5a8c7caeade\">x</a>")) ==
              std::vector<std::string>{"fhir.xhtml.invalid-url"});
        CHECK(rules(div("<a href=\"http://example.org/a b\">x</a>")) ==
              std::vector<std::string>{"fhir.xhtml.invalid-url"});
        CHECK(rules(div("<a href=\"\">x</a>")) == std::vector<std::string>{"fhir.xhtml.invalid-url"});
        CHECK(rules(div("<img src=\"data:image/png;base64,AAA*\"/>")) ==
              std::vector<std::string>{"fhir.xhtml.invalid-url"});
        CHECK(rules(div("<img src=\"data:image/png;base64,iVBORw0KGgo=\"/>")).empty());
        for (auto href : {"#frag", "Patient/123", "mailto:a@example.org", "tel:+33123456789",
                          "https://example.org/?a=1", "http://example.org/caf\xc3\xa9"})
            CHECK_MESSAGE(rules(div(std::string("<a href=\"") + href + "\">x</a>")).empty(), href);
        // Only a/@href and img/@src are links: urn: is fine as a name elsewhere.
        CHECK(rules(div("<q cite=\"urn:isbn:0451450523\">x</q>")).empty());
    }
    SUBCASE("paragraphs hold inline content only") {
        std::string text = div("<p>a<span><ul><li>b</li></ul></span></p><ul><li><p>ok</p></li></ul>");
        auto problem = only_problem(text);
        CHECK(problem.rule == "fhir.xhtml.block-in-paragraph");
        CHECK(problem.offset == text.find("<ul>"));
        CHECK(rules(div("<p>a<p>b</p></p>")) == std::vector<std::string>{"fhir.xhtml.block-in-paragraph"});
        CHECK(rules(div("<p>a<br/><b>b</b><a href=\"#x\">c</a></p>")).empty());
    }
    SUBCASE("attribute offsets") {
        // The attribute's name is found in its own start tag, not in text before it.
        std::string later = div("<p>title=</p><p title=\"a\" bad=\"b\">x</p>");
        CHECK(only_problem(later).offset == later.find("bad="));
    }
    SUBCASE("content") {
        CHECK(rules(div("")) == std::vector<std::string>{"fhir.xhtml.empty"});
        CHECK(rules(div("  <p> \n </p><br/>")) == std::vector<std::string>{"fhir.xhtml.empty"});
        CHECK(rules(div("<img alt=\"x\"/>")) == std::vector<std::string>{"fhir.xhtml.empty"});
        CHECK(rules("<div xmlns=\"http://www.w3.org/1999/xhtml\"/>") == std::vector<std::string>{"fhir.xhtml.empty"});
    }
    SUBCASE("hostile input") {
        std::string deep;
        for (int i = 0; i < 100000; ++i) deep += "<span>";
        deep += "x";
        for (int i = 0; i < 100000; ++i) deep += "</span>";
        auto problems = fhir::check_narrative_xhtml(div(deep));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].message == "the narrative is nested too deeply");
        CHECK(!fhir::check_narrative_xhtml(std::string("<div\0>", 6)).empty());
        CHECK(!fhir::check_narrative_xhtml("\xff\xfe<div/>").empty());
    }
}

TEST_CASE("fhir::xhtml_every_narrative_of_the_r4_examples_is_valid") {
    auto examples = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!examples) return;
    std::size_t narratives = 0, failures = 0;
    std::set<std::string> empty_narratives;
    for (const auto& entry : std::filesystem::directory_iterator(*examples)) {
        if (entry.path().extension() != ".json") continue;
        std::vector<std::string> divs;
        collect_divs(json::parse(healthdoc::test::read_file(entry.path())), divs);
        for (const auto& text : divs) {
            ++narratives;
            for (const auto& problem : fhir::check_narrative_xhtml(text)) {
                if (problem.rule == "fhir.xhtml.empty") {
                    empty_narratives.insert(entry.path().filename().string());
                    continue;
                }
                if (++failures <= 20)
                    MESSAGE(entry.path().filename().string()
                            << " @" << problem.offset << ": " << problem.rule << ": " << problem.message);
            }
        }
    }
    MESSAGE(narratives << " narratives checked");
    CHECK(narratives > 700);
    CHECK(failures == 0);
    // txt-2 ("some non-whitespace content") fails in three core examples whose div holds only
    // whitespace; the R4 reference validator does not evaluate txt-2 (its htmlChecks() checks
    // names only), so a validator should report fhir.xhtml.empty as a warning.
    CHECK(empty_narratives == std::set<std::string>{"ActivityDefinition-blood-tubes-supply.json",
                                                    "EventDefinition-example.json",
                                                    "Questionnaire-zika-virus-exposure-assessment.json"});
}
