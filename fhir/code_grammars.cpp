#include "fhir/code_grammars.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_set>
#include <vector>

namespace healthdoc::fhir {

namespace {

// UCUM 2.1 atoms (case-sensitive codes). Metric atoms take a prefix; the others do not.
constexpr std::array k_metric_atoms = {
    "m",        "s",     "g",      "rad",    "K",   "C",   "cd",      "mol",    "sr",    "Hz",    "N",
    "Pa",       "J",     "W",      "A",      "V",   "F",   "Ohm",     "S",      "Wb",    "Cel",   "T",
    "H",        "lm",    "lx",     "Bq",     "Gy",  "Sv",  "l",       "L",      "ar",    "t",     "bar",
    "u",        "eV",    "pc",     "[c]",    "[h]", "[k]", "[eps_0]", "[mu_0]", "[e]",   "[m_e]", "[m_p]",
    "[G]",      "[g]",   "[ly]",   "gf",     "Ky",  "Gal", "dyn",     "erg",    "P",     "St",    "Mx",
    "G",        "Oe",    "Gb",     "sb",     "Lmb", "ph",  "Ci",      "R",      "RAD",   "REM",   "cal_[15]",
    "cal_[20]", "cal_m", "cal_IT", "cal_th", "cal", "tex", "m[H2O]",  "m[Hg]",  "eq",    "osm",   "g%",
    "kat",      "U",     "[iU]",   "[IU]",   "Np",  "B",   "B[SPL]",  "B[V]",   "B[mV]", "B[uV]", "B[10.nV]",
    "B[W]",     "B[kW]", "st",     "mho",    "bit", "By",  "Bd",      "atm",    "Bi"};

constexpr std::array k_plain_atoms = {"10*",
                                      "10^",
                                      "[pi]",
                                      "%",
                                      "[ppth]",
                                      "[ppm]",
                                      "[ppb]",
                                      "[pptr]",
                                      "gon",
                                      "deg",
                                      "'",
                                      "''",
                                      "min",
                                      "h",
                                      "d",
                                      "a_t",
                                      "a_j",
                                      "a_g",
                                      "a",
                                      "wk",
                                      "mo_s",
                                      "mo_j",
                                      "mo_g",
                                      "mo",
                                      "AU",
                                      "[in_i]",
                                      "[ft_i]",
                                      "[yd_i]",
                                      "[mi_i]",
                                      "[fth_i]",
                                      "[nmi_i]",
                                      "[kn_i]",
                                      "[sin_i]",
                                      "[sft_i]",
                                      "[syd_i]",
                                      "[cin_i]",
                                      "[cft_i]",
                                      "[cyd_i]",
                                      "[bf_i]",
                                      "[cr_i]",
                                      "[mil_i]",
                                      "[cml_i]",
                                      "[hd_i]",
                                      "[ft_us]",
                                      "[yd_us]",
                                      "[in_us]",
                                      "[rd_us]",
                                      "[ch_us]",
                                      "[lk_us]",
                                      "[rch_us]",
                                      "[rlk_us]",
                                      "[fth_us]",
                                      "[fur_us]",
                                      "[mi_us]",
                                      "[acr_us]",
                                      "[srd_us]",
                                      "[smi_us]",
                                      "[sct]",
                                      "[twp]",
                                      "[mil_us]",
                                      "[in_br]",
                                      "[ft_br]",
                                      "[rd_br]",
                                      "[ch_br]",
                                      "[lk_br]",
                                      "[fth_br]",
                                      "[pc_br]",
                                      "[yd_br]",
                                      "[mi_br]",
                                      "[nmi_br]",
                                      "[kn_br]",
                                      "[acr_br]",
                                      "[gal_us]",
                                      "[bbl_us]",
                                      "[qt_us]",
                                      "[pt_us]",
                                      "[gil_us]",
                                      "[foz_us]",
                                      "[fdr_us]",
                                      "[min_us]",
                                      "[crd_us]",
                                      "[bu_us]",
                                      "[gal_wi]",
                                      "[pk_us]",
                                      "[dqt_us]",
                                      "[dpt_us]",
                                      "[tbs_us]",
                                      "[tsp_us]",
                                      "[cup_us]",
                                      "[foz_m]",
                                      "[cup_m]",
                                      "[tsp_m]",
                                      "[tbs_m]",
                                      "[gal_br]",
                                      "[pk_br]",
                                      "[bu_br]",
                                      "[qt_br]",
                                      "[pt_br]",
                                      "[gil_br]",
                                      "[foz_br]",
                                      "[fdr_br]",
                                      "[min_br]",
                                      "[gr]",
                                      "[lb_av]",
                                      "[oz_av]",
                                      "[dr_av]",
                                      "[scwt_av]",
                                      "[lcwt_av]",
                                      "[ston_av]",
                                      "[lton_av]",
                                      "[stone_av]",
                                      "[pwt_tr]",
                                      "[oz_tr]",
                                      "[lb_tr]",
                                      "[sc_ap]",
                                      "[dr_ap]",
                                      "[oz_ap]",
                                      "[lb_ap]",
                                      "[oz_m]",
                                      "[lne]",
                                      "[pnt]",
                                      "[pca]",
                                      "[pnt_pr]",
                                      "[pca_pr]",
                                      "[pied]",
                                      "[pouce]",
                                      "[ligne]",
                                      "[didot]",
                                      "[cicero]",
                                      "[degF]",
                                      "[degR]",
                                      "[degRe]",
                                      "[Cal]",
                                      "[Btu_39]",
                                      "[Btu_59]",
                                      "[Btu_60]",
                                      "[Btu_m]",
                                      "[Btu_IT]",
                                      "[Btu_th]",
                                      "[Btu]",
                                      "[HP]",
                                      "[den]",
                                      "[in_i'H2O]",
                                      "[in_i'Hg]",
                                      "[PRU]",
                                      "[wood'U]",
                                      "[diop]",
                                      "[p'diop]",
                                      "%[slope]",
                                      "[mesh_i]",
                                      "[Ch]",
                                      "[drp]",
                                      "[hnsf'U]",
                                      "[MET]",
                                      "[hp'_X]",
                                      "[hp'_C]",
                                      "[hp'_M]",
                                      "[hp'_Q]",
                                      "[hp_X]",
                                      "[hp_C]",
                                      "[hp_M]",
                                      "[hp_Q]",
                                      "[kp_X]",
                                      "[kp_C]",
                                      "[kp_M]",
                                      "[kp_Q]",
                                      "[pH]",
                                      "[S]",
                                      "[HPF]",
                                      "[LPF]",
                                      "[arb'U]",
                                      "[USP'U]",
                                      "[GPL'U]",
                                      "[MPL'U]",
                                      "[APL'U]",
                                      "[beth'U]",
                                      "[anti'Xa'U]",
                                      "[todd'U]",
                                      "[dye'U]",
                                      "[smgy'U]",
                                      "[bdsk'U]",
                                      "[ka'U]",
                                      "[knk'U]",
                                      "[mclg'U]",
                                      "[tb'U]",
                                      "[CCID_50]",
                                      "[TCID_50]",
                                      "[EID_50]",
                                      "[PFU]",
                                      "[FFU]",
                                      "[CFU]",
                                      "[IR]",
                                      "[BAU]",
                                      "[AU]",
                                      "[Amb'a'1'U]",
                                      "[PNU]",
                                      "[Lf]",
                                      "[D'ag'U]",
                                      "[FEU]",
                                      "[ELU]",
                                      "[EU]",
                                      "Ao",
                                      "b",
                                      "att",
                                      "[psi]",
                                      "circ",
                                      "sph",
                                      "[car_m]",
                                      "[car_Au]",
                                      "[smoot]",
                                      "[m/s2/Hz^(1/2)]",
                                      "bit_s",
                                      "[lbf_av]",
                                      "[NTU]",
                                      "[FNU]"};

constexpr std::array k_prefixes = {"Y", "Z", "E", "P", "T", "G", "M", "k", "h",  "da", "d",  "c",
                                   "m", "u", "n", "p", "f", "a", "z", "y", "Ki", "Mi", "Gi", "Ti"};

struct AtomTables {
    std::unordered_set<std::string_view> metric{k_metric_atoms.begin(), k_metric_atoms.end()};
    std::unordered_set<std::string_view> plain{k_plain_atoms.begin(), k_plain_atoms.end()};
    std::unordered_set<std::string_view> prefixes{k_prefixes.begin(), k_prefixes.end()};
};

const AtomTables& atom_tables() {
    static const AtomTables tables;
    return tables;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// Recursive-descent recogniser of the UCUM grammar (mainTerm); depth-bounded.
class UcumRecogniser {
public:
    explicit UcumRecogniser(std::string_view text) : m_text(text) {}

    bool main_term() {
        if (m_text.empty() || m_text.size() > 256) return false;
        if (peek() == '/') ++m_pos;
        return term() && m_pos == m_text.size();
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }

    bool term() {
        if (++m_depth > 16) return false;
        for (;;) {
            if (!component()) return false;
            if (peek() != '.' && peek() != '/') break;
            ++m_pos;
        }
        --m_depth;
        return true;
    }

    bool component() {
        if (peek() == '(') {
            ++m_pos;
            if (!term() || peek() != ')') return false;
            ++m_pos;
            return peek() == '{' ? annotation() : true;
        }
        if (peek() == '{') return annotation();
        if (is_digit(peek())) {
            const std::size_t start = m_pos;
            while (is_digit(peek())) ++m_pos;
            const bool ten_power = m_text.substr(start, m_pos - start) == "10" && (peek() == '*' || peek() == '^');
            if (!ten_power) return peek() == '{' ? annotation() : true; // an integer factor
            ++m_pos;
            exponent();
        } else {
            if (!simple_unit()) return false;
            exponent();
        }
        if (peek() == '{') return annotation();
        return true;
    }

    void exponent() {
        const std::size_t start = m_pos;
        if (peek() == '+' || peek() == '-') ++m_pos;
        if (!is_digit(peek())) {
            m_pos = start;
            return;
        }
        while (is_digit(peek())) ++m_pos;
    }

    bool annotation() {
        ++m_pos; // '{'
        while (m_pos < m_text.size() && m_text[m_pos] != '}') {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c < 32 || c > 126 || c == '{') return false;
            ++m_pos;
        }
        if (peek() != '}') return false;
        ++m_pos;
        return true;
    }

    // A run of symbol characters (bracketed parts taken whole), then atom or prefix + metric atom.
    bool simple_unit() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '[') {
                while (m_pos < m_text.size() && m_text[m_pos] != ']') ++m_pos;
                if (m_pos >= m_text.size()) return false;
                ++m_pos;
                continue;
            }
            if (c == '.' || c == '/' || c == '(' || c == ')' || c == '{' || c == '}' || c == '+' || c == '-' ||
                is_digit(c) || static_cast<unsigned char>(c) <= 32 || static_cast<unsigned char>(c) > 126)
                break;
            ++m_pos;
        }
        const std::string_view symbol = m_text.substr(start, m_pos - start);
        if (symbol.empty()) return false;
        const AtomTables& tables = atom_tables();
        if (tables.metric.count(symbol) || tables.plain.count(symbol)) return true;
        for (std::size_t length : {std::size_t{1}, std::size_t{2}}) {
            if (symbol.size() <= length) continue;
            if (tables.prefixes.count(symbol.substr(0, length)) && tables.metric.count(symbol.substr(length)))
                return true;
        }
        return false;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

bool all_of(std::string_view text, bool (*predicate)(char)) {
    return !text.empty() && std::all_of(text.begin(), text.end(), predicate);
}

bool grandfathered(std::string_view tag) {
    static const std::unordered_set<std::string> k_tags = {
        "en-gb-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
        "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
        "sgn-be-fr", "sgn-be-nl", "sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
        "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang"};
    return k_tags.count(lower(tag)) > 0;
}

bool private_use(const std::vector<std::string_view>& parts, std::size_t from) {
    if (from + 1 >= parts.size()) return false;
    for (std::size_t i = from + 1; i < parts.size(); ++i)
        if (parts[i].size() > 8 || !all_of(parts[i], is_alnum)) return false;
    return true;
}

bool mime_token(std::string_view token) {
    if (token.empty() || token.size() > 127) return false;
    for (char c : token) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127) return false;
        if (std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos) return false;
    }
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

} // namespace

