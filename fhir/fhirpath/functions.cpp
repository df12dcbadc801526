#include "fhir/fhirpath/function_support.hpp"

namespace healthdoc::fhir::fhirpath {

const FunctionSpec* find_function(std::string_view name) {
    static const FunctionTable table = [] {
        FunctionTable t;
        register_existence_functions(t);
        register_filtering_functions(t);
        register_conversion_functions(t);
        register_string_functions(t);
        register_math_functions(t);
        register_utility_functions(t);
        register_fhir_functions(t);
        return t;
    }();
    auto found = table.find(name);
    return found != table.end() ? &found->second : nullptr;
}

std::optional<Value> single_input(Evaluator& ev, const Collection& input, const Expr& call) {
    const Value* item = ev.singleton(input, call, (call.name + "() input").c_str());
    if (!item) return std::nullopt;
    if (auto system = to_system(*item)) return system;
    if (const Node* node = item->node()) {
        if (auto quantity = node_quantity(*node)) return Value(*quantity);
        if (!node->value) return std::nullopt; // primitive with extensions only
    }
    return *item;
}

std::optional<std::string> string_input(Evaluator& ev, const Collection& input, const Expr& call) {
    auto value = single_input(ev, input, call);
    if (!value) return std::nullopt;
    if (const auto* text = std::get_if<std::string>(&value->data)) return *text;
    ev.fail(ErrorKind::semantic, call.name + "() applies to a String, not " + type_of(*value).name, call);
}

Collection argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame) {
    return ev.eval(*call.args.at(index), frame);
}

std::optional<std::string> string_argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame) {
    Collection value = argument(ev, call, index, frame);
    const Value* item = ev.singleton(value, call, "argument");
    if (!item) return std::nullopt;
    auto system = to_system(*item);
    const auto* text = system ? std::get_if<std::string>(&system->data) : nullptr;
    if (!text) ev.fail(ErrorKind::execution, call.name + "() expects a String argument", call);
    return *text;
}

std::optional<std::int64_t> integer_argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame) {
    Collection value = argument(ev, call, index, frame);
    const Value* item = ev.singleton(value, call, "argument");
    if (!item) return std::nullopt;
    auto system = to_system(*item);
    const auto* integer = system ? std::get_if<std::int64_t>(&system->data) : nullptr;
    if (!integer) ev.fail(ErrorKind::execution, call.name + "() expects an Integer argument", call);
    return *integer;
}

std::u32string to_code_points(const std::string& text) {
    std::u32string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        char32_t code = c;
        std::size_t length = 1;
        if (c >= 0xF0 && i + 3 < text.size()) {
            code = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 12) |
                   ((static_cast<unsigned char>(text[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(text[i + 3]) & 0x3Fu);
            length = 4;
        } else if (c >= 0xE0 && i + 2 < text.size()) {
            code = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) | (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
            length = 3;
        } else if (c >= 0xC0 && i + 1 < text.size()) {
            code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            length = 2;
        }
        out += code;
        i += length;
    }
    return out;
}

std::string to_utf8(const std::u32string& text) {
    std::string out;
    for (char32_t code : text) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }
    return out;
}

} // namespace healthdoc::fhir::fhirpath
