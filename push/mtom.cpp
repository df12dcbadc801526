#include "push/mtom.hpp"

#include "formats/text_utils.hpp"

#include <algorithm>
#include <cctype>

namespace healthdoc::push {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string& text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string strip_brackets(std::string id) {
    id = trim(id);
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    return id;
}

MimePart parse_part(const std::string& raw) {
    MimePart part;
    std::size_t header_end = raw.find("\r\n\r\n");
    std::size_t body_start = header_end == std::string::npos ? std::string::npos : header_end + 4;
    if (std::size_t lf = raw.find("\n\n");
        lf != std::string::npos && (header_end == std::string::npos || lf < header_end)) {
        header_end = lf;
        body_start = lf + 2;
    }
    if (header_end == std::string::npos) {
        part.body = raw; // no headers at all (RFC 2046 allows it): all body
        return part;
    }
    std::string headers = raw.substr(0, header_end);
    part.body = raw.substr(body_start);
    std::size_t start = 0;
    while (start <= headers.size()) {
        std::size_t end = headers.find('\n', start);
        std::string line = headers.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !part.headers.empty()) {
            part.headers.back().second += " " + trim(line); // folded header
        } else if (auto colon = line.find(':'); colon != std::string::npos) {
            part.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    for (const auto& [name, value] : part.headers) {
        if (name == "content-id") part.content_id = strip_brackets(value);
        if (name == "content-type") part.content_type = value;
    }
    return part;
}

} // namespace

const MimePart* MultipartRelated::find(const std::string& cid) const {
    std::string id = cid;
    if (lower(id.substr(0, 4)) == "cid:") id = formats::percent_decode(id.substr(4));
    id = strip_brackets(id);
    for (const auto& part : parts)
        if (part.content_id == id) return &part;
    return nullptr;
}

std::string header_parameter(const std::string& header_value, const std::string& name) {
    std::size_t pos = header_value.find(';');
    while (pos != std::string::npos) {
        std::size_t name_start = pos + 1;
        std::size_t equals = header_value.find('=', name_start);
        if (equals == std::string::npos) return "";
        std::string key = lower(trim(header_value.substr(name_start, equals - name_start)));
        std::size_t value_start = equals + 1;
        while (value_start < header_value.size() && header_value[value_start] == ' ') ++value_start;
        std::string value;
        std::size_t next;
        if (value_start < header_value.size() && header_value[value_start] == '"') {
            std::size_t close = header_value.find('"', value_start + 1);
            if (close == std::string::npos) return "";
            value = header_value.substr(value_start + 1, close - value_start - 1);
            next = header_value.find(';', close);
        } else {
            next = header_value.find(';', value_start);
            value = trim(
                header_value.substr(value_start, next == std::string::npos ? std::string::npos : next - value_start));
        }
        if (key == lower(name)) return value;
        pos = next;
    }
    return "";
}

std::optional<MultipartRelated> parse_multipart_related(const std::string& content_type, const std::string& body,
                                                        std::string& error) {
    std::string boundary = header_parameter(content_type, "boundary");
    if (boundary.empty() || boundary.size() > 200) {
        error = "The multipart Content-Type has no usable boundary parameter.";
        return std::nullopt;
    }
    const std::string delimiter = "--" + boundary;
    std::size_t pos = body.rfind(delimiter, 0) == 0 ? 0 : body.find("\n" + delimiter);
    if (pos == std::string::npos) {
        error = "The multipart body does not contain its boundary delimiter.";
        return std::nullopt;
    }
    if (pos != 0) ++pos; // skip the '\n' found before the first delimiter
    MultipartRelated message;
    bool closed = false;
    while (true) {
        std::size_t after = pos + delimiter.size();
        if (body.compare(after, 2, "--") == 0) {
            closed = true;
            break;
        }
        std::size_t line_end = body.find('\n', after);
        if (line_end == std::string::npos) break;
        std::size_t part_start = line_end + 1;
        std::size_t next = body.find("\n" + delimiter, part_start);
        if (next == std::string::npos) break;
        std::size_t part_end = next > part_start && body[next - 1] == '\r' ? next - 1 : next;
        if (part_end < part_start) part_end = part_start;
        message.parts.push_back(parse_part(body.substr(part_start, part_end - part_start)));
        pos = next + 1;
    }
    if (message.parts.empty()) {
        error = "The multipart body holds no part.";
        return std::nullopt;
    }
    if (!closed) {
        error = "The multipart body has no closing boundary delimiter (--boundary--).";
        return std::nullopt;
    }
    std::string start = strip_brackets(header_parameter(content_type, "start"));
    if (!start.empty())
        for (std::size_t i = 0; i < message.parts.size(); ++i)
            if (message.parts[i].content_id == start) message.root = i;
    return message;
}

} // namespace healthdoc::push
