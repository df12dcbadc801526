// Maps byte offsets of a UTF-8 text to 1-based line and column numbers.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace healthdoc::formats {

struct TextPosition {
    std::size_t line = 0;   // 1-based
    std::size_t column = 0; // 1-based, counted in UTF-8 code points
};

// Built once per text in O(n); each lookup is O(log lines). The text must outlive the index.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    // Position of the byte at `offset`; an offset past the end maps to just after the last byte.
    TextPosition position(std::size_t offset) const;
    std::size_t line_count() const noexcept { return m_line_starts.size(); }

private:
    std::string_view m_text;
    std::vector<std::size_t> m_line_starts;
};

} // namespace healthdoc::formats
