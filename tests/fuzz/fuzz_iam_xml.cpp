// Fuzz target: the IAM-OnDB stroke XML reader, then what the data builder does with a line it
// gives: scaled to the corpus line height and quantised into the dataset.
#include "fuzz_util.h"
#include "iam_reader.h"
#include "quantise.h"
#include "raw_line.h"

using namespace hw;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string xml(reinterpret_cast<const char*>(data), size);
    std::vector<RawLine> lines(1);
    SkipLog skipped;
    const Status s = parse_iam_strokes(xml, "fuzz.xml", lines[0].strokes, skipped);
    if (!s) {
        if (s.message.rfind("fuzz.xml", 0) != 0) fuzz::broken("a refusal that does not name the file:", s.message);
        return 0;
    }
    if (lines[0].strokes.empty()) fuzz::broken("accepted without strokes");
    lines[0].text = "ab";
    const float h = median_line_height(lines);
    if (!(h > 0) || !std::isfinite(h)) return 0;
    scale_lines(lines, kTargetLineHeight / h);
    DataLine d;
    std::string why;
    if (quantise_line(lines[0], 0.01f, d, why) && d.dx.size() != d.dy.size()) fuzz::broken("quantise_line: dx and dy differ in length");
    return 0;
}
