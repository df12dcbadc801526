#include "sandbox/http_answer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace healthdoc::sandbox {

HttpAnswer operation_outcome(int status, const std::vector<Problem>& problems) {
    nlohmann::ordered_json outcome;
    outcome["resourceType"] = "OperationOutcome";
    outcome["issue"] = nlohmann::ordered_json::array();
    for (const auto& problem : problems) {
        nlohmann::ordered_json issue;
        issue["severity"] = "error";
        issue["code"] = problem.code;
        if (!problem.ihe_code.empty()) issue["details"] = {{"text", problem.ihe_code}};
        issue["diagnostics"] = problem.message;
        if (!problem.path.empty()) issue["expression"] = nlohmann::ordered_json::array({problem.path});
        outcome["issue"].push_back(std::move(issue));
    }
    return HttpAnswer{status, k_fhir_json, outcome.dump(), {}};
}

HttpAnswer operation_outcome(int status, const std::string& code, const std::string& path,
                             const std::string& message) {
    return operation_outcome(status, std::vector<Problem>{Problem{code, path, message, ""}});
}

std::string media_type(const std::string& content_type) {
    std::string type = content_type.substr(0, content_type.find(';'));
    type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    return type;
}

} // namespace healthdoc::sandbox
