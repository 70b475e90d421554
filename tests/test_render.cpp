// Long text and the exports: the core's line planning and line check (shared/layout.h), one hand
// across the lines of a page on the shipped model, and every export read back by a parser (SVG
// through pugixml, PNG through cairo, PDF's pages, G-code line by line).
#include <doctest/doctest.h>
#include <pugixml.hpp>

#include <cairo.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "generator.h"
#include "layout.h"
#include "page_writer.h"
#include "model_file.h"
#include "raster.h"
#include "sheet.h"
#include "text.h"
#include "views.h"

using namespace hw;

static LayoutOptions narrow(float chars) {
    LayoutOptions o;
    o.advance = 1;
    o.width = chars;
    return o;
}

static std::string joined(const std::vector<PlannedLine>& lines) {
    std::string all;
    for (const auto& l : lines) all += (all.empty() ? "" : " ") + utf8_encode(l.text);
    return all;
}

TEST_CASE("layout: words wrap to the width, paragraphs part at blank lines, nothing is lost") {
    std::vector<PlannedLine> lines;
    REQUIRE(plan_lines(U"the quick brown fox jumps over the lazy dog\n\nsecond  paragraph here", narrow(12), lines).ok);
    for (const auto& l : lines) CHECK(l.text.size() <= 12);
    CHECK(joined(lines) == "the quick brown fox jumps over the lazy dog second paragraph here");
    CHECK(lines.front().paragraph == 0);
    CHECK(lines.back().paragraph == 1);
    CHECK(lines.back().paragraph_end);
    CHECK(utf8_encode(lines[0].text) == "the quick");
    // A single newline breaks the line inside the paragraph.
    REQUIRE(plan_lines(U"ab\ncd", narrow(40), lines).ok);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].paragraph == lines[1].paragraph);
    // A word longer than a line is split; the 200-character limit holds at any width.
    REQUIRE(plan_lines(std::u32string(450, U'a'), narrow(1e6f), lines).ok);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text.size() == kMaxTextChars);
    CHECK(plan_lines(std::u32string(kMaxPageChars + 1, U'a'), narrow(40), lines).message.find("2000") != std::string::npos);
    CHECK(!plan_lines(U" \n\n ", narrow(40), lines).ok);
    CHECK(!plan_lines(U"abc", narrow(0), lines).ok);
}

TEST_CASE("layout: the line check finds skipped and repeated words and an unfinished line") {
    const std::u32string line = U"ab cd ef";
    const std::vector<int> good = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(check_line(line, 0, good, true).ok);
    CHECK(!check_line(line, 0, good, false).ok);
    const LineCheck skipped = check_line(line, 0, {0, 1, 2, 5, 6, 7, 8}, true);
    CHECK(!skipped.ok);
    CHECK(skipped.problem.find("\"cd\"") != std::string::npos);
    CHECK(!check_line(line, 0, {0, 1, 2, 3, 4, 5, 6, 0, 1, 7, 8}, true).ok);  // went back to "ab"
    // Peaks in a priming text before the line (offset 4) are not the line's.
    CHECK(check_line(line, 4, {0, 1, 2, 3, 4, 5, 7, 8, 10, 11, 12}, true).ok);
    // Rewrites get distinct seeds, the same ones every time.
    CHECK(line_seed(5, 3, 1) == line_seed(5, 3, 1));
    CHECK(line_seed(5, 3, 1) != line_seed(5, 4, 1));
    CHECK(line_seed(5, 3, 0) != line_seed(5, 3, 1));
}

// A written line without a network: each character a small zigzag stroke one unit wide (x-height
// 1, pen lifted after it), its points attending to it; spaces stay empty.
static WrittenLine synthetic_line(const std::u32string& text) {
    WrittenLine w;
    float px = 0, py = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == U' ') continue;
        const float xs[] = {0.0f, 0.3f, 0.6f, 0.9f}, ys[] = {0.0f, -1.0f, 0.0f, -1.0f};
        for (int k = 0; k < 4; ++k) {
            const float x = static_cast<float>(i) + xs[k], y = ys[k];
            w.points.push_back(Point{x - px, y - py, k == 3 ? 1.0f : 0.0f});
            w.peaks.push_back(static_cast<int>(i));
            px = x, py = y;
        }
    }
    return w;
}

