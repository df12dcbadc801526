#include "fhir/fhirpath/evaluator.hpp"

#include <cctype>

namespace healthdoc::fhir::fhirpath {

namespace {

using nlohmann::json;

const char* const k_system_types[] = {"Boolean", "String", "Integer", "Decimal", "Date", "DateTime", "Time", "Quantity", "Any"};

bool is_system_type(std::string_view name) {
    for (const char* t : k_system_types)
        if (name == t) return true;
    return false;
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

// The object holding a node's children: the JSON object, or a primitive's "_name" part.
const json* child_object(const Node& node) {
    if (node.value && node.value->is_object()) return node.value;
    if (node.extras && node.extras->is_object()) return node.extras;
    return nullptr;
}

struct DepthScope {
    DepthScope(std::size_t& depth, std::size_t limit, const Evaluator& ev, const Expr& where) : m_depth(depth) {
        if (++m_depth > limit) ev.fail(ErrorKind::execution, "expression evaluation nested too deeply", where);
    }
    ~DepthScope() { --m_depth; }
    std::size_t& m_depth;
};

// Children of an element definition: its type's definition, or its own path for backbone
// elements and content references.
void child_type(const ElementInfo& element, const std::string& own_path, std::string& type, std::string& path) {
    if (!element.content_reference.empty()) {
        type = "BackboneElement";
        path = element.content_reference;
    } else if (element.types.size() == 1) {
        type = element.types[0];
        path = (type == "BackboneElement" || type == "Element") ? own_path : type;
    }
}

} // namespace

Evaluator::Evaluator(const Environment& environment, const Collection& context, const Value* resource, const Value* root)
    : m_env(environment), m_context(context), m_resource(resource), m_root(root) {}

void Evaluator::fail(ErrorKind kind, const std::string& message, const Expr& where) const {
    throw FhirPathError(kind, message, where.position);
}

void Evaluator::check_size(std::size_t size, const Expr& where) const {
    if (size > m_env.options.max_collection) fail(ErrorKind::execution, "collection larger than the configured limit", where);
}

const Temporal& Evaluator::now() {
    if (!m_now) m_now = m_env.now ? *m_env.now : now_local();
    return *m_now;
}

Collection Evaluator::eval(const Expr& e, const Frame& frame) {
    if (++m_steps > m_env.options.max_steps) fail(ErrorKind::execution, "evaluation took more steps than the configured limit", e);
    DepthScope scope(m_depth, m_env.options.max_depth, *this, e);
    switch (e.kind) {
    case Expr::Kind::literal:
        if (e.is_empty) return {};
        return {e.value};
    case Expr::Kind::identifier: return navigate(*frame.focus, e.name, true, e);
    case Expr::Kind::member: {
        // "(x as Period).unit": the element is known not to exist even when x is not a Period.
        const Expr& input = *e.input;
        std::string cast;
        if (input.kind == Expr::Kind::type_op && input.name == "as") cast = input.type_name;
        else if (input.kind == Expr::Kind::call && (input.name == "as" || input.name == "ofType") && input.args.size() == 1)
            cast = type_argument(*input.args[0]);
        if (cast.rfind("FHIR.", 0) == 0) cast.erase(0, 5);
        if (!cast.empty() && types() && m_env.options.check_element_names && types()->find_type(cast) &&
            !types()->find_element(cast + "." + e.name) && types()->find_element(cast))
            fail(ErrorKind::semantic, "'" + e.name + "' is not an element of " + cast, e);
        return navigate(eval(input, frame), e.name, false, e);
    }
    case Expr::Kind::call: return eval_call(e, frame);
    case Expr::Kind::indexer: {
        Collection input = eval(*e.input, frame);
        Collection index = eval(*e.args[0], frame);
        const Value* i = singleton(index, e, "index");
        if (!i) return {};
        auto system = to_system(*i);
        const auto* n = system ? std::get_if<std::int64_t>(&system->data) : nullptr;
        if (!n) fail(ErrorKind::execution, "an index must be an Integer", e);
        if (*n < 0 || static_cast<std::size_t>(*n) >= input.size()) return {};
        return {input[static_cast<std::size_t>(*n)]};
    }
    case Expr::Kind::unary: return eval_unary(e, frame);
    case Expr::Kind::binary: return eval_binary(e, frame);
    case Expr::Kind::type_op: {
        Collection input = eval(*e.input, frame);
        if (input.empty()) return {};
        if (input.size() > 1) fail(ErrorKind::execution, "'" + e.name + "' needs a single item, got " + std::to_string(input.size()), e);
        const bool match = is_type(input[0], e.type_name, e.name == "as", e);
        if (e.name == "is") return {Value(match)};
        return match ? input : Collection{};
    }
    case Expr::Kind::this_value: return *frame.focus;
    case Expr::Kind::index_value:
        if (!frame.has_index) return {};
        return {Value(frame.index)};
    case Expr::Kind::total_value: return frame.total ? *frame.total : Collection{};
    case Expr::Kind::variable: return eval_variable(e);
    }
    return {};
}

Collection Evaluator::eval_on_item(const Expr& expr, const Value& item, std::int64_t index, const Frame& outer, const Collection* total) {
    const Collection focus{item};
    Frame frame;
    frame.focus = &focus;
    frame.index = index;
    frame.has_index = true;
    frame.total = total ? total : outer.total;
    return eval(expr, frame);
}

Collection Evaluator::eval_variable(const Expr& e) {
    const std::string& name = e.name;
    if (name == "context") return m_context;
    if (name == "resource") return m_resource ? Collection{*m_resource} : m_context;
    if (name == "rootResource") return m_root ? Collection{*m_root} : (m_resource ? Collection{*m_resource} : m_context);
    if (auto found = m_env.variables.find(name); found != m_env.variables.end()) return found->second;
    if (name == "ucum") return {Value(std::string("http://unitsofmeasure.org"))};
    if (name == "sct") return {Value(std::string("http://snomed.info/sct"))};
    if (name == "loinc") return {Value(std::string("http://loinc.org"))};
    if (name.rfind("vs-", 0) == 0) return {Value("http://hl7.org/fhir/ValueSet/" + name.substr(3))};
    if (name.rfind("ext-", 0) == 0) return {Value("http://hl7.org/fhir/StructureDefinition/" + name.substr(4))};
    fail(ErrorKind::semantic, "unknown variable %" + name, e);
}

Collection Evaluator::eval_call(const Expr& e, const Frame& frame) {
    if (e.name == "$invalid-time") fail(ErrorKind::execution, "a Time literal cannot carry a time zone", e);
    const FunctionSpec* spec = e.function ? e.function : find_function(e.name);
    if (!spec) fail(ErrorKind::semantic, "unknown function " + e.name + "()", e);
    const int count = static_cast<int>(e.args.size());
    if (count < spec->min_args || count > spec->max_args)
        fail(ErrorKind::semantic, "wrong number of arguments for " + e.name + "()", e);
    if (m_env.options.strict && e.input && e.input->kind == Expr::Kind::call &&
        (e.input->name == "children" || e.input->name == "descendants") &&
        (e.name == "first" || e.name == "last" || e.name == "tail" || e.name == "skip" || e.name == "take")) {
        fail(ErrorKind::semantic, e.name + "() needs an ordered collection; " + e.input->name + "() is unordered", e);
    }
    Collection input = e.input ? eval(*e.input, frame) : *frame.focus;
    return spec->impl(*this, input, e, frame);
}

Collection Evaluator::eval_unary(const Expr& e, const Frame& frame) {
    Collection operand = eval(*e.args[0], frame);
    const Value* item = singleton(operand, e, "operand of unary minus");
    if (!item) return {};
    auto value = to_system(*item);
    if (!value) fail(ErrorKind::execution, "unary " + e.name + " needs a number or a Quantity", e);
    if (e.name == "+") {
        if (std::holds_alternative<std::int64_t>(value->data) || std::holds_alternative<Decimal>(value->data) ||
            std::holds_alternative<Quantity>(value->data))
            return {*value};
    } else if (const auto* i = std::get_if<std::int64_t>(&value->data)) {
        return {Value(-*i)};
    } else if (const auto* d = std::get_if<Decimal>(&value->data)) {
        return {Value(-*d)};
    } else if (const auto* q = std::get_if<Quantity>(&value->data)) {
        return {Value(Quantity{-q->value, q->unit})};
    }
    fail(ErrorKind::execution, "unary " + e.name + " needs a number or a Quantity", e);
}

Collection Evaluator::eval_binary(const Expr& e, const Frame& frame) {
    const std::string& op = e.name;
    if (op == "and" || op == "or" || op == "xor" || op == "implies") {
        const auto lhs = to_boolean(eval(*e.args[0], frame), e);
        // Short-circuit where the left operand alone decides (FHIRPath 6.5).
        if (op == "and" && lhs == false) return {Value(false)};
        if (op == "or" && lhs == true) return {Value(true)};
        if (op == "implies" && lhs == false) return {Value(true)};
        const auto rhs = to_boolean(eval(*e.args[1], frame), e);
        if (op == "and") {
            if (rhs == false) return {Value(false)};
            if (lhs && rhs) return {Value(true)};
            return {};
        }
        if (op == "or") {
            if (rhs == true) return {Value(true)};
            if (lhs && rhs) return {Value(false)};
            return {};
        }
        if (op == "xor") {
            if (!lhs || !rhs) return {};
            return {Value(*lhs != *rhs)};
        }
        // implies, lhs true or empty
        if (rhs == true) return {Value(true)};
        if (lhs && rhs) return {Value(false)};
        return {};
    }
    Collection lhs = eval(*e.args[0], frame);
    Collection rhs = eval(*e.args[1], frame);
    if (op == "|") {
        lhs.insert(lhs.end(), rhs.begin(), rhs.end());
        check_size(lhs.size(), e);
        return distinct_items(lhs);
    }
    if (op == "=" || op == "!=") {
        auto result = collections_equal(lhs, rhs);
        if (!result) return {};
        return {Value(op == "=" ? *result : !*result)};
    }
    if (op == "~" || op == "!~") {
        const bool result = collections_equivalent(lhs, rhs);
        return {Value(op == "~" ? result : !result)};
    }
    if (op == "<" || op == ">" || op == "<=" || op == ">=") {
        const Value* a = singleton(lhs, e, "left operand");
        const Value* b = singleton(rhs, e, "right operand");
        if (!a || !b) return {};
        std::optional<int> order;
        try {
            order = items_compare(*a, *b);
        } catch (const FhirPathError& error) {
            fail(ErrorKind::execution, error.what(), e);
        }
        if (!order) return {};
        const bool result = op == "<" ? *order < 0 : op == ">" ? *order > 0 : op == "<=" ? *order <= 0 : *order >= 0;
        return {Value(result)};
    }
    if (op == "in" || op == "contains") {
        const Collection& element = op == "in" ? lhs : rhs;
        const Collection& container = op == "in" ? rhs : lhs;
        const Value* item = singleton(element, e, "operand of membership");
        if (!item) return {};
        return {Value(contains_equal(container, *item))};
    }
    return arithmetic(*this, op, lhs, rhs, e);
}

std::optional<bool> Evaluator::to_boolean(const Collection& items, const Expr& where) {
    if (items.empty()) return std::nullopt;
    if (items.size() > 1) fail(ErrorKind::execution, "a single Boolean was expected, got " + std::to_string(items.size()) + " items", where);
    auto value = to_system(items[0]);
    if (value) {
        if (const bool* b = std::get_if<bool>(&value->data)) return *b;
    }
    return true; // singleton evaluation: any other single item counts as true
}

const Value* Evaluator::singleton(const Collection& items, const Expr& where, const char* what) {
    if (items.empty()) return nullptr;
    if (items.size() > 1)
        fail(ErrorKind::execution, std::string(what) + " must be a single item, got " + std::to_string(items.size()), where);
    return &items[0];
}

Collection Evaluator::navigate(const Collection& input, const std::string& name, bool root, const Expr& where) {
    Collection out;
    // With definitions, a name that no item's type defines is a semantic error; items of
    // other types in a mixed collection (descendants()) simply have no such child.
    bool defined_somewhere = false;
    std::string undefined_in;
    for (const Value& item : input) {
        if (const auto* spec = std::get_if<TypeSpecifier>(&item.data)) {
            if (name == "namespace") out.push_back(Value(spec->ns));
            else if (name == "name") out.push_back(Value(spec->name));
            continue;
        }
        const Node* node = item.node();
        if (!node) continue;
        if (root && !name.empty() && is_upper(name[0])) {
            const std::string actual = type_of(item).name;
            if (actual == name || is_type_or_subtype(types(), actual, name)) {
                out.push_back(item);
                continue;
            }
        }
        if (navigate_node(*node, name, out)) defined_somewhere = true;
        else if (undefined_in.empty()) undefined_in = node->type.empty() ? node->path : node->type;
        check_size(out.size(), where);
    }
    if (!defined_somewhere && !undefined_in.empty() && m_env.options.check_element_names)
        fail(ErrorKind::semantic, "'" + name + "' is not an element of " + undefined_in, where);
    return out;
}

bool Evaluator::navigate_node(const Node& node, const std::string& name, Collection& out) {
    const ElementInfo* element = nullptr;
    if (types() && !node.path.empty()) {
        element = types()->find_element(node.path + "." + name);
        if (!element && types()->find_element(node.path)) return false;
    }
    const json* object = child_object(node);
    if (!object) return true;
    if (element && element->is_choice) {
        for (auto it = object->begin(); it != object->end(); ++it) {
            const std::string& key = it.key();
            const bool extension_only = key.size() > name.size() + 1 && key[0] == '_' && key.compare(1, name.size(), name) == 0;
            const std::size_t offset = extension_only ? 1 : 0;
            if (!extension_only && (key.size() <= name.size() || key.compare(0, name.size(), name) != 0)) continue;
            const std::string base = key.substr(offset);
            if (!is_upper(base[name.size()])) continue;
            if (extension_only && object->contains(base)) continue;
            const std::string type = choice_suffix_type(std::string_view(base).substr(name.size()));
            if (type.empty()) continue;
            add_child(node, base, type, type, out);
        }
        return true;
    }
    if (element) {
        std::string type, path;
        child_type(*element, node.path + "." + name, type, path);
        add_child(node, name, type, path, out);
        return true;
    }
    if (object->contains(name) || object->contains("_" + name)) {
        add_child(node, name, "", "", out);
        return true;
    }
    // No definitions: value[x] guessed from the key suffixes that name R4 data types.
    for (auto it = object->begin(); it != object->end(); ++it) {
        const std::string& key = it.key();
        if (key.size() <= name.size() || key.compare(0, name.size(), name) != 0 || !is_upper(key[name.size()])) continue;
        const std::string type = choice_suffix_type(std::string_view(key).substr(name.size()));
        if (!type.empty()) add_child(node, key, type, type, out);
    }
    return true;
}

void Evaluator::add_child(const Node& parent, const std::string& key, std::string type, std::string path, Collection& out) {
    const json* object = child_object(parent);
    if (!object) return;
    auto v = object->find(key);
    auto x = object->find("_" + key);
    const json* values = v != object->end() ? &*v : nullptr;
    const json* extras = x != object->end() ? &*x : nullptr;
    auto make = [&](const json* value, const json* extra) {
        Node n;
        n.value = value && !value->is_null() ? value : nullptr;
        n.extras = extra && extra->is_object() ? extra : nullptr;
        if (!n.value && !n.extras) return;
        n.type = type;
        n.path = path;
        n.resource = parent.resource;
        n.root = parent.root;
        if (n.value && n.value->is_object()) {
            auto resource_type = n.value->find("resourceType");
            if (resource_type != n.value->end() && resource_type->is_string()) {
                n.type = resource_type->get<std::string>();
                n.path = n.type;
                n.resource = n.value;
                if (key != "contained") n.root = n.value;
            }
        }
        out.push_back(Value(std::move(n)));
    };
    if (values && values->is_array()) {
        const bool parallel = extras && extras->is_array();
        for (std::size_t i = 0; i < values->size(); ++i)
            make(&(*values)[i], parallel && i < extras->size() ? &(*extras)[i] : nullptr);
    } else if (values) {
        make(values, extras);
    } else if (extras) {
        if (extras->is_array()) {
            for (const auto& e : *extras) make(nullptr, &e);
        } else {
            make(nullptr, extras);
        }
    }
}

void Evaluator::append_children(const Value& item, Collection& out) {
    const Node* node = item.node();
    if (!node) return;
    const json* object = child_object(*node);
    if (!object) return;
    for (auto it = object->begin(); it != object->end(); ++it) {
        std::string key = it.key();
        if (key == "resourceType" || key == "fhir_comments") continue;
        if (key[0] == '_') {
            key.erase(0, 1);
            if (object->contains(key)) continue; // handled with its value
        }
        std::string type, path;
        if (types() && !node->path.empty()) {
            if (const ElementInfo* element = types()->find_element(node->path + "." + key)) {
                child_type(*element, node->path + "." + key, type, path);
            } else {
                for (std::size_t cut = key.size() - 1; cut > 0; --cut) {
                    if (!is_upper(key[cut])) continue;
                    const ElementInfo* choice = types()->find_element(node->path + "." + key.substr(0, cut));
                    if (choice && choice->is_choice) {
                        type = choice_suffix_type(std::string_view(key).substr(cut));
                        path = type;
                        break;
                    }
                }
            }
        }
        add_child(*node, key, type, path, out);
    }
}

std::string Evaluator::type_argument(const Expr& arg) {
    if (arg.kind == Expr::Kind::identifier) return arg.name;
    if (arg.kind == Expr::Kind::member && arg.input && arg.input->kind == Expr::Kind::identifier)
        return arg.input->name + "." + arg.name;
    fail(ErrorKind::semantic, "a type name was expected", arg);
}

bool Evaluator::is_type(const Value& item, const std::string& type_name, bool exact, const Expr& where) {
    std::string ns;
    std::string name = type_name;
    if (type_name.rfind("FHIR.", 0) == 0) {
        ns = "FHIR";
        name = type_name.substr(5);
    } else if (type_name.rfind("System.", 0) == 0) {
        ns = "System";
        name = type_name.substr(7);
    }
    const bool fhir_known = is_fhir_primitive(name) || (types() && types()->find_type(name));
    if (ns.empty() && !fhir_known && !is_system_type(name) && types())
        fail(ErrorKind::semantic, "unknown type " + type_name, where);
    if (ns == "FHIR" && !fhir_known && types()) fail(ErrorKind::semantic, "unknown type " + type_name, where);
    const TypeSpecifier actual = type_of(item);
    if (actual.ns == "System") {
        if (ns == "FHIR") return false;
        if (ns.empty() && fhir_known && !is_system_type(name)) return false;
        return actual.name == name || name == "Any";
    }
    if (ns == "System") return false;
    if (ns.empty() && !fhir_known && is_system_type(name)) return false;
    if (exact && is_fhir_primitive(actual.name)) return actual.name == name;
    return is_type_or_subtype(types(), actual.name, name);
}

Value resource_node(const nlohmann::json& resource) {
    Node node;
    node.value = &resource;
    node.resource = &resource;
    node.root = &resource;
    if (resource.is_object()) {
        auto type = resource.find("resourceType");
        if (type != resource.end() && type->is_string()) {
            node.type = type->get<std::string>();
            node.path = node.type;
        }
    }
    return Value(std::move(node));
}

Collection evaluate(const Expression& expression, const Collection& context, const Value* resource,
                    const Value* root_resource, const Environment& environment) {
    if (!expression.root()) return {};
    Evaluator evaluator(environment, context, resource, root_resource);
    Frame frame;
    frame.focus = &context;
    return evaluator.eval(*expression.root(), frame);
}

Collection evaluate(const Expression& expression, const nlohmann::json& resource, const Environment& environment) {
    const Value root = resource_node(resource);
    const Collection context{root};
    return evaluate(expression, context, &root, &root, environment);
}

std::optional<bool> evaluate_boolean(const Expression& expression, const Collection& context, const Value* resource,
                                     const Value* root_resource, const Environment& environment) {
    Collection result = evaluate(expression, context, resource, root_resource, environment);
    if (result.empty()) return std::nullopt;
    if (result.size() > 1)
        throw FhirPathError(ErrorKind::execution, "the expression returned " + std::to_string(result.size()) + " items where one Boolean was expected");
    auto value = to_system(result[0]);
    if (value) {
        if (const bool* b = std::get_if<bool>(&value->data)) return *b;
    }
    return true;
}

std::string describe(const Value& item) {
    const TypeSpecifier type = type_of(item);
    if (auto text = to_text(item)) return type.name + ": " + *text;
    if (const auto* spec = std::get_if<TypeSpecifier>(&item.data)) return "TypeInfo: " + spec->ns + "." + spec->name;
    return type.name + ": " + to_json(item).dump();
}

} // namespace healthdoc::fhir::fhirpath
