#include "push/fetch.hpp"

#include "formats/errors.hpp"
#include "formats/source_text.hpp"
#include "push/http_client.hpp"

namespace healthdoc::push {

bool is_url(const std::string& text) {
    return text.rfind("file://", 0) == 0 || text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

std::string fetch_url(const std::string& url, std::size_t max_bytes) {
    if (url.rfind("file://", 0) == 0) {
        std::string path = url.substr(7);
        if (path.rfind("localhost/", 0) == 0) path = path.substr(9);
        return std::string(formats::SourceText::from_file(path, max_bytes).bytes());
    }
    if (!is_url(url)) throw InputError(url + ": not a file://, http:// or https:// URL");
    HttpClient client(HttpSettings{});
    auto response = client.send(HttpRequest{"GET", url, {}, ""});
    if (response.status >= 400)
        throw TransportError(url + ": the server answered HTTP " + std::to_string(response.status), response.status);
    if (response.body.size() > max_bytes) throw InputError(url + ": larger than the download limit");
    return std::move(response.body);
}

} // namespace healthdoc::push