static void ink_x_range(const PlacedLine& l, float& x0, float& x1) {
    x0 = 1e30f, x1 = -1e30f;
    for (const InkStroke& s : l.strokes)
        for (float x : s.x) x0 = std::min(x0, x), x1 = std::max(x1, x);
}

// The page of synthetic lines `texts` with paragraph numbers `paragraphs` (each paragraph's last
// line marked) on a model of line height 10.
static PlacedPage place_synthetic(const std::vector<std::u32string>& texts, const std::vector<size_t>& paragraphs,
                                  const LayoutOptions& opt) {
    Model m;
    m.norm.line_height = 10;
    std::vector<PlannedLine> plan(texts.size());
    std::vector<WrittenLine> lines;
    for (size_t i = 0; i < texts.size(); ++i) {
        plan[i].text = texts[i];
        plan[i].paragraph = paragraphs[i];
        plan[i].paragraph_end = i + 1 == texts.size() || paragraphs[i + 1] != paragraphs[i];
        lines.push_back(synthetic_line(texts[i]));
    }
    return place_lines(m, plan, lines, opt);
}

TEST_CASE("layout: placement justifies to the width except a paragraph's last line, centres, and starts at the margin") {
    LayoutOptions opt;
    opt.width = 40;
    opt.margin_left = opt.margin_top = 5;
    opt.align = Align::Justify;
    const PlacedPage page = place_synthetic({U"ab cd ef", U"gh ij", U"kl"}, {0, 0, 0}, opt);
    REQUIRE(page.lines.size() == 3);
    float x0, x1;
    ink_x_range(page.lines[0], x0, x1);
    CHECK(x0 == doctest::Approx(5));
    CHECK(x1 == doctest::Approx(5 + 40));  // spread over the whole width
    ink_x_range(page.lines[1], x0, x1);
    CHECK(x1 == doctest::Approx(5 + 40));
    ink_x_range(page.lines[2], x0, x1);  // the paragraph's last line keeps its own width (1.9, scaled to the x-height)
    CHECK(x0 == doctest::Approx(5));
    CHECK(x1 - x0 < 2.5f);
    // The gaps between a justified line's words are equal.
    const PlacedLine& l = page.lines[0];
    REQUIRE(l.strokes.size() == 6);
    const float gap1 = l.strokes[2].x[0] - l.strokes[1].x.back(), gap2 = l.strokes[4].x[0] - l.strokes[3].x.back();
    CHECK(gap1 == doctest::Approx(gap2));
    CHECK(gap1 > 10);
    opt.align = Align::Centre;
    const PlacedPage centred = place_synthetic({U"ab cd"}, {0}, opt);
    ink_x_range(centred.lines[0], x0, x1);
    CHECK((x0 + x1) / 2 == doctest::Approx(5 + 20));
}

