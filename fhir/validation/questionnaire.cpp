// Questionnaire rules: a QuestionnaireResponse checked against the Questionnaire its
// `questionnaire` canonical names (contained, in the bundle, or in the definitions) the way the
// reference validator's QuestionnaireValidator does: linkIds exist and sit where the
// questionnaire puts them, answers have the item's type and one of its options, required items
// are answered, and enableWhen (or an enableWhen expression extension) decides which items may
// be answered. A Questionnaire's own enableWhen links must point at questions outside the item.
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

#include <algorithm>
#include <map>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr std::size_t max_nesting = 60;

bool flag(const json& object, const char* key) {
    if (!object.is_object()) return false;
    auto found = object.find(key);
    return found != object.end() && found->is_boolean() && found->get<bool>();
}

// The member named prefix + Type ("valueCoding", "answerBoolean"): its type suffix and value.
std::pair<std::string, const json*> choice_of(const json& object, const std::string& prefix) {
    if (!object.is_object()) return {{}, nullptr};
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] >= 'A' &&
            key[prefix.size()] <= 'Z')
            return {key.substr(prefix.size()), &it.value()};
    }
    return {{}, nullptr};
}

// Depth-first search of the questionnaire items for `link_id`; `chain` receives the items from
// the top level down to the one found.
bool find_question(const json* items, const std::string& link_id, std::vector<const json*>& chain,
                   std::size_t depth = 0) {
    if (!items || depth > max_nesting) return false;
    for (const auto& item : *items) {
        chain.push_back(&item);
        if (text_of(item, "linkId") == link_id) return true;
        if (find_question(array_of(item, "item"), link_id, chain, depth + 1)) return true;
        chain.pop_back();
    }
    return false;
}

// One level of the walk: the questionnaire item and the response item answering it.
struct Level {
    const json* question = nullptr;
    const json* data = nullptr;
};

struct ResponseCheck {
    Run& run;
    const json& questionnaire;
    const json& response;
    bool in_progress = false;

    void items(const json* questions, const json& element, const std::string& path, std::vector<Level>& stack);
    void answered_item(const json& question, const json& data, const std::string& path, std::vector<Level>& stack);
    void answer_value(const json& question, const json& answer, const std::string& path);
    bool enabled(const json& question, const std::vector<Level>& stack);
    std::vector<const json*> answers_to(const std::string& link_id, const std::vector<Level>& stack);
};

