// Internal to the loader: the schema as read, includes expanded but nothing else resolved yet
// (abstract patterns and rules still present, sch:extends still references). The reader fills
// it; resolve_schema() turns it into the public model (cda/schematron/model.hpp).
#pragma once

#include "cda/schematron/model.hpp"

#include <string>
#include <variant>
#include <vector>

namespace healthdoc::cda::schematron::detail {

// sch:param of an abstract pattern's instance.
struct Param {
    std::string name; // trimmed
    std::string value;
    formats::Location where;
};

// sch:extends rule="...": the abstract rule whose content goes here.
struct Extends {
    std::string rule;
    formats::Location where;
};

// The content of a rule in document order: lets, checks and extends interleave.
using RuleItem = std::variant<Let, Check, Extends>;

// A rule as written: abstract ones are only ever brought into others by sch:extends.
struct RawRule {
    bool abstract = false;
    Rule rule; // context and attributes; lets and checks stay empty until resolved
    std::vector<RuleItem> items;
};

// A pattern as written: plain, abstract (`abstract`), or an instance of one (`is_a` + `params`).
struct RawPattern {
    bool abstract = false;
    std::string id, title, documents, is_a;
    std::vector<Param> params; // of an instance (is_a set)
    std::vector<Let> lets;
    std::vector<RawRule> rules;
    formats::Location where;
};

// The whole schema as read, includes expanded.
struct RawSchema {
    Schema schema; // everything but patterns, which are resolved from `patterns`
    std::vector<RawPattern> patterns;
};

} // namespace healthdoc::cda::schematron::detail