TEST_CASE("layout: placement leaves half a line more between paragraphs and breaks pages before the bottom margin") {
    LayoutOptions opt;
    opt.width = 40;
    opt.margin_left = opt.margin_top = 2;
    const float pitch = opt.line_spacing * 10;
    PlacedPage page = place_synthetic({U"a", U"b", U"c", U"d"}, {0, 0, 1, 1}, opt);
    REQUIRE(page.lines.size() == 4);
    CHECK(page.lines[0].baseline == doctest::Approx(2 + 0.5f * pitch));
    CHECK(page.lines[1].baseline - page.lines[0].baseline == doctest::Approx(pitch));
    CHECK(page.lines[2].baseline - page.lines[1].baseline == doctest::Approx(1.5f * pitch));  // a new paragraph
    CHECK(page.lines[3].baseline - page.lines[2].baseline == doctest::Approx(pitch));
    CHECK(page.pages == 1);
    CHECK(page.height == doctest::Approx(page.lines[3].baseline + 0.5f * pitch + 2));
    // Three lines fit a page of 2 + 3 pitches + 2: the fourth and seventh lines start pages.
    opt.page_height = 2 + 3 * pitch + 2;
    page = place_synthetic({U"a", U"b", U"c", U"d", U"e", U"f", U"g"}, {0, 0, 0, 0, 0, 0, 0}, opt);
    const int want[] = {0, 0, 0, 1, 1, 1, 2};
    for (size_t i = 0; i < page.lines.size(); ++i) {
        CHECK(page.lines[i].page == want[i]);
        CHECK(page.lines[i].baseline + 0.5f * pitch <= opt.page_height - opt.margin_top + 1e-4f);  // above the bottom margin
    }
    CHECK(page.pages == 3);
    CHECK(page.lines[3].baseline == doctest::Approx(page.lines[0].baseline));  // each page starts at the top margin
    CHECK(page.lines[6].baseline == doctest::Approx(page.lines[0].baseline));
}

static float spread(const std::vector<float>& v) {
    double mean = 0, sq = 0;
    for (float x : v) mean += x;
    mean /= static_cast<double>(v.size());
    for (float x : v) sq += (x - mean) * (x - mean);
    return static_cast<float>(std::sqrt(sq / static_cast<double>(v.size())));
}

// The shipped model: lines of a page primed with its first line keep one hand, while unprimed
// lines (each its own seed, as "Random" wrote them before) vary between hands.
TEST_CASE("layout: every line of a Random page keeps one hand (shipped model)") {
    Model m;
    REQUIRE(load_model_file(HW_DEFAULT_MODEL, m).ok);
    const std::vector<std::u32string> texts = {U"Dear Anna, thank you for", U"the lovely letter you sent",
                                               U"me last week. The garden", U"is full of roses and the",
                                               U"cat sleeps in the sun all", U"day long. With love, Tom"};
    GenerateOptions opt;
    opt.bias = 0.5f;
    opt.seed = 11;
    std::vector<PlannedLine> plan(texts.size());
    std::vector<WrittenLine> page(texts.size()), hands(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) plan[i].text = texts[i];
    REQUIRE(write_line(m, plan[0], 0, opt, nullptr, 3, page[0]).ok);
    const Priming own = priming_from_line(page[0], plan[0]);
    std::vector<float> page_xh, page_slant, hand_xh, hand_slant;
    for (size_t i = 0; i < texts.size(); ++i) {
        if (i > 0) REQUIRE(write_line(m, plan[i], i, opt, &own, 3, page[i]).ok);
        GenerateOptions other = opt;
        other.seed = 1000 + 17 * i;  // another hand for the same text
        REQUIRE(write_line(m, plan[i], i, other, nullptr, 3, hands[i]).ok);
        CHECK(page[i].check.ok);
        const HandMeasure a = measure_hand(offsets_to_strokes(page[i].points, m.norm.scale_x, m.norm.scale_y));
        const HandMeasure b = measure_hand(offsets_to_strokes(hands[i].points, m.norm.scale_x, m.norm.scale_y));
        page_xh.push_back(a.x_height);
        page_slant.push_back(a.slant);
        hand_xh.push_back(b.x_height);
        hand_slant.push_back(b.slant);
    }
    MESSAGE("x-height spread: page " << spread(page_xh) << ", hands " << spread(hand_xh) << "; slant spread: page "
                                     << spread(page_slant) << ", hands " << spread(hand_slant));
    CHECK(spread(page_xh) < spread(hand_xh));
    CHECK(spread(page_slant) < spread(hand_slant));
}

// The page driver stepped as the page's worker steps it (all lines together, n points a round),
// with the events it streams; the points of each line as the events show them, after its last restart.
struct SteppedPage {
    PageResult result;
    std::vector<std::vector<Point>> shown;
    std::vector<PageEvent::Kind> kinds;
    std::vector<size_t> lines;  // the line of each Line, Points, Restart and LineEnd event
};

