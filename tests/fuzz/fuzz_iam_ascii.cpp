// Fuzz target: the IAM-OnDB transcription reader (the lines after "CSR:"), then the text steps a
// transcription goes through (UTF-8 decoding, typography, control characters shown escaped).
#include "fuzz_util.h"
#include "iam_reader.h"
#include "text.h"

using namespace hw;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const std::string& line : parse_iam_transcription(text)) {
        if (line.empty() || line.find('\n') != std::string::npos) fuzz::broken("a transcription line that is empty or holds a newline");
        std::u32string u;
        if (!utf8_decode(line, u).ok) continue;
        const std::u32string n = normalise_typography(u);
        const std::string shown = escape_controls(utf8_encode(n), false);
        for (char c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fuzz::broken("escape_controls left a control character");
    }
    return 0;
}
