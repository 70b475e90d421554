// Text for the synthesis network: UTF-8 in, alphabet indices out. Typographic characters map to
// their ASCII forms; anything else outside the alphabet is reported by position.
#pragma once
#include <string>
#include <vector>

#include "status.h"

namespace hw {

// Strict UTF-8 decoding (no overlongs, no surrogates); the message names the byte offset.
Status utf8_decode(const std::string& in, std::u32string& out);
// Code points in UTF-8 text (counts lead bytes; the text is assumed valid, as decoded data is).
size_t utf8_length(const std::string& s);
std::string utf8_encode(const std::u32string& in);
std::string utf8_encode(char32_t c);

// Characters that must never reach a model's alphabet or a terminal raw: C0 controls (NUL, newline,
// tab, VT, FF...), DEL, C1 controls (NEL...), the line and paragraph separators (U+2028, U+2029),
// and the invisible direction and format controls (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069,
// U+FEFF) that can make a message read differently from what it says.
bool is_control_char(char32_t c);

// Text that may go where one line of plain text goes (a dataset line, a label, a G-code command):
// valid UTF-8 without a control character. The message says what is wrong, for the caller to
// prefix: "is not valid UTF-8", "holds a control character (U+000B)".
Status check_plain_text(const std::string& utf8);

// A text file's lines as every system writes them: a CR LF pair or a lone CR (old Mac files)
// becomes LF, and a UTF-8 byte-order mark at the start (an editor's signature, not text) is
// dropped. The readers of text and ink files apply it before they split lines.
std::string unify_line_ends(const std::string& utf8);

// Text for a message: every control character (except newline and tab, which messages use for
// layout, unless `keep_layout` is false) is written as <U+XXXX>; invalid UTF-8 bytes as <0xXX>.
std::string escape_controls(const std::string& utf8, bool keep_layout = true);

// The Western European letters and signs a model may write beyond ASCII (written by the hands whose
// fonts have them; none of IAM's): the accented vowels, ñ ç ß æ œ, their capitals, « » € ¡ ¿.
constexpr char32_t kWesternEuropean[] =
    U"áàâäãéèêëíìîïóòôöõúùûüÿñçßæœÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜŸÑÇÆŒ«»€¡¿";

// The ASCII letter or sign a Western European character is built on (é → e, Œ → O, ß → s, « → ",
// € → C, ¿ → ?); every other character is its own base.
char32_t base_character(char32_t c);

// The capital of a letter of Basic Latin and the Western European letters (Latin-1, œ, ÿ); ß and
// every other character stay as they are.
char32_t upper_case(char32_t c);
std::u32string upper_case(const std::u32string& in);

// ’ ‘ → '   “ ” → "   – — → -   … → ...   non-breaking space → space.
std::u32string normalise_typography(const std::u32string& in);

struct UnknownChar {
    size_t position;  // index in the normalised text (code points)
    char32_t ch;
};

struct EncodedText {
    std::u32string text;            // after typography mapping (and replacement, when asked)
    std::vector<int> codes;         // alphabet index per character
    std::vector<UnknownChar> unknown;  // characters the alphabet lacks (replaced or rejected)
};

// replacement == 0: unknown characters are an error naming them; otherwise they become
// `replacement` (which must be in the alphabet) and are listed in `unknown`.
Status encode_text(const std::u32string& alphabet, const std::string& utf8, char32_t replacement, EncodedText& out);

// The one policy for characters a model cannot write in text a person typed (the page and the
// widget use it through the binding, before they wrap the text into lines): typography is mapped
// as above; an ASCII letter the alphabet lacks is written in its other case when the alphabet has
// that; anything else the alphabet lacks is left out; newlines are kept (they are line breaks, for
// the front end to split on). Every change is reported.
struct TextChange {
    size_t position;  // index in the text as given (code points), for highlighting it there
    char32_t ch;      // the character as given
    char32_t with;    // what is written instead; 0 when it is left out
};

struct PreparedText {
    std::u32string text;              // what the model will write (and newlines)
    std::vector<TextChange> changes;  // in order of position
};

PreparedText prepare_text(const std::u32string& alphabet, const std::u32string& in);

// Longest text a model accepts, in characters.
constexpr size_t kMaxTextChars = 200;

}  // namespace hw