static SteppedPage step_page(const Model& m, const PageRequest& req, int n) {
    SteppedPage out;
    PageWriter w;
    REQUIRE(w.start(m, req).ok);
    auto take = [&]() {
        for (PageEvent& e : w.take_events()) {
            out.kinds.push_back(e.kind);
            if (e.kind == PageEvent::Kind::Plan || e.kind == PageEvent::Kind::Placed) continue;
            out.lines.push_back(e.line);
            if (out.shown.size() <= e.line) out.shown.resize(e.line + 1);
            if (e.kind == PageEvent::Kind::Restart) out.shown[e.line].clear();
            if (e.kind == PageEvent::Kind::Points) out.shown[e.line].insert(out.shown[e.line].end(), e.points.begin(), e.points.end());
        }
    };
    for (int round = 0; !w.done() && round < 100000; ++round) {
        take();
        REQUIRE(w.step(n).ok);
    }
    take();
    REQUIRE(w.done());
    out.result = w.result();
    return out;
}

// As hw sample runs it: each line to its end, one after another (any thread may run a line).
static PageResult run_page(const Model& m, PageRequest req) {
    req.events = false;
    PageWriter w;
    REQUIRE(w.start(m, req).ok);
    while (!w.done()) {
        for (size_t i : w.lines_in_flight()) REQUIRE(w.run_line(i, 1 << 30).ok);
        REQUIRE(w.settle().ok);
    }
    CHECK(w.take_events().empty());
    return w.result();
}

static bool same_points(const std::vector<Point>& a, const std::vector<Point>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(Point)) == 0);
}

TEST_CASE("page driver: a cancelled page stops at once, its events dropped") {
    Model m;
    REQUIRE(load_model_file(std::string(HW_FIXTURE_DIR) + "/synthesis_small.hwm", m).ok);
    PageRequest req;
    req.text = U"one line\nand another line";
    req.layout.width = 40 * m.norm.line_height;
    PageWriter w;
    REQUIRE(w.start(m, req).ok);
    REQUIRE(w.step(5).ok);
    CHECK(!w.done());
    w.cancel();
    CHECK(w.done());
    CHECK(w.cancelled());
    CHECK(w.take_events().empty());
    CHECK(w.lines_in_flight().empty());
    CHECK(w.step(5).ok);  // nothing more happens
    CHECK(w.take_events().empty());
}

TEST_CASE("page driver: stepped lines together or run line by line, the same page; the events stream each line in reading order") {
    Model m;
    REQUIRE(load_model_file(std::string(HW_FIXTURE_DIR) + "/synthesis_small.hwm", m).ok);
    PageRequest req;
    req.text = U"the quick brown fox\njumps over the lazy dog\n\nand writes a second paragraph of words";
    req.layout.width = 40 * m.norm.line_height;
    req.gen.seed = 9;
    req.gen.bias = 0.5f;
    req.max_attempts = 2;  // the fixture's random weights fail checks: rewrites are exercised
    const PageResult lines_run = run_page(m, req);
    REQUIRE(lines_run.plan.size() >= 3);
    for (bool diagnostics : {false, true}) {
        INFO("diagnostics " << diagnostics);
        req.gen.diagnostics = diagnostics;
        const SteppedPage stepped = step_page(m, req, diagnostics ? 7 : 48);
        const PageResult& r = stepped.result;
        REQUIRE(r.lines.size() == lines_run.lines.size());
        CHECK(r.advance == lines_run.advance);
        for (size_t i = 0; i < r.lines.size(); ++i) {
            CHECK(r.plan[i].text == lines_run.plan[i].text);
            CHECK(same_points(r.lines[i].points, lines_run.lines[i].points));
            CHECK(r.lines[i].attempts == lines_run.lines[i].attempts);
            CHECK(same_points(stepped.shown[i], r.lines[i].points));  // what the events showed is the line
            if (diagnostics) CHECK(r.lines[i].diag.size() == r.lines[i].points.size());
        }
        // Plan first, Placed last; a line's events never come before an earlier line's end.
        CHECK(stepped.kinds.front() == PageEvent::Kind::Plan);
        CHECK(stepped.kinds.back() == PageEvent::Kind::Placed);
        size_t ended = 0;
        for (size_t k = 0, j = 0; k < stepped.kinds.size(); ++k) {
            if (stepped.kinds[k] == PageEvent::Kind::Plan || stepped.kinds[k] == PageEvent::Kind::Placed) continue;
            const size_t line = stepped.lines[j++];
            CHECK(line == ended);  // the head line only
            if (stepped.kinds[k] == PageEvent::Kind::LineEnd) ++ended;
        }
        CHECK(ended == r.lines.size());
        CHECK(r.placed.lines.size() == r.lines.size());
        // This text, seed and fixture exercise the rest: the page planned again after the first line
        // (the hand's advance was off the guess) and lines written again after a failed check.
        CHECK(std::count(stepped.kinds.begin(), stepped.kinds.end(), PageEvent::Kind::Plan) == 2);
        CHECK(std::count(stepped.kinds.begin(), stepped.kinds.end(), PageEvent::Kind::Restart) >= 1);
    }
}

