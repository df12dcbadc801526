#include "formats/line_index.hpp"

#include <algorithm>
#include <cstring>

namespace healthdoc::formats {

LineIndex::LineIndex(std::string_view text) : m_text(text) {
    m_line_starts.push_back(0);
    const char* begin = text.data();
    const char* end = begin + text.size();
    for (const char* p = begin; p < end;) {
        const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!newline) break;
        m_line_starts.push_back(static_cast<std::size_t>(newline - begin) + 1);
        p = newline + 1;
    }
}

TextPosition LineIndex::position(std::size_t offset) const {
    offset = std::min(offset, m_text.size());
    auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    auto line = static_cast<std::size_t>(it - m_line_starts.begin());
    std::size_t start = m_line_starts[line - 1];
    std::size_t column = 1;
    for (std::size_t i = start; i < offset; ++i)
        if ((static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80) ++column; // skip UTF-8 continuation bytes
    return {line, column};
}

} // namespace healthdoc::formats
