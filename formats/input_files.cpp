#include "formats/input_files.hpp"

#include "formats/errors.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace fs = std::filesystem;

namespace healthdoc::formats {
namespace {

bool wanted(const fs::path& file, const std::vector<std::string>& extensions) {
    if (extensions.empty()) return true;
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

void walk(const fs::path& dir, const std::vector<std::string>& extensions, std::vector<InputRef>& out) {
    std::vector<fs::path> files;
    std::error_code ec;
    auto options = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(dir, options, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && wanted(it->path(), extensions)) files.push_back(it->path());
    }
    if (ec) throw InputError(dir.string() + ": cannot walk directory: " + ec.message());
    std::sort(files.begin(), files.end());
    for (auto& f : files) out.push_back(InputRef{f.string()});
}

} // namespace

std::vector<InputRef> expand_inputs(const std::vector<std::string>& names, const std::vector<std::string>& extensions) {
    std::vector<InputRef> out;
    for (const auto& name : names) {
        std::error_code ec;
        if (name != "-" && fs::is_directory(name, ec))
            walk(name, extensions, out);
        else
            out.push_back(InputRef{name});
    }
    return out;
}

} // namespace healthdoc::formats
