// Fuzz target: the ink JSONL reader (docs/INK.md) and prepare_ink. Each line of the input is a
// record; a record that parses must survive a round trip through format_ink_line, and priming
// ink prepared from it must be finite offsets.
#include "fuzz_util.h"
#include "ink_jsonl.h"

using namespace hw;

static const Model kModel = fuzz::load_fixture("synthesis_small");

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const Model& m = kModel;
    size_t at = 0;
    for (int n = 1; at <= text.size() && n <= 16; ++n) {
        size_t nl = text.find('\n', at);
        if (nl == std::string::npos) nl = text.size();
        const std::string record = text.substr(at, nl - at);
        at = nl + 1;
        InkLine ink;
        const Status s = parse_ink_line(record, "fuzz.jsonl:" + std::to_string(n), ink);
        if (!s) {
            if (s.message.rfind("fuzz.jsonl:", 0) != 0) fuzz::broken("a refusal that does not name the line:", s.message);
            continue;
        }
        InkLine again;
        const Status back = parse_ink_line(format_ink_line(ink), "again", again);
        if (!back || again.strokes.size() != ink.strokes.size() || again.text != ink.text)
            fuzz::broken("a record the reader accepts does not survive format_ink_line:", back.message);
        std::vector<Point> pts;
        if (prepare_ink(m, ink.strokes, pts).ok && !fuzz::finite_points(pts)) fuzz::broken("prepare_ink made a non-finite offset");
    }
    return 0;
}
