// Internal: UTF-8 <-> code points, for the string functions that count characters.
#pragma once

#include "formats/text_encoding.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::xpath {

std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);
using formats::append_utf8;
std::size_t codepoint_count(std::string_view text);

} // namespace healthdoc::xpath
