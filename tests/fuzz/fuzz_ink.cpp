// Fuzz target: the ink JSONL reader (docs/INK.md) and prepare_ink. Each line of the input is a
// record; a record that parses must survive a round trip through format_ink_line, priming ink
// prepared from it must be finite offsets within kMaxPrimePoints, and a generator primed with it
// (up to 400 points) must write finite points.
#include "fuzz_util.h"
#include "ink_jsonl.h"

using namespace hw;

static const Model kModel = fuzz::load_fixture("synthesis_small");

// Primes the network with the prepared ink, as hw sample --prime-ink does, and writes a little.
static void prime_and_write(const Model& m, const std::vector<Point>& pts, const std::string& text) {
    Priming prime{pts, text};
    GenerateOptions opt;
    opt.max_steps = 16;
    Generator g;
    if (!g.start(m, "ab", opt, &prime, U' ').ok) return;
    std::vector<Point> out;
    while (!g.done()) g.run(64, out);
    if (!fuzz::finite_points(out)) fuzz::broken("a primed generator wrote a non-finite point");
}

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
        if (!prepare_ink(m, ink.strokes, pts).ok) continue;
        if (!fuzz::finite_points(pts) || pts.size() > kMaxPrimePoints)
            fuzz::broken("prepare_ink: a non-finite offset or too many points");
        if (pts.size() <= 400) prime_and_write(m, pts, ink.text);
    }
    return 0;
}