TEST_CASE("export: the curve stream gives pen_runs' curves and dots point by point, each once it is final") {
    // Strokes of 1, 2, 3 and 7 points; the last one ends without a pen lift (the line ends).
    const std::vector<InkStroke> strokes = {
        {{1}, {2}, {}}, {{0, 3}, {0, 1}, {}}, {{5, 6, 8}, {1, 3, 2}, {}}, {{0, 1, 3, 6, 10, 15, 21}, {0, 2, 1, 4, 3, 6, 5}, {}}};
    CurveStream cs;
    std::vector<float> out;
    size_t fed = 0;
    for (size_t k = 0; k < strokes.size(); ++k)
        for (size_t i = 0; i < strokes[k].size(); ++i) {
            const bool up = i + 1 == strokes[k].size() && k + 1 < strokes.size();
            cs.add(strokes[k].x[i], strokes[k].y[i], up, out);
            ++fed;
            CHECK(out.size() / 6 >= fed - 1);  // at most the last point waits
        }
    cs.finish(out);
    REQUIRE(out.size() == 6 * fed);
    size_t at = 0;
    for (const InkStroke& st : strokes) {
        const std::vector<PenRun> runs = pen_runs(st, false);
        REQUIRE(runs.size() == 1);
        if (st.size() == 1) {
            CHECK(std::vector<float>(out.begin() + at, out.begin() + at + 6) == runs[0].curve);  // the dot
        } else {
            CHECK(std::isnan(out[at]));  // a move to the first point
            CHECK(out[at + 4] == st.x[0]);
            CHECK(std::vector<float>(out.begin() + at + 6, out.begin() + at + 6 * st.size()) == runs[0].curve);
        }
        at += 6 * st.size();
    }
}

TEST_CASE("export: a page's title is its text's first words, never longer than 60 characters, controls shown") {
    CHECK(page_title(U"Dear Anna,\n\nthank you") == "Dear Anna, thank you");
    const std::string long_title = page_title(U"one two three four five six seven eight nine ten eleven twelve thirteen");
    CHECK(long_title == "one two three four five six seven eight nine ten eleven\u2026");
    CHECK(page_title(std::u32string(80, U'x')) == std::string(60, 'x') + "\u2026");
    CHECK(page_title(U"bell\a here") == "bell<U+0007> here");
    CHECK(page_title(U"  ") == "");
}

