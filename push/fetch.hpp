// Fetching a package or pack by URL: file:// read locally, http(s):// through HttpClient.
#pragma once

#include <cstddef>
#include <string>

namespace healthdoc::push {

// The bytes at `url`. Throws InputError for a missing local file or an unsupported scheme,
// TransportError when a server cannot be reached or answers an HTTP error (status kept).
std::string fetch_url(const std::string& url, std::size_t max_bytes = std::size_t{1} << 30);

// True when `text` is a URL healthdoc fetches (file://, http://, https://).
bool is_url(const std::string& text);

} // namespace healthdoc::push
