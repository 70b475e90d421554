// Fuzz target: the text encoder. The first byte picks the alphabet (the fixture model's, or one
// made of the input's first characters); the rest is the text, through encode_text (refusing and
// replacing unknown characters), prepare_text and the generator's start.
#include "fuzz_util.h"
#include "text.h"

using namespace hw;

static const Model kModel = fuzz::load_fixture("synthesis_small");

namespace {

void check_encoded(const std::u32string& alphabet, const EncodedText& e) {
    if (e.codes.size() != e.text.size()) fuzz::broken("encode_text: codes and text differ in length");
    for (size_t i = 0; i < e.codes.size(); ++i)
        if (e.codes[i] < 0 || static_cast<size_t>(e.codes[i]) >= alphabet.size() || alphabet[e.codes[i]] != e.text[i])
            fuzz::broken("encode_text: a code that is not the character's place in the alphabet");
}

void check_prepared(const std::u32string& alphabet, const std::u32string& in, const PreparedText& p) {
    for (char32_t c : p.text)
        if (c != U'\n' && alphabet.find(c) == std::u32string::npos) fuzz::broken("prepare_text kept a character outside the alphabet");
    size_t last = 0;
    for (const TextChange& c : p.changes) {
        if (c.position >= in.size() || c.position < last) fuzz::broken("prepare_text: a change out of place");
        last = c.position;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader r{data, size};
    const Model& m = kModel;
    const uint8_t pick = r.byte();
    std::string text = r.rest();
    std::u32string alphabet = m.alphabet;
    if (pick & 1) {  // an alphabet of its own: the decoded characters before the first '|'
        const size_t bar = text.find('|');
        std::u32string a;
        if (bar == std::string::npos || !utf8_decode(text.substr(0, bar), a).ok || a.empty()) return 0;
        alphabet = a;
        text = text.substr(bar + 1);
    }
    EncodedText e;
    if (encode_text(alphabet, text, 0, e).ok) check_encoded(alphabet, e);
    if (encode_text(alphabet, text, alphabet[0], e).ok) check_encoded(alphabet, e);
    std::u32string u;
    if (utf8_decode(text, u).ok) check_prepared(alphabet, u, prepare_text(alphabet, u));
    if (!(pick & 1)) {
        Generator g;
        (void)g.start(m, text, GenerateOptions{}, nullptr, (pick & 2) ? U' ' : 0);
    }
    return 0;
}
