#include "cda/schematron/abstract_patterns.hpp"

#include <algorithm>
#include <set>

namespace healthdoc::cda::schematron::detail {

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    std::string out;
    std::size_t start = 0;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, start)) {
        out.append(text, start, at - start);
        out += to;
        start = at + from.size();
    }
    if (start == 0) return;
    out.append(text, start, std::string::npos);
    text = std::move(out);
}

// Applies `edit` to every expression of a pattern's content, the places ISO 19757-3 (2016)
// and SchXslt substitute parameters in.
template <class Edit> void for_each_expression(RawPattern& pattern, Edit&& edit) {
    edit(pattern.documents);
    auto message = [&](std::vector<MessagePart>& parts) {
        for (auto& part : parts)
            if (part.kind == MessagePart::Kind::value_of || part.kind == MessagePart::Kind::name) edit(part.expression);
    };
    for (auto& let : pattern.lets) edit(let.value);
    for (auto& rule : pattern.rules) {
        edit(rule.rule.context);
        for (auto& item : rule.items) {
            if (auto* let = std::get_if<Let>(&item)) {
                edit(let->value);
            } else if (auto* check = std::get_if<Check>(&item)) {
                edit(check->test);
                edit(check->subject);
                message(check->message);
            }
        }
    }
}

} // namespace

std::string substitute_params(std::string_view text, const std::vector<Param>& params) {
    std::vector<const Param*> sorted;
    for (const auto& param : params) sorted.push_back(&param);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Param* a, const Param* b) { return a->name.size() > b->name.size(); });
    std::string out(text);
    if (out.find('$') == std::string::npos) return out;
    for (const auto* param : sorted) replace_all(out, "$" + param->name, param->value);
    return out;
}

RawPattern instantiate(const RawPattern& abstract, const RawPattern& instance, formats::Diagnostics& out) {
    RawPattern concrete = abstract;
    concrete.abstract = false;
    concrete.id = instance.id;
    concrete.is_a = abstract.id;
    concrete.params.clear();
    concrete.where = instance.where;
    if (!instance.title.empty()) concrete.title = instance.title;

    std::set<std::string> named; // parameters some expression of the abstract pattern mentions
    for_each_expression(concrete, [&](std::string& expression) {
        for (const auto& param : instance.params)
            if (expression.find("$" + param.name) != std::string::npos) named.insert(param.name);
        expression = substitute_params(expression, instance.params);
    });
    std::set<std::string> seen;
    for (const auto& param : instance.params) {
        if (!seen.insert(param.name).second)
            out.report(formats::Severity::warning, "cda.schematron.duplicate-param",
                       "parameter '" + param.name + "' is given twice; the first value is used", param.where);
        else if (!named.count(param.name))
            out.report(formats::Severity::warning, "cda.schematron.unused-param",
                       "abstract pattern '" + abstract.id + "' names no $" + param.name +
                           " in its expressions; this parameter has no effect",
                       param.where);
    }
    return concrete;
}

} // namespace healthdoc::cda::schematron::detail
