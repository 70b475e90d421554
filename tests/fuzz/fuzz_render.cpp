// Fuzz target: the renderers fed the generator's output. The input picks the model (synthesis or
// unconditional fixture), seed, bias, greediness, stroke width and height within the ranges
// `hw sample` accepts, and the text; the points written are drawn as SVG (one line and a sheet of
// rows) and as PNG. Neither may meet or print a non-finite number. With flag 16 the strokes come
// straight from the input instead (coordinates up to 2e7, beyond kMaxInkCoordinate, the bound
// where ink enters), as the dataset previews draw ink from files.
#include <algorithm>

#include "fuzz_util.h"
#include "raster.h"
#include "render.h"

using namespace hw;

static const Model kSynthesis = fuzz::load_fixture("synthesis_small");
static const Model kUnconditional = fuzz::load_fixture("unconditional_small");

namespace {

// The SVG's numbers are finite: no "nan" or "inf" outside the captions, which are the text given.
void check_svg(std::string svg, const std::string& text) {
    const std::string caption = xml_escape(text);
    for (size_t at; !caption.empty() && (at = svg.find(caption)) != std::string::npos;) svg.erase(at, caption.size());
    for (const char* bad : {"nan", "inf", "NAN", "INF"})
        if (svg.find(bad) != std::string::npos) fuzz::broken("the SVG holds", bad);
}

void check_png(const std::vector<uint8_t>& png) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (png.size() < 8 + 25 || std::memcmp(png.data(), sig, 8) != 0) fuzz::broken("the PNG has no signature or header");
    const uint32_t w = (uint32_t(png[16]) << 24) | (uint32_t(png[17]) << 16) | (uint32_t(png[18]) << 8) | png[19];
    const uint32_t h = (uint32_t(png[20]) << 24) | (uint32_t(png[21]) << 16) | (uint32_t(png[22]) << 8) | png[23];
    if (w == 0 || h == 0 || w > 5000 || h > 5000) fuzz::broken("the PNG has a size out of bounds");
}

// Strokes from the rest of the input: 8 bytes a point (two signed 32-bit values / 100); a zero
// byte after a point ends the stroke.
std::vector<InkStroke> strokes_from(fuzz::Reader& r) {
    std::vector<InkStroke> strokes(1);
    while (r.size >= 8) {
        const auto coord = [&] { return static_cast<float>(static_cast<int32_t>(r.u32())) / 100.0f; };
        strokes.back().x.push_back(coord());
        strokes.back().y.push_back(coord());
        if (r.size > 0 && r.data[0] == 0 && r.byte() == 0) strokes.emplace_back();
    }
    return strokes;
}

void render_all(const std::vector<InkStroke>& strokes, const RenderStyle& style, const std::string& text, bool png) {
    check_svg(render_svg(strokes, style, text), text);
    check_svg(render_rows_svg({{text, strokes}, {"", {}}}), text);
    if (!png) return;
    // Under the sanitizers a 4000-pixel PNG takes seconds, so the fuzzer draws PNGs at most 256
    // pixels high; the replay (make test) draws the seed unconditional_tall.bin at full height.
    RenderStyle drawn = style;
#ifdef HW_FUZZING
    drawn.height = std::min(style.height, 256.0f);
#endif
    std::vector<uint8_t> picture;
    const Status s = render_png(strokes, drawn, picture);
    if (!s) fuzz::broken("the PNG renderer refused the ink:", s.message);
    check_png(picture);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader r{data, size};
    const uint8_t flags = r.byte();
    const Model& m = (flags & 1) ? kUnconditional : kSynthesis;
    GenerateOptions opt;
    opt.seed = r.u64();
    opt.bias = 20.0f * r.unit();
    opt.greedy = (flags & 2) != 0;
    opt.max_steps = 1 + r.byte();
    RenderStyle style;
    style.stroke_width = 0.1f + 49.9f * r.unit();
    style.height = (flags & 4) ? 16 + 3984 * r.unit() : 16 + 240 * r.unit();
    if (flags & 16) {
        render_all(strokes_from(r), style, "", (flags & 8) != 0);
        return 0;
    }
    std::string text = r.rest().substr(0, 12);
    Generator g;
    if (!g.start(m, text, opt, nullptr, U' ').ok) return 0;
    std::vector<Point> pts;
    while (!g.done()) g.run(256, pts);
    if (!fuzz::finite_points(pts)) fuzz::broken("the generator wrote a non-finite point");
    const auto strokes = offsets_to_strokes(pts, m.norm.scale_x, m.norm.scale_y);
    if (!fuzz::finite_strokes(strokes)) fuzz::broken("offsets_to_strokes made a non-finite coordinate");
    render_all(strokes, style, text, (flags & 8) != 0);
    return 0;
}
