#include "text.h"

#include <cstdio>

namespace hw {

static std::string hex_byte(unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", c);
    return buf;
}

Status utf8_decode(const std::string& in, std::u32string& out) {
    out.clear();
    const auto* s = reinterpret_cast<const unsigned char*>(in.data());
    const size_t n = in.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        int len;
        char32_t cp;
        if (c < 0x80) { len = 1; cp = c; }
        else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return Status::error("invalid UTF-8 at byte " + std::to_string(i) + " (" + hex_byte(c) + ")");
        if (i + len > n) return Status::error("truncated UTF-8 sequence at byte " + std::to_string(i));
        for (int k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return Status::error("invalid UTF-8 continuation at byte " + std::to_string(i + k));
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static const char32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return Status::error("invalid UTF-8 code point at byte " + std::to_string(i));
        out.push_back(cp);
        i += len;
    }
    return Status::success();
}

std::string utf8_encode(char32_t c) {
    std::string o;
    if (c < 0x80) {
        o += static_cast<char>(c);
    } else if (c < 0x800) {
        o += static_cast<char>(0xC0 | (c >> 6));
        o += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        o += static_cast<char>(0xE0 | (c >> 12));
        o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        o += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        o += static_cast<char>(0xF0 | (c >> 18));
        o += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        o += static_cast<char>(0x80 | (c & 0x3F));
    }
    return o;
}

std::string utf8_encode(const std::u32string& in) {
    std::string o;
    for (char32_t c : in) o += utf8_encode(c);
    return o;
}

char32_t base_character(char32_t c) {
    static const std::u32string from = U"áàâäãæéèêëíìîïóòôöõœúùûüÿñçßÁÀÂÄÃÆÉÈÊËÍÌÎÏÓÒÔÖÕŒÚÙÛÜŸÑÇ«»€¡¿";
    static const std::u32string to = U"aaaaaaeeeeiiiioooooouuuuyncsAAAAAAEEEEIIIIOOOOOOUUUUYNC\"\"C!?";
    const size_t i = from.find(c);
    return i == std::u32string::npos ? c : to[i];
}

char32_t upper_case(char32_t c) {
    if ((c >= U'a' && c <= U'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 0x20;
    if (c == 0x153) return 0x152;  // œ
    if (c == 0xFF) return 0x178;   // ÿ
    return c;
}

std::u32string upper_case(const std::u32string& in) {
    std::u32string out = in;
    for (char32_t& c : out) c = upper_case(c);
    return out;
}

std::u32string normalise_typography(const std::u32string& in) {
    std::u32string o;
    for (char32_t c : in) {
        switch (c) {
            case U'\u2019': case U'\u2018': case U'\u201B': case U'\u2032': o += U'\''; break;
            case U'\u201C': case U'\u201D': case U'\u201E': case U'\u2033': o += U'"'; break;
            case U'\u2013': case U'\u2014': case U'\u2012': case U'\u2212': o += U'-'; break;
            case U'\u2026': o += U"..."; break;
            case U'\u00A0': case U'\t': o += U' '; break;
            default: o += c;
        }
    }
    return o;
}

bool is_control_char(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

Status check_plain_text(const std::string& utf8) {
    std::u32string chars;
    if (!utf8_decode(utf8, chars).ok) return Status::error("is not valid UTF-8");
    for (char32_t c : chars)
        if (is_control_char(c)) {
            char buf[48];
            std::snprintf(buf, sizeof buf, "holds a control character (U+%04X)", static_cast<unsigned>(c));
            return Status::error(buf);
        }
    return Status::success();
}

std::string unify_line_ends(const std::string& utf8) {
    const bool bom = utf8.compare(0, 3, "\xEF\xBB\xBF") == 0;
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = bom ? 3 : 0; i < utf8.size(); ++i) {
        if (utf8[i] != '\r') out += utf8[i];
        else if (i + 1 == utf8.size() || utf8[i + 1] != '\n') out += '\n';
    }
    return out;
}

std::string escape_controls(const std::string& utf8, bool keep_layout) {
    std::string out;
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    for (size_t i = 0; i < utf8.size();) {
        // One character at a time, so that one bad byte does not hide the rest.
        const size_t len = s[i] < 0x80 ? 1 : (s[i] & 0xE0) == 0xC0 ? 2 : (s[i] & 0xF0) == 0xE0 ? 3 : (s[i] & 0xF8) == 0xF0 ? 4 : 0;
        std::u32string one;
        if (len == 0 || i + len > utf8.size() || !utf8_decode(utf8.substr(i, len), one).ok) {
            out += "<" + hex_byte(s[i]) + ">";
            ++i;
            continue;
        }
        const char32_t c = one[0];
        if (is_control_char(c) && !(keep_layout && (c == U'\n' || c == U'\t'))) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "<U+%04X>", static_cast<unsigned>(c));
            out += buf;
        } else {
            out.append(utf8, i, len);
        }
        i += len;
    }
    return out;
}

static std::string describe(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    if (!is_control_char(c)) return "'" + utf8_encode(c) + "' (" + buf + ")";
    return buf;
}

Status encode_text(const std::u32string& alphabet, const std::string& utf8, char32_t replacement, EncodedText& out) {
    out = EncodedText{};
    std::u32string raw;
    Status s = utf8_decode(utf8, raw);
    if (!s) return Status::error("text: " + s.message);
    out.text = normalise_typography(raw);
    if (out.text.empty()) return Status::error("text is empty");
    if (out.text.size() > kMaxTextChars)
        return Status::error("text has " + std::to_string(out.text.size()) + " characters; the limit is " +
                             std::to_string(kMaxTextChars));
    int repl_code = -1;
    if (replacement != 0) {
        size_t r = alphabet.find(replacement);
        if (r == std::u32string::npos) return Status::error("replacement character " + describe(replacement) + " is not in the model's alphabet");
        repl_code = static_cast<int>(r);
    }
    for (size_t i = 0; i < out.text.size(); ++i) {
        size_t k = alphabet.find(out.text[i]);
        if (k != std::u32string::npos) {
            out.codes.push_back(static_cast<int>(k));
            continue;
        }
        out.unknown.push_back({i, out.text[i]});
        if (repl_code >= 0) {
            out.codes.push_back(repl_code);
            out.text[i] = replacement;
        }
    }
    if (!out.unknown.empty() && repl_code < 0) {
        std::string msg = "the model cannot write ";
        for (size_t i = 0; i < out.unknown.size() && i < 10; ++i) {
            if (i) msg += ", ";
            msg += describe(out.unknown[i].ch) + " at position " + std::to_string(out.unknown[i].position + 1);
        }
        if (out.unknown.size() > 10) msg += " and " + std::to_string(out.unknown.size() - 10) + " more";
        return Status::error(msg);
    }
    return Status::success();
}

static bool all_in(const std::u32string& alphabet, const std::u32string& s) {
    for (char32_t c : s)
        if (alphabet.find(c) == std::u32string::npos) return false;
    return true;
}

// The ASCII letter of the other case, or 0 for anything that is not an ASCII letter.
static char32_t other_case(char32_t c) {
    if (c >= U'a' && c <= U'z') return c - U'a' + U'A';
    if (c >= U'A' && c <= U'Z') return c - U'A' + U'a';
    return 0;
}

PreparedText prepare_text(const std::u32string& alphabet, const std::u32string& in) {
    PreparedText out;
    for (size_t i = 0; i < in.size(); ++i) {
        const char32_t c = in[i];
        const std::u32string mapped = normalise_typography(std::u32string(1, c));
        if (c == U'\n' || all_in(alphabet, mapped)) {
            out.text += mapped;
            continue;
        }
        const char32_t other = other_case(c);
        const bool known = other != 0 && alphabet.find(other) != std::u32string::npos;
        out.changes.push_back({i, c, known ? other : 0});
        if (known) out.text += other;
    }
    return out;
}

size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace hw