CodeGrammar grammar_of(std::string_view system) {
    if (system == "http://unitsofmeasure.org") return CodeGrammar::ucum;
    if (system == "urn:ietf:bcp:47") return CodeGrammar::bcp47;
    if (system == "urn:ietf:bcp:13") return CodeGrammar::mime;
    return CodeGrammar::none;
}

bool grammar_case_insensitive(CodeGrammar grammar) {
    return grammar == CodeGrammar::bcp47 || grammar == CodeGrammar::mime;
}

bool grammar_accepts(CodeGrammar grammar, std::string_view code) {
    switch (grammar) {
    case CodeGrammar::ucum: return valid_ucum(code);
    case CodeGrammar::bcp47: return valid_language_tag(code);
    case CodeGrammar::mime: return valid_mime_type(code);
    case CodeGrammar::none: break;
    }
    return false;
}

bool valid_ucum(std::string_view unit) { return UcumRecogniser(unit).main_term(); }

bool valid_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 128) return false;
    if (grandfathered(tag)) return true;
    const std::vector<std::string_view> parts = split(tag, '-');
    if (parts[0] == "x" || parts[0] == "X") return private_use(parts, 0);
    if (parts[0].size() < 2 || parts[0].size() > 3 || !all_of(parts[0], is_alpha)) return false;
    std::size_t i = 1;
    // extlang: up to three 3-letter subtags after a 2-3 letter language
    for (int extlang = 0; extlang < 3 && i < parts.size() && parts[i].size() == 3 && all_of(parts[i], is_alpha);
         ++extlang)
        ++i;
    if (i < parts.size() && parts[i].size() == 4 && all_of(parts[i], is_alpha)) ++i; // script
    if (i < parts.size() &&
        ((parts[i].size() == 2 && all_of(parts[i], is_alpha)) || (parts[i].size() == 3 && all_of(parts[i], is_digit))))
        ++i; // region
    while (i < parts.size() && all_of(parts[i], is_alnum) &&
           ((parts[i].size() >= 5 && parts[i].size() <= 8) || (parts[i].size() == 4 && is_digit(parts[i][0]))))
        ++i; // variants
    while (i < parts.size() && parts[i].size() == 1 && is_alnum(parts[i][0]) && parts[i] != "x" && parts[i] != "X") {
        ++i; // extension: singleton then 2-8 alphanumerics
        const std::size_t first = i;
        while (i < parts.size() && parts[i].size() >= 2 && parts[i].size() <= 8 && all_of(parts[i], is_alnum)) ++i;
        if (i == first) return false;
    }
    if (i < parts.size() && (parts[i] == "x" || parts[i] == "X")) return private_use(parts, i);
    return i == parts.size();
}

bool valid_mime_type(std::string_view type) {
    if (type.empty() || type.size() > 512) return false;
    const std::vector<std::string_view> sections = split(type, ';');
    const std::string_view media = trim(sections[0]);
    const std::size_t slash = media.find('/');
    if (slash == std::string_view::npos) return false;
    const std::string top = lower(media.substr(0, slash));
    static const std::unordered_set<std::string> k_top_level = {"application", "audio",   "example", "font",
                                                                "image",       "message", "model",   "multipart",
                                                                "text",        "video",   "haptics"};
    if (!k_top_level.count(top) && !(top.size() > 2 && top.rfind("x-", 0) == 0 && mime_token(top))) return false;
    if (!mime_token(media.substr(slash + 1))) return false;
    for (std::size_t i = 1; i < sections.size(); ++i) {
        const std::string_view parameter = trim(sections[i]);
        const std::size_t equals = parameter.find('=');
        if (equals == std::string_view::npos || !mime_token(trim(parameter.substr(0, equals)))) return false;
        std::string_view value = trim(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') continue;
        if (!mime_token(value)) return false;
    }
    return true;
}

} // namespace healthdoc::fhir