static Sheet zigzag_sheet() {
    Sheet sheet;
    sheet.width_mm = 100;
    sheet.height_mm = 50;
    sheet.title = "a <test> & more";
    for (int s = 0; s < 3; ++s) {
        InkStroke st;
        for (int i = 0; i < 20; ++i) {
            // slow (short steps) in the first half, fast in the second
            st.x.push_back(10 + s * 25 + (i < 10 ? 0.2f * i : 2 + 1.5f * (i - 10)));
            st.y.push_back(20 + (i < 10 ? 0.1f * (i % 2) : 4.0f * (i % 2)));
        }
        sheet.strokes.push_back(st);
        sheet.stroke_page.push_back(0);
    }
    return sheet;
}

TEST_CASE("export: SVG (smoothed, pressure) and plotter SVG parse as XML and stay on the page") {
    const Sheet sheet = zigzag_sheet();
    for (bool pressure : {false, true}) {
        PenStyle pen;
        pen.pressure = pressure;
        const std::string svg = sheet_svg(sheet, pen);
        pugi::xml_document doc;
        REQUIRE(doc.load_string(svg.c_str()));
        const pugi::xml_node root = doc.child("svg");
        CHECK(std::string(root.attribute("width").value()) == "100.00mm");
        CHECK(std::string(root.child("title").text().get()) == "a <test> & more");
        size_t paths = 0, widths = 0;
        std::vector<std::string> seen;
        for (pugi::xml_node p : root.child("g").children("path")) {
            ++paths;
            CHECK(std::string(p.attribute("d").value()).find(" C") != std::string::npos);  // curves
            const std::string w = p.attribute("stroke-width").value();
            if (std::find(seen.begin(), seen.end(), w) == seen.end()) seen.push_back(w), ++widths;
        }
        CHECK(paths >= 3);
        if (pressure) CHECK(widths > 1);
        else CHECK(widths == 1);
    }
    pugi::xml_document plot;
    REQUIRE(plot.load_string(plotter_svg(sheet).c_str()));
    const pugi::xml_node g = plot.child("svg").child("g");
    CHECK(std::string(g.attribute("fill").value()) == "none");
    CHECK(std::string(g.attribute("vector-effect").value()) == "non-scaling-stroke");
    size_t paths = 0;
    for (pugi::xml_node p : g.children("path")) {
        ++paths;
        const std::string d = p.attribute("d").value();
        CHECK(d.find('C') == std::string::npos);  // straight segments: the pen's centre line
        std::istringstream in(d);
        std::string tok;
        while (in >> tok) {
            if (tok == "L" || tok[0] == 'M' || tok[0] == 'L') tok = tok.size() > 1 ? tok.substr(1) : "";
            if (tok.empty()) continue;
            const float v = std::strtof(tok.c_str(), nullptr);
            CHECK(v >= 0);
            CHECK(v <= 100);
        }
    }
    CHECK(paths == 3);
}

TEST_CASE("export: G-code holds only G0/G1 moves inside the page and the configured pen commands") {
    Sheet sheet = zigzag_sheet();
    for (const char* preset : {"servo", "z"}) {
        GcodeOptions opt;
        REQUIRE(gcode_pen_preset(preset, 4, 0.5f, opt));
        std::string code;
        REQUIRE(sheet_gcode(sheet, opt, code).ok);
        std::istringstream in(code);
        std::string line;
        int g1 = 0, downs = 0;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == ';' || line == "G21" || line == "G90") continue;
            if (line == opt.pen_up) continue;
            if (line == opt.pen_down) { ++downs; continue; }
            REQUIRE_MESSAGE((line.rfind("G0 ", 0) == 0 || line.rfind("G1 ", 0) == 0), line);
            g1 += line[1] == '1';
            std::istringstream words(line.substr(3));
            std::string w;
            while (words >> w) {
                const float v = std::strtof(w.c_str() + 1, nullptr);
                if (w[0] == 'X') CHECK((v >= 0 && v <= sheet.width_mm));
                else if (w[0] == 'Y') CHECK((v >= 0 && v <= sheet.height_mm));
                else CHECK(w[0] == 'F');
            }
        }
        CHECK(downs == 3);
        CHECK(g1 == 3 * 19);
    }
    GcodeOptions opt;
    CHECK(!gcode_pen_preset("laser", 1, 0, opt));
    sheet.strokes[0].x[3] = 120;  // off the page
    std::string code;
    CHECK(sheet_gcode(sheet, opt, code).message.find("does not fit") != std::string::npos);
    sheet = zigzag_sheet();
    sheet.pages = 2;
    CHECK(!sheet_gcode(sheet, opt, code).ok);
}