// Compares an answer with an enableWhen answer of the same type: <0, 0, >0, or nullopt when
// they cannot be compared.
std::optional<int> compare_answers(const json& actual, const json& expected) {
    if (actual.is_boolean() && expected.is_boolean()) return int(actual.get<bool>()) - int(expected.get<bool>());
    if (actual.is_number() && expected.is_number()) {
        const double a = actual.get<double>(), e = expected.get<double>();
        return a < e ? -1 : a > e ? 1 : 0;
    }
    if (actual.is_string() && expected.is_string()) {
        const int c = actual.get_ref<const std::string&>().compare(expected.get_ref<const std::string&>());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (actual.is_object() && expected.is_object()) {
        if (expected.contains("code") || actual.contains("code")) { // Coding
            const std::string as = text_of(actual, "system"), es = text_of(expected, "system");
            const bool same =
                (as.empty() || es.empty() || as == es) && text_of(actual, "code") == text_of(expected, "code");
            return same ? 0 : 1;
        }
        auto av = actual.find("value"), ev = expected.find("value"); // Quantity
        if (av != actual.end() && ev != expected.end() && av->is_number() && ev->is_number() &&
            text_of(actual, "unit") == text_of(expected, "unit"))
            return compare_answers(*av, *ev);
    }
    return std::nullopt;
}

bool operator_holds(const std::string& op, int order) {
    if (op == "=") return order == 0;
    if (op == "!=") return order != 0;
    if (op == ">") return order > 0;
    if (op == "<") return order < 0;
    if (op == ">=") return order >= 0;
    if (op == "<=") return order <= 0;
    return false;
}

// The enableWhen expression of an item (the SDC extension or the older Finnish PHR one).
std::optional<std::string> enable_expression(const json& question) {
    const json* extensions = array_of(question, "extension");
    if (!extensions) return std::nullopt;
    for (const auto& extension : *extensions) {
        const std::string url = text_of(extension, "url");
        if (url == "http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen") {
            if (auto text = text_of(extension, "valueString"); !text.empty()) return text;
        } else if (url == "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression") {
            auto expression = extension.find("valueExpression");
            if (expression != extension.end())
                if (auto text = text_of(*expression, "expression"); !text.empty()) return text;
        }
    }
    return std::nullopt;
}

std::vector<const json*> ResponseCheck::answers_to(const std::string& link_id, const std::vector<Level>& stack) {
    std::vector<const json*> chain;
    std::vector<const json*> values;
    if (!find_question(array_of(questionnaire, "item"), link_id, chain)) return values;
    // The deepest level the current item shares with the target question: its data is searched.
    std::size_t shared = 0;
    while (shared < stack.size() && shared < chain.size() && stack[shared].question == chain[shared]) ++shared;
    std::vector<const json*> current{shared == 0 ? &response : stack[shared - 1].data};
    for (std::size_t level = shared; level < chain.size(); ++level) {
        const std::string wanted = text_of(*chain[level], "linkId");
        std::vector<const json*> next;
        for (const json* element : current) {
            auto take = [&](const json& holder) {
                if (const json* items = array_of(holder, "item"))
                    for (const auto& item : *items)
                        if (text_of(item, "linkId") == wanted) next.push_back(&item);
            };
            take(*element);
            if (const json* answers = array_of(*element, "answer"))
                for (const auto& answer : *answers) take(answer);
        }
        current = std::move(next);
    }
    for (const json* item : current)
        if (const json* answers = array_of(*item, "answer"))
            for (const auto& answer : *answers)
                if (auto [type, value] = choice_of(answer, "value"); value) values.push_back(&answer);
    return values;
}

bool ResponseCheck::enabled(const json& question, const std::vector<Level>& stack) {
    if (auto expression = enable_expression(question)) {
        try {
            const fhirpath::Expression compiled = fhirpath::parse(*expression);
            const fhirpath::Value root = fhirpath::resource_node(response);
            // descendants().where(linkId = ...) meets elements without linkId: not an error here.
            fhirpath::Environment environment = run.environment;
            environment.options.check_element_names = false;
            auto holds = fhirpath::evaluate_boolean(compiled, fhirpath::Collection{root}, &root, &root, environment);
            return holds.value_or(false);
        } catch (const std::exception&) {
            return true; // an expression we cannot evaluate does not disable the item
        }
    }
    const json* conditions = array_of(question, "enableWhen");
    if (!conditions || conditions->empty()) return true;
    std::vector<bool> results;
    for (const auto& condition : *conditions) {
        const std::string op = text_of(condition, "operator");
        const auto found = answers_to(text_of(condition, "question"), stack);
        auto [expected_type, expected] = choice_of(condition, "answer");
        if (op == "exists") {
            results.push_back(expected && expected->is_boolean() && expected->get<bool>() != found.empty());
            continue;
        }
        bool any = false;
        for (const json* answer : found) {
            auto [type, value] = choice_of(*answer, "value");
            if (!expected || type != expected_type) continue;
            if (auto order = compare_answers(*value, *expected); order && operator_holds(op, *order)) any = true;
        }
        results.push_back(any);
    }
    const std::string behavior = text_of(question, "enableBehavior");
    if (behavior == "any" || results.size() == 1)
        return std::find(results.begin(), results.end(), true) != results.end();
    if (behavior == "all") return std::find(results.begin(), results.end(), false) == results.end();
    return true;
}

void ResponseCheck::items(const json* questions, const json& element, const std::string& path,
                          std::vector<Level>& stack) {
    if (stack.size() > max_nesting) return;
    std::map<std::string, std::vector<std::pair<const json*, std::size_t>>> by_link_id;
    if (const json* data_items = array_of(element, "item")) {
        long last = -1;
        for (std::size_t i = 0; i < data_items->size(); ++i) {
            const json& item = (*data_items)[i];
            const std::string item_path = path + ".item[" + std::to_string(i) + "]";
            const std::string link_id = text_of(item, "linkId");
            if (link_id.empty()) continue; // the linkId cardinality is the structure's finding
            long index = -1;
            if (questions)
                for (std::size_t q = 0; q < questions->size(); ++q)
                    if (text_of((*questions)[q], "linkId") == link_id) index = static_cast<long>(q);
            if (index < 0) {
                std::vector<const json*> chain;
                if (find_question(array_of(questionnaire, "item"), link_id, chain)) {
                    run.report(Severity::error, "fhir.questionnaire.misplaced-item",
                               "Structural Error: item '" + link_id + "' is in the wrong place.", path, &item);
                    stack.push_back({chain.back(), &item});
                    answered_item(*chain.back(), item, item_path, stack);
                    stack.pop_back();
                } else {
                    run.report(Severity::error, "fhir.questionnaire.unknown-link-id",
                               "LinkId '" + link_id + "' not found in questionnaire", path, &item);
                }
                continue;
            }
            if (index < last)
                run.report(Severity::error, "fhir.questionnaire.item-order", "Structural Error: items are out of order",
                           path, &item);
            last = index;
            // An item without answers or items counts as absent for enableWhen and required.
            if (array_of(item, "answer") || array_of(item, "item")) by_link_id[link_id].push_back({&item, i});
        }
    }
    if (!questions) return;
    for (const auto& question : *questions) {
        const std::string link_id = text_of(question, "linkId");
        const bool is_enabled = enabled(question, stack);
        auto found = by_link_id.find(link_id);
        if (found == by_link_id.end()) {
            if (is_enabled && flag(question, "required"))
                run.report(in_progress ? Severity::warning : Severity::error, "fhir.questionnaire.required-missing",
                           "No response answer found for required item '" + link_id + "'", path, &element);
            continue;
        }
        if (found->second.size() > 1 && !flag(question, "repeats"))
            run.report(Severity::error, "fhir.questionnaire.repeated-item",
                       "Only one response item with the linkId '" + link_id + "' is allowed: the item does not repeat.",
                       path, found->second[1].first);
        for (const auto& [data, index] : found->second) {
            const std::string item_path = path + ".item[" + std::to_string(index) + "]";
            if (!is_enabled)
                run.report(Severity::error, "fhir.questionnaire.not-enabled",
                           "Item has answer, even though it is not enabled (item id = '" + link_id + "')", item_path,
                           data);
            stack.push_back({&question, data});
            answered_item(question, *data, item_path, stack);
            stack.pop_back();
        }
    }
}

void ResponseCheck::answered_item(const json& question, const json& data, const std::string& path,
                                  std::vector<Level>& stack) {
    const std::string link_id = text_of(question, "linkId");
    const std::string type = text_of(question, "type");
    const std::string text = text_of(data, "text");
    if (!text.empty() && text != text_of(question, "text"))
        run.report(Severity::error, "fhir.questionnaire.text-mismatch",
                   "If text exists, it must match the questionnaire definition for linkId '" + link_id + "'", path,
                   &data);
    const json* answers = array_of(data, "answer");
    const bool answered = answers && !answers->empty();
    const bool fulfilled = answered || !flag(question, "required") || type == "group";
    if (!fulfilled && (in_progress || enabled(question, {stack.begin(), stack.end() - 1})))
        run.report(in_progress ? Severity::warning : Severity::error, "fhir.questionnaire.required-missing",
                   "No response answer found for required item '" + link_id + "'", path, &data);
    if (answers && answers->size() > 1 && !flag(question, "repeats"))
        run.report(Severity::error, "fhir.questionnaire.repeated-answer",
                   "Only one response answer item with the linkId '" + link_id + "' is allowed.", path, &(*answers)[1]);
    if (answers)
        for (std::size_t i = 0; i < answers->size(); ++i) {
            const json& answer = (*answers)[i];
            const std::string answer_path = path + ".answer[" + std::to_string(i) + "]";
            if (type == "group") {
                run.report(Severity::error, "fhir.questionnaire.group-answer",
                           "Items of type group should not have answers.", path, &answer);
                continue;
            }
            answer_value(question, answer, answer_path);
            items(array_of(question, "item"), answer, answer_path, stack);
        }
    if (type == "group") {
        items(array_of(question, "item"), data, path, stack);
    } else if (const json* nested = array_of(data, "item"); nested && !nested->empty()) {
        run.report(Severity::error, "fhir.questionnaire.item-outside-answer",
                   "Items not of type group should not have items outside answers (use answer.item, not .item).", path,
                   &data);
    }
}

// The answer types each item type accepts (reference validator order).
std::vector<std::string> answer_types(const std::string& item_type) {
    static const std::map<std::string, std::vector<std::string>> types{
        {"boolean", {"Boolean"}},
        {"decimal", {"Decimal"}},
        {"integer", {"Integer"}},
        {"date", {"Date"}},
        {"dateTime", {"DateTime"}},
        {"time", {"Time"}},
        {"string", {"String"}},
        {"text", {"String"}},
        {"url", {"Uri"}},
        {"attachment", {"Attachment"}},
        {"reference", {"Reference"}},
        {"quantity", {"Quantity"}},
        {"choice", {"Coding", "Date", "Time", "Integer", "String"}},
        {"open-choice", {"Coding", "Date", "Time", "Integer", "String"}},
    };
    auto found = types.find(item_type);
    return found == types.end() ? std::vector<std::string>{} : found->second;
}

std::string lower_first(std::string text) {
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

void ResponseCheck::answer_value(const json& question, const json& answer, const std::string& path) {
    auto [type, value] = choice_of(answer, "value");
    if (!value) return;
    const std::string item_type = text_of(question, "type");
    const auto allowed = answer_types(item_type);
    if (allowed.empty()) return; // display, group, or a type the structure already rejects
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
        std::string names;
        for (const auto& t : allowed) names += (names.empty() ? "" : ", ") + lower_first(t);
        run.report(Severity::error, "fhir.questionnaire.answer-type",
                   allowed.size() == 1 ? "Answer value must be of type " + names
                                       : "Answer value must be one of the types " + names,
                   path + ".value.ofType(" + type + ")", value);
        return;
    }
    if (item_type != "choice" && item_type != "open-choice") return;
    const bool open = item_type == "open-choice";
    if (type == "Coding") {
        const std::string value_set = text_of(question, "answerValueSet");
        if (!value_set.empty()) {
            const std::string code = text_of(*value, "code");
            if (code.empty()) return;
            CodeCheck check = run.terminology.check(value_set, text_of(*value, "system"), code);
            if (check.membership == Membership::not_member)
                run.report(Severity::error, "fhir.questionnaire.answer-not-in-value-set",
                           "The code '" + code + "' is not in the answer value set " + value_set + ".", path, value);
            return;
        }
    }
    const json* options = array_of(question, "answerOption");
    if (!options || options->empty()) return;
    std::vector<const json*> candidates;
    for (const auto& option : *options)
        if (auto [option_type, option_value] = choice_of(option, "value"); option_value && option_type == type)
            candidates.push_back(option_value);
    const std::string type_name = type == "Coding" ? "coding" : lower_first(type);
    if (candidates.empty()) {
        if (!open)
            run.report(Severity::error, "fhir.questionnaire.no-options",
                       "Option list has no option values of type " + type_name, path, value);
        return;
    }
    bool found = false;
    for (const json* candidate : candidates) {
        if (type == "Coding")
            found = found || (text_of(*candidate, "system") == text_of(*value, "system") &&
                              text_of(*candidate, "code") == text_of(*value, "code"));
        else
            found = found || *candidate == *value;
    }
    if (!found && !(open && type == "String"))
        run.report(open ? Severity::warning : Severity::error, "fhir.questionnaire.not-an-option",
                   "The " + type_name + " answer is not one of the item's answer options.", path, value);
}

// The Questionnaire the response claims: contained ("#id"), in the bundle, or in the definitions.
const json* find_questionnaire(const Run& run, const json& response, const ResourceFrame& frame,
                               const std::string& canonical) {
    if (!canonical.empty() && canonical[0] == '#') {
        if (const json* contained = array_of(response, "contained"))
            for (const auto& resource : *contained)
                if (text_of(resource, "resourceType") == "Questionnaire" && "#" + text_of(resource, "id") == canonical)
                    return &resource;
        return nullptr;
    }
    const std::string url = canonical.substr(0, canonical.find('|'));
    if (frame.bundle_index)
        for (const auto& [full_url, resource] : frame.bundle_index->by_full_url)
            if (resource && text_of(*resource, "resourceType") == "Questionnaire" && text_of(*resource, "url") == url)
                return resource;
    if (const json* found = run.definitions.find(canonical)) return found;
    return run.definitions.find(url);
}

// True when an item below `items` (at any depth) has the linkId.
bool has_descendant(const json* items, const std::string& link_id) {
    std::vector<const json*> chain;
    return find_question(items, link_id, chain);
}

void check_questionnaire_items(Run& run, const json& questionnaire, const json* items, const std::string& path,
                               std::size_t depth) {
    if (!items || depth > max_nesting) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const json& item = (*items)[i];
        const std::string item_path = path + ".item[" + std::to_string(i) + "]";
        const std::string link_id = text_of(item, "linkId");
        if (const json* conditions = array_of(item, "enableWhen"))
            for (const auto& condition : *conditions) {
                const std::string target = text_of(condition, "question");
                if (target.empty()) continue; // the structure reports the missing question
                if (has_descendant(array_of(item, "item"), target)) {
                    run.report(Severity::error, "fhir.questionnaire.enable-when-inner",
                               "Questions with an enableWhen cannot refer to an inner question for its enableWhen "
                               "condition",
                               item_path, &condition);
                } else if (target == link_id) {
                    run.report(Severity::error, "fhir.questionnaire.enable-when-self",
                               "Target for this question enableWhen can't reference itself", item_path, &condition);
                } else if (!has_descendant(array_of(questionnaire, "item"), target)) {
                    run.report(Severity::error, "fhir.questionnaire.enable-when-target",
                               "Unable to find target '" + target + "' for the enableWhen question link on '" +
                                   link_id + "'",
                               item_path, &condition);
                }
            }
        check_questionnaire_items(run, questionnaire, array_of(item, "item"), item_path, depth + 1);
    }
}

} // namespace

void check_questionnaire_rules(Run& run, const json& resource, const ResourceFrame& frame) {
    const std::string type = text_of(resource, "resourceType");
    if (type == "Questionnaire") {
        check_questionnaire_items(run, resource, array_of(resource, "item"), frame.path, 0);
        return;
    }
    if (type != "QuestionnaireResponse") return;
    const std::string canonical = text_of(resource, "questionnaire");
    if (canonical.empty()) return;
    const json* questionnaire = find_questionnaire(run, resource, frame, canonical);
    if (!questionnaire) {
        run.report(Severity::warning, "fhir.questionnaire.not-found",
                   "The questionnaire '" + canonical + "' could not be resolved, so the answers were not checked.",
                   frame.path + ".questionnaire", &resource);
        return;
    }
    ResponseCheck check{run, *questionnaire, resource, text_of(resource, "status") == "in-progress"};
    std::vector<Level> stack;
    check.items(array_of(*questionnaire, "item"), resource, frame.path, stack);
}

} // namespace healthdoc::fhir::validation
