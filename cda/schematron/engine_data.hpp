// The compiled form of a schema, shared by engine_compile.cpp (which builds it) and
// engine_run.cpp (which runs it). Internal to the engine.
#pragma once

#include "cda/schematron/engine.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::cda::schematron {

struct CompiledLet {
    std::string name;
    std::optional<xpath::Expression> value; // nullopt when it did not compile
    const Let* source = nullptr;
};

struct CompiledPart {
    MessagePart::Kind kind = MessagePart::Kind::text;
    std::string text;
    std::optional<xpath::Expression> expression; // value-of, or name with a path
};

struct CompiledCheck {
    const Check* source = nullptr;
    xpath::Expression test;
    std::vector<CompiledPart> message;
    std::vector<std::vector<CompiledPart>> diagnostics;
};

struct CompiledRule {
    const Rule* source = nullptr;
    xpath::Pattern context;
    std::vector<CompiledLet> lets;
    std::vector<CompiledCheck> checks;
};

struct CompiledPattern {
    const Pattern* source = nullptr;
    std::vector<CompiledRule> rules;
    // Rules (indexes into `rules`, ascending) that can match an element of this expanded name,
    // and those that may match any node; a node is tried against the merge of both.
    std::map<xpath::Pattern::Name, std::vector<std::size_t>> by_name;
    std::vector<std::size_t> any_node;
    // Rules whose context is `*[p:templateId/@root = 'OID']` (p bound to the HL7 v3 namespace),
    // the form most CDA schematron rules take: tried only on elements declaring that template.
    std::map<std::string, std::vector<std::size_t>, std::less<>> by_template;
    // Rules whose context is `.../p:name[...]/*[...]` (any child of a named element, the form of
    // the ANS header's closed-template rules): tried only on children of such an element.
    std::map<xpath::Pattern::Name, std::vector<std::size_t>> by_parent;
};

struct CompiledSchemaData {
    Schema schema;
    std::string phase;
    std::vector<CompiledLet> globals; // schema lets, then every pattern's lets
    std::map<std::string, std::size_t, std::less<>> global_index;
    std::vector<CompiledPattern> patterns;
    std::size_t checks = 0;
};

} // namespace healthdoc::cda::schematron