namespace {
struct ByteReader {
    const std::vector<uint8_t>* bytes;
    size_t at = 0;
};
cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<ByteReader*>(closure);
    if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, r->bytes->data() + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}
}  // namespace

TEST_CASE("export: PNG at a DPI decodes with ink on paper; PDF has one page per page") {
    const Sheet sheet = zigzag_sheet();
    std::vector<uint8_t> png;
    REQUIRE(sheet_png(sheet, PenStyle{}, 254, png).ok);
    ByteReader reader{&png};
    cairo_surface_t* img = cairo_image_surface_create_from_png_stream(read_bytes, &reader);
    REQUIRE(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
    CHECK(cairo_image_surface_get_width(img) == 1000);  // 100 mm at 254 dpi
    CHECK(cairo_image_surface_get_height(img) == 500);
    const unsigned char* px = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    int dark = 0, white = 0;
    for (int y = 0; y < 500; ++y)
        for (int x = 0; x < 1000; ++x) {
            const unsigned char g = px[y * stride + 4 * x + 1];
            dark += g < 80;
            white += g == 255;
        }
    cairo_surface_destroy(img);
    CHECK(dark > 500);
    CHECK(white > 400000);
    CHECK(png.size() < 1000 * 500 / 4);  // compressed
    Sheet two = sheet;
    two.pages = 2;
    two.stroke_page = {0, 1, 1};
    std::vector<uint8_t> pdf;
    REQUIRE(sheet_pdf(two, PenStyle{}, pdf).ok);
    const std::string text(pdf.begin(), pdf.end());
    CHECK(text.rfind("%PDF-", 0) == 0);
    size_t pages = 0;
    for (size_t p = text.find("/Type /Page"); p != std::string::npos; p = text.find("/Type /Page", p + 1))
        pages += text.compare(p, 12, "/Type /Pages") != 0;
    CHECK(pages == 2);
}

TEST_CASE("views: the SVG of a written line parses, with a heatmap row per character") {
    Model m;
    REQUIRE(load_model_file(std::string(HW_FIXTURE_DIR) + "/synthesis_small.hwm", m).ok);
    GenerateOptions opt;
    opt.diagnostics = true;
    Generator g;
    REQUIRE(g.start(m, "hello", opt).ok);
    std::vector<Point> pts;
    std::vector<StepDiagnostics> diag;
    std::vector<int> peaks;
    while (!g.done()) g.run(1000, pts, &diag, &peaks);
    const std::string svg = views_svg(g.text(), pts, diag, peaks, m.norm.scale_x, m.norm.scale_y);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(svg.c_str()));
    const pugi::xml_node root = doc.child("svg");
    size_t labels = 0, lines = 0, ellipses = 0, cells = 0;
    for (pugi::xml_node n : root.children("text")) labels += std::string(n.text().get()).size() > 0;
    for (pugi::xml_node grp : root.children("g")) {
        for (pugi::xml_node l : grp.children("line")) lines += l.attribute("stroke").value()[0] == 'h';
        for (pugi::xml_node e : grp.children("ellipse")) ellipses += e.attribute("rx").as_float() > 0;
        for (pugi::xml_node r : grp.children("rect")) cells += r.attribute("opacity").as_float() > 0;
    }
    CHECK(labels >= 3 + 5 + static_cast<size_t>(m.hp.mixtures));  // captions, one per character, one per component
    CHECK(lines > 10);
    CHECK(ellipses > 10);
    CHECK(cells > 10);
}
