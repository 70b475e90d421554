// The data builder: IAM-OnDB fixtures, user ink, the fonts corpus (determinism), the cached
// dataset (round trip, corrupt files) and garbage fed to every parser.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "quantise.h"
#include "dataset.h"
#include "files.h"
#include "font_corpus.h"
#include "iam_reader.h"
#include "ink_jsonl.h"
#include "ink_jsonl_source.h"
#include "pen_kinematics.h"
#include "rng.h"
#include "stroke_font.h"
#include "text.h"
#include "text_source.h"

#include <nlohmann/json.hpp>

using namespace hw;

namespace {

std::string temp_path(const std::string& name) { return "/tmp/hw_test_data_" + std::to_string(::getpid()) + "_" + name; }

// A plain write (no fsync): the corruption loops write thousands of files.
void write_plain(const std::string& path, const uint8_t* data, size_t size) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}
const std::string kIam = std::string(HW_FIXTURE_DIR) + "/iam";

bool has_reason(const SkipLog& log, const std::string& reason, size_t n) {
    auto it = log.counts.find(reason);
    return it != log.counts.end() && it->second == n;
}

Dataset small_dataset() {
    Dataset d;
    d.sources = {"a", "b"};
    DataLine l;
    l.text = "hi \xE2\x80\x9C";
    l.dx = {0, 120, -32768, 32767, 5};
    l.dy = {0, -7, 300, -300, 0};
    l.pen_up = {0, 1, 0, 0, 1};
    l.source = 1;
    d.train = {l, l};
    d.valid = {l};
    d.norm = compute_norm(d.train, d.quantum);
    d.alphabet = collect_alphabet(d.train);
    return d;
}

}  // namespace

TEST_CASE("iam: the miniature tree pairs lines by number and reports what it skips") {
    SourceLines src;
    IamInfo info;
    REQUIRE(read_iam_source(kIam, IamOptions{}, src, info).ok);
    CHECK(src.train.size() == 2);  // a01-000u-01, -02
    CHECK(src.valid.size() == 1);  // a01-001w-02 (testset_v)
    CHECK(src.train[0].text == "A MOVE to stop Mr. Gaitskell from");
    CHECK(src.train[1].text == "nominating any more Labour life Peers");
    CHECK(src.valid[0].text == "put down a resolution on the subject");
    CHECK(src.train[0].strokes.size() == 3);
    CHECK(src.valid[0].strokes.size() == 2);  // the empty stroke is dropped
    CHECK(has_reason(src.skipped, "iam malformed stroke files", 1));
    CHECK(has_reason(src.skipped, "iam ink without a transcription", 1));
    CHECK(has_reason(src.skipped, "iam transcription lines without ink", 1));
    CHECK(has_reason(src.skipped, "iam empty strokes dropped", 1));
    CHECK(info.writers == 1);
    CHECK(src.sources[src.train[0].source] == "iam:writer 10023");
    CHECK(info.split.find("official") == 0);
    // The malformed file is named with its line.
    bool named = false;
    for (const auto& m : src.skipped.messages) named |= m.find("a01-001w-01.xml:20: malformed XML") != std::string::npos;
    CHECK(named);
}

TEST_CASE("iam: offsets carry a pen-up on each stroke's last point and start at (0, 0)") {
    SourceLines src;
    IamInfo info;
    REQUIRE(read_iam_source(kIam, IamOptions{}, src, info).ok);
    DataLine d;
    std::string why;
    REQUIRE(quantise_line(src.train[0], 0.01f, d, why));
    CHECK(d.size() == 75);
    CHECK(d.dx[0] == 0);
    CHECK(d.dy[0] == 0);
    CHECK(d.pen_up[29] == 1);
    CHECK(d.pen_up[49] == 1);
    CHECK(d.pen_up[74] == 1);
    size_t ups = 0;
    for (auto u : d.pen_up) ups += u;
    CHECK(ups == 3);
}

TEST_CASE("iam: limits drop long lines with a count; a folder without ink is an error") {
    SourceLines src;
    IamInfo info;
    IamOptions opt;
    opt.max_points = 60;
    REQUIRE(read_iam_source(kIam, opt, src, info).ok);
    CHECK(src.train.size() == 1);
    CHECK(has_reason(src.skipped, "iam lines over 60 points", 1));
    CHECK(src.valid.size() == 1);
    SourceLines none;
    CHECK_FALSE(read_iam_source(std::string(HW_FIXTURE_DIR) + "/iam/ascii", IamOptions{}, none, info).ok);
    CHECK_FALSE(read_iam_source("/nonexistent/iam", IamOptions{}, none, info).ok);
}

TEST_CASE("iam: transcription lines are those after CSR:") {
    CHECK(parse_iam_transcription("OCR:\nx\n\nCSR:\n\nfirst line\n  second &quot;q&quot;  \n").size() == 2);
    CHECK(parse_iam_transcription("OCR:\nx\n\nCSR:\n\nfirst line\n  second &quot;q&quot;  \n")[1] == "second \"q\"");
    CHECK(parse_iam_transcription("no marker here\n").empty());
}

TEST_CASE("ink: a JSONL file is a source; bad records are skipped by line") {
    const std::string path = temp_path("ink.jsonl");
    std::string text;
    for (int i = 0; i < 12; ++i)
        text += "{\"text\": \"line " + std::to_string(i) + "\", \"writer\": \"me\", \"strokes\": [[[0, 0], [10, 20], [20, 0]], [[30, 0], [30, 25]]]}\n";
    text += "{\"text\": \"broken\", \"strokes\": [[[0, \n";
    text += "{\"text\": \"\", \"strokes\": [[[0, 0], [1, 1]]]}\n";
    REQUIRE(write_file_atomic(path, text).ok);
    SourceLines src;
    REQUIRE(read_ink_source(path, src).ok);
    CHECK(src.train.size() == 11);
    CHECK(src.valid.size() == 1);
    CHECK(src.skipped.total() == 2);
    CHECK(src.sources.size() == 1);
    CHECK(src.sources[0].find("/me") != std::string::npos);
    // Scaled to the common line height and re-sampled to the common spacing.
    // (re-sampling moves the percentiles a little, so only roughly)
    CHECK(median_line_height(src.train) > 0.6f * kTargetLineHeight);
    CHECK(median_line_height(src.train) < 1.4f * kTargetLineHeight);
    REQUIRE(write_file_atomic(path, "garbage\n{}\n").ok);
    SourceLines bad;
    CHECK_FALSE(read_ink_source(path, bad).ok);
    std::remove(path.c_str());
}

TEST_CASE("ink source: a record's size is capped where it enters (issue #15 #4)") {
    const std::string path = temp_path("ink_caps.jsonl");
    // 58 bytes of ink that paces into a very long line: one 1e6-unit stroke 10 units high.
    std::string text = "{\"text\": \"ok\", \"strokes\": [[[0, 0], [10, 20], [20, 0]]]}\n";
    text += "{\"text\": \"a\", \"strokes\": [[[0,0],[1000000,10]]]}\n";
    text += "{\"text\": \"b\", \"strokes\": [[[0, 0], [1e39, 10]]]}\n";  // beyond float
    text += "{\"text\": \"" + std::string(kMaxTextChars + 1, 'x') + "\", \"strokes\": [[[0, 0], [1, 1]]]}\n";
    REQUIRE(write_file_atomic(path, text).ok);
    SourceLines src;
    REQUIRE(read_ink_source(path, src, 1200).ok);
    CHECK(src.train.size() + src.valid.size() == 1);
    for (const auto& l : src.train) CHECK(point_count(l) <= 1200);
    CHECK(src.skipped.total() == 3);
    const std::string all = nlohmann::json(src.skipped.messages).dump();
    INFO(all);
    CHECK(all.find(":3: strokes[0][1] holds a value that is not a finite number") != std::string::npos);
    CHECK(all.find(":4: field \\\"text\\\" has 201 characters") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("jhf: records run from ASCII 32, wrap over lines, and bad ones are reported") {
    const std::string text =
        "    1  1JZ\n"                 // space: bearings only
        "    2  9MWRFRT RRYQZR[SZRY\n"  // '!' (a bar and a dot)
        "12345  6I[RFJ[\n"             // '"': wrapped onto the next line
        " RRFZ[\n"
        "    4  3XX\n";                // '#': too short for its count
    StrokeFont f;
    std::vector<std::string> warnings;
    REQUIRE(parse_jhf(text, "t.jhf", f, warnings).ok);
    REQUIRE(f.has(U' '));
    REQUIRE(f.has(U'!'));
    REQUIRE(f.has(U'"'));
    CHECK_FALSE(f.has(U'#'));
    CHECK(warnings.size() == 1);
    CHECK(f.glyphs[U' '].strokes.empty());
    CHECK(f.glyphs[U'!'].left == -5);
    CHECK(f.glyphs[U'!'].right == 5);
    CHECK(f.glyphs[U'!'].strokes.size() == 2);
    CHECK(f.glyphs[U'!'].strokes[0].y[0] == -12);  // 'F' - 'R'
    CHECK(f.glyphs[U'"'].strokes.size() == 2);
}

TEST_CASE("jhf: the Debian Hershey fonts parse completely") {
    for (const char* name : {"scripts", "cursive", "futural", "timesi"}) {
        std::string text;
        REQUIRE(read_text_file(std::string("/usr/share/hershey-fonts/") + name + ".jhf", text).ok);
        StrokeFont f;
        f.name = name;
        std::vector<std::string> warnings;
        REQUIRE(parse_jhf(text, name, f, warnings).ok);
        CHECK(warnings.empty());
        for (char c : iam_charset()) CHECK(f.has(static_cast<char32_t>(c)));
        REQUIRE(measure_font(f).ok);
        CHECK(f.x_height > 5);
    }
}

TEST_CASE("svg font: M/L glyphs, y flipped; other commands refused") {
    const std::string svg =
        "<svg><defs><font horiz-adv-x=\"500\"><font-face units-per-em=\"1000\" x-height=\"300\"/>"
        "<glyph unicode=\"x\" horiz-adv-x=\"400\" d=\"M 0 0 L 300 300 M 0 300 L 300 0\"/>"
        "<glyph unicode=\"a\" d=\"M 0 0 C 1 1 2 2 3 3\"/><glyph unicode=\"&#x22;\" d=\"M 1 1 l 0 100\"/></font></defs></svg>";
    StrokeFont f;
    f.name = "t";
    std::vector<std::string> warnings;
    REQUIRE(parse_svg_font(svg, "t.svg", f, warnings).ok);
    CHECK(f.has(U'x'));
    CHECK(f.has(U'"'));
    CHECK_FALSE(f.has(U'a'));
    CHECK(warnings.size() == 1);
    CHECK(f.glyphs[U'x'].right == 400);
    CHECK(f.glyphs[U'"'].right == 500);
    CHECK(f.glyphs[U'"'].strokes[0].y[1] == -101);
    REQUIRE(measure_font(f).ok);
    CHECK(f.x_height == 300);
    CHECK(f.baseline == 0);
    StrokeFont g;
    CHECK_FALSE(parse_svg_font("<svg><font>", "bad.svg", g, warnings).ok);
}

TEST_CASE("text: fortune entries become 10-50 character lines over the IAM set") {
    Rng rng(3);
    std::vector<std::string> lines;
    SkipLog skipped;
    fortune_lines("The quick brown fox jumps over the lazy dog, again and again and again.\n%\nshort\n%\n"
                  "Caf\xC3\xA9 society {braces} are not in the set but the rest of this entry is fine text.\n",
                  rng, lines, skipped);
    REQUIRE(!lines.empty());
    for (const auto& l : lines) {
        CHECK(l.size() >= kMinLineChars);
        CHECK(l.size() <= kMaxLineChars);
        for (char c : l) CHECK(iam_charset().find(c) != std::string::npos);
    }
    CHECK(skipped.total() == 2);
    for (int i = 0; i < 200; ++i) {
        const std::string g = generated_line(rng);
        CHECK(g.size() >= kMinLineChars);
        CHECK(g.size() <= kMaxLineChars);
        for (char c : g) CHECK(iam_charset().find(c) != std::string::npos);
    }
}

namespace {

std::string build_bytes(uint64_t seed, int threads, size_t lines) {
    FontsOptions opt;
    opt.lines = lines;
    opt.seed = seed;
    opt.threads = threads;
    FontsCorpus c;
    REQUIRE(build_fonts_corpus(opt, c, nullptr).ok);
    Dataset d;
    d.sources = c.sources;
    std::string why;
    for (int part = 0; part < 2; ++part)
        for (const auto& l : part ? c.valid : c.train) {
            DataLine q;
            REQUIRE(quantise_line(l, d.quantum, q, why));
            (part ? d.valid : d.train).push_back(q);
        }
    d.norm = compute_norm(d.train, d.quantum);
    d.alphabet = collect_alphabet(d.train);
    const std::string path = temp_path("fonts.hwds");
    REQUIRE(save_dataset(d, path).ok);
    std::string bytes;
    REQUIRE(read_text_file(path, bytes).ok);
    std::remove(path.c_str());
    return bytes;
}

}  // namespace

TEST_CASE("fonts: the same seed gives the same bytes, whatever the thread count") {
    const std::string a = build_bytes(5, 1, 120), b = build_bytes(5, 2, 120), c = build_bytes(6, 2, 120);
    CHECK(a == b);
    CHECK(a != c);
}

TEST_CASE("fonts: lines look like handwriting data (spacing, points per character, split)") {
    FontsOptions opt;
    opt.lines = 400;
    FontsCorpus c;
    REQUIRE(build_fonts_corpus(opt, c, nullptr).ok);
    CHECK(c.train.size() + c.valid.size() == 400);
    CHECK(!c.valid.empty());
    size_t points = 0, chars = 0;
    for (const auto& l : c.train) points += point_count(l), chars += l.text.size();
    const double per_char = static_cast<double>(points) / static_cast<double>(chars);
    CHECK(per_char > 14);
    CHECK(per_char < 28);
    for (const auto& l : c.valid) CHECK(c.styles[l.source].valid);
    for (const auto& l : c.train) CHECK_FALSE(c.styles[l.source].valid);
}

TEST_CASE("fonts: a line needing a glyph the font lacks is not written") {
    std::vector<StrokeFont> fonts(1);
    std::vector<std::string> warnings;
    REQUIRE(parse_jhf("    1  1JZ\n", "t.jhf", fonts[0], warnings).ok);
    fonts[0].x_height = 10;
    Rng rng(1);
    RawLine out;
    CHECK_FALSE(write_line(fonts[0], draw_style(fonts, 1, 0), U"ab", rng, out));
}

TEST_CASE("dataset: save and load round-trip every field") {
    const Dataset d = small_dataset();
    const std::string path = temp_path("rt.hwds");
    REQUIRE(save_dataset(d, path).ok);
    Dataset back;
    REQUIRE(load_dataset(path, back).ok);
    CHECK(back.quantum == d.quantum);
    CHECK(back.alphabet == d.alphabet);
    CHECK(back.sources == d.sources);
    CHECK(back.norm.scale_x == d.norm.scale_x);
    CHECK(back.norm.line_height == d.norm.line_height);
    REQUIRE(back.train.size() == 2);
    REQUIRE(back.valid.size() == 1);
    CHECK(back.train[1].text == d.train[1].text);
    CHECK(back.train[1].dx == d.train[1].dx);
    CHECK(back.train[1].dy == d.train[1].dy);
    CHECK(back.train[1].pen_up == d.train[1].pen_up);
    CHECK(back.valid[0].source == 1);
    std::remove(path.c_str());
}

TEST_CASE("dataset: truncated, corrupted or foreign files are refused with a clear error") {
    const std::string path = temp_path("bad.hwds");
    REQUIRE(save_dataset(small_dataset(), path).ok);
    std::vector<uint8_t> bytes;
    REQUIRE(read_file(path, bytes).ok);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        write_plain(path, bytes.data(), cut);
        Dataset d;
        const Status s = load_dataset(path, d);
        CHECK_FALSE(s.ok);
        CHECK(s.message.find(path) == 0);
        CHECK(d.train.empty());
    }
    Rng rng(9);
    for (int i = 0; i < 2000; ++i) {  // flipped bytes: refused or loaded, never a crash
        std::vector<uint8_t> b = bytes;
        for (int k = 0; k < 3; ++k) b[rng.next_u32() % b.size()] ^= static_cast<uint8_t>(1 + rng.next_u32() % 255);
        write_plain(path, b.data(), b.size());
        Dataset d;
        (void)load_dataset(path, d);
    }
    REQUIRE(write_file_atomic(path, std::string("HWDS but not really a dataset")).ok);
    Dataset d;
    CHECK(load_dataset(path, d).message.find("bad magic") != std::string::npos);
    CHECK_FALSE(load_dataset("/nonexistent/x.hwds", d).ok);
    std::remove(path.c_str());
}

TEST_CASE("quantise: positions are rounded, so offsets add up without drift") {
    RawLine l;
    l.strokes.resize(2);
    for (int i = 0; i < 1000; ++i) l.strokes[0].x.push_back(i * 0.0137f), l.strokes[0].y.push_back(-i * 0.0071f);
    l.strokes[1].x = {300.0f};
    l.strokes[1].y = {-3.0f};
    DataLine d;
    std::string why;
    REQUIRE(quantise_line(l, 0.01f, d, why));
    long long x = 0;
    for (size_t i = 0; i < 1000; ++i) x += d.dx[i];
    CHECK(x == std::llround(l.strokes[0].x[999] / 0.01f));
    CHECK_FALSE(quantise_line(l, 0.001f, d, why));  // a step of 290 units does not fit at this quantum
    CHECK(why.find("16-bit") != std::string::npos);
}

TEST_CASE("quantise: text with a control character never enters the dataset (issue #15)") {
    RawLine l;
    l.strokes.resize(1);
    l.strokes[0].x = {0, 1, 2};
    l.strokes[0].y = {0, 1, 0};
    DataLine d;
    std::string why;
    for (const std::string& bad : {std::string("a\0b", 3), std::string("a\nb"), std::string("a\x7f"), std::string("a\xe2\x80\xae" "b"),
                                   std::string("a\xff")}) {
        l.text = bad;
        CHECK_FALSE(quantise_line(l, 0.01f, d, why));
        CHECK((why.find("control character") != std::string::npos || why.find("UTF-8") != std::string::npos));
    }
    l.text = "caf\xc3\xa9 ok";
    CHECK(quantise_line(l, 0.01f, d, why));
}

TEST_CASE("norm: scales, spacing and height come from the training lines") {
    DataLine l;
    l.dx = {0, 100, 100, 100, 1000};
    l.dy = {0, 0, 0, 0, 0};
    l.pen_up = {0, 0, 0, 1, 1};
    const Normalisation n = compute_norm({l}, 0.01f);
    CHECK(n.point_spacing == doctest::Approx(1.0));  // the 10-unit jump is a pen-up step
    CHECK(n.scale_y < 1e-3f);
    CHECK(n.scale_x > 1.0f);
}

namespace {

std::string garbage(Rng& rng, const std::string& seed_text) {
    std::string s = seed_text;
    const int op = static_cast<int>(rng.next_u32() % 4);
    if (op == 0 || s.empty()) {
        s.resize(rng.next_u32() % 400);
        for (auto& c : s) c = static_cast<char>(rng.next_u32());
    } else if (op == 1) {
        s.resize(rng.next_u32() % s.size());
    } else {
        for (int k = 0; k < 1 + static_cast<int>(rng.next_u32() % 8); ++k)
            s[rng.next_u32() % s.size()] = "<>\"/ R\n%0123456789-.eE&;#xMLCZ"[rng.next_u32() % 30];
    }
    return s;
}

}  // namespace

namespace {

// A reader's verdict on one garbled input: a refusal names the input; what is accepted holds only
// finite coordinates. Counts both, so that the test can see that the garbage reached each path.
struct Verdicts {
    int accepted = 0, refused = 0;
    void take(const Status& s, const std::string& name, const std::vector<InkStroke>& strokes) {
        if (!s) {
            ++refused;
            CHECK_MESSAGE(s.message.rfind(name, 0) == 0, "a refusal that does not name " << name << ": " << s.message);
            return;
        }
        ++accepted;
        for (const InkStroke& st : strokes)
            for (size_t k = 0; k < st.size(); ++k)
                if (!std::isfinite(st.x[k]) || !std::isfinite(st.y[k])) FAIL(name << ": a non-finite point was accepted");
    }
};

}  // namespace

TEST_CASE("fuzz-ish: the parsers survive garbage, refuse it by name and accept only finite ink") {
    std::string iam_xml, jhf;
    REQUIRE(read_text_file(kIam + "/lineStrokes/a01/a01-000/a01-000u-01.xml", iam_xml).ok);
    REQUIRE(read_text_file("/usr/share/hershey-fonts/scripts.jhf", jhf).ok);
    jhf.resize(3000);
    const std::string svg = "<svg><font horiz-adv-x=\"500\"><glyph unicode=\"x\" d=\"M 0 0 L 300 300 M 0 300 L 300 0\"/></font></svg>";
    const std::string ascii = "OCR:\nsome text\n\nCSR:\n\nA MOVE to stop\nnominating any\n";
    const std::string ink = "{\"text\": \"hi\", \"strokes\": [[[0, 0], [1, 2, 3]]]}";
    Rng rng(2024);
    Verdicts xml, jhf_font, svg_font, ink_line;
    for (int i = 0; i < 3000; ++i) {
        std::vector<InkStroke> strokes;
        SkipLog log;
        std::vector<std::string> warnings;
        xml.take(parse_iam_strokes(garbage(rng, iam_xml), "g.xml", strokes, log), "g.xml", strokes);
        (void)parse_iam_transcription(garbage(rng, ascii));
        StrokeFont f;
        const Status fs = parse_jhf(garbage(rng, jhf), "g.jhf", f, warnings);
        jhf_font.take(fs, "g.jhf", {});
        if (fs) (void)measure_font(f);
        StrokeFont g;
        const Status gs = parse_svg_font(garbage(rng, svg), "g.svg", g, warnings);
        svg_font.take(gs, "g.svg", {});
        if (gs) (void)measure_font(g);
        std::vector<std::string> lines;
        Rng r2(i);
        fortune_lines(garbage(rng, ascii), r2, lines, log);
        InkLine il;
        ink_line.take(parse_ink_line(garbage(rng, ink), "g.jsonl:1", il), "g.jsonl:1", il.strokes);
    }
    const std::pair<const char*, const Verdicts*> all[] = {{"xml", &xml}, {"jhf", &jhf_font}, {"svg", &svg_font}, {"ink", &ink_line}};
    for (const auto& [name, v] : all) {
        INFO(std::string(name) << ": " << v->accepted << " accepted, " << v->refused << " refused");
        CHECK(v->refused > 0);  // garbage is refused ...
        if (v != &ink_line) CHECK(v->accepted > 0);  // ... and some is still valid (a short JSON record never is)
    }
}

namespace {

struct StepStats {
    double mean = 0, cv = 0;  // of the pen-down steps
};

StepStats step_stats(const std::vector<RawLine>& lines) {
    double n = 0, s = 0, ss = 0;
    for (const auto& l : lines)
        for (const auto& st : l.strokes)
            for (size_t i = 1; i < st.size(); ++i) {
                const double d = std::hypot(st.x[i] - st.x[i - 1], st.y[i] - st.y[i - 1]);
                n += 1, s += d, ss += d * d;
            }
    StepStats r;
    r.mean = s / n;
    r.cv = std::sqrt(std::max(0.0, ss / n - r.mean * r.mean)) / r.mean;
    return r;
}

}  // namespace

TEST_CASE("pacing: style-like ink prepared for priming steps like the corpus's pen, unlike uniform resampling") {
    FontsOptions opt;
    opt.lines = 150;
    opt.seed = 3;
    FontsCorpus c;
    REQUIRE(build_fonts_corpus(opt, c, nullptr).ok);
    const StepStats corpus = step_stats(c.train);
    const float height = median_line_height(c.train);
    std::vector<RawLine> paced = c.train, uniform = c.train;
    for (size_t i = 0; i < paced.size(); ++i) {
        // What a style preset goes through when it primes: pace_strokes is prepare_ink's pacing.
        std::vector<InkStroke> out;
        REQUIRE(pace_strokes(c.train[i].strokes, height / kLineHeightPerXHeight, static_cast<float>(corpus.mean), out).ok);
        paced[i].strokes = out;
        for (auto& st : uniform[i].strokes) {
            InkStroke r;
            REQUIRE(resample_stroke(st, static_cast<float>(corpus.mean), r).ok);
            st = r;
        }
    }
    const StepStats p = step_stats(paced), u = step_stats(uniform);
    INFO("corpus cv ", corpus.cv, ", paced cv ", p.cv, ", uniform cv ", u.cv);
    CHECK(p.mean == doctest::Approx(corpus.mean).epsilon(0.03));
    CHECK(std::fabs(p.cv - corpus.cv) < 0.3 * corpus.cv);
    CHECK(std::fabs(p.cv - corpus.cv) < 0.5 * std::fabs(u.cv - corpus.cv));
}

TEST_CASE("fonts: writer statistics are reproducible from the seed, and differ between seeds") {
    auto stats = [](uint64_t seed) {
        FontsOptions opt;
        opt.lines = 160;
        opt.seed = seed;
        opt.threads = seed % 2 ? 1 : 2;
        FontsCorpus c;
        REQUIRE(build_fonts_corpus(opt, c, nullptr).ok);
        return writer_stats(c);
    };
    auto same = [](const std::map<std::string, WriterStats>& a, const std::map<std::string, WriterStats>& b) {
        if (a.size() != b.size()) return false;
        for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
            if (ia->first != ib->first || ia->second.lines != ib->second.lines || ia->second.speed != ib->second.speed ||
                ia->second.lifts_per_char != ib->second.lifts_per_char || ia->second.slant != ib->second.slant ||
                ia->second.delayed_marks != ib->second.delayed_marks)
                return false;
        return true;
    };
    const auto a = stats(11), b = stats(11), c = stats(12);
    REQUIRE(!a.empty());
    CHECK(same(a, b));
    CHECK_FALSE(same(a, c));
    for (const auto& [name, w] : a) {
        INFO(name);
        CHECK(w.speed > 0.2);
        CHECK(w.speed < 0.5);
        CHECK(w.lifts_per_char > 0.3);
        CHECK(std::fabs(w.slant) < 0.5);
    }
}

TEST_CASE("fonts: i/j dots and t bars are written after the word at the writer's rate") {
    FontsOptions opt;
    opt.lines = 200;
    opt.seed = 4;
    FontsCorpus c;
    REQUIRE(build_fonts_corpus(opt, c, nullptr).ok);
    size_t marks = 0, delayed = 0;
    for (const auto& li : c.train_info) marks += li.marks, delayed += li.delayed;
    REQUIRE(c.train_info.size() == c.train.size());
    REQUIRE(marks > 50);
    CHECK(delayed > marks / 10);
    CHECK(delayed < marks * 9 / 10);
    // A writer who always delays writes every dot after its word; one who never does, none.
    size_t f = 0;
    while (f < c.fonts.size() && c.fonts[f].name != "futural") ++f;
    REQUIRE(f < c.fonts.size());
    LineStyle st = draw_style(c.fonts, 1, 0);
    st.font = f;
    for (float p : {0.0f, 1.0f}) {
        st.delay_marks = p;
        Rng rng(3);
        RawLine line;
        LineInfo li;
        REQUIRE(write_line(c.fonts[f], st, U"the quick tiny jam", rng, line, &li));
        CHECK(li.marks == 5);  // t, i, t, i dots... : t(he), i(quick), t(iny), i(tiny), j(jam)
        CHECK(li.delayed == (p > 0 ? li.marks : 0));
        if (p > 0) {  // the last stroke is the j's dot, written after "jam"
            const InkStroke& last = line.strokes.back();
            CHECK(last.y.front() < -0.5f * st.size);
        }
    }
}

TEST_CASE("kinematics: the hand rounds a corner and overshoots a cusp, ends kept") {
    HandKinematics k;
    k.x_height = 10;
    k.smooth = 0.08f;
    k.overshoot = 0.1f;
    InkStroke corner;
    corner.x = {0, 10, 10};
    corner.y = {0, 0, 10};
    const InkStroke r = move_hand(corner, k);
    CHECK(r.x.front() == 0);
    CHECK(r.y.back() == doctest::Approx(10));
    float nearest = 1e9f;
    for (size_t i = 0; i < r.size(); ++i) nearest = std::min(nearest, std::hypot(r.x[i] - 10, r.y[i]));
    CHECK(nearest > 0.1f);  // the corner is cut
    InkStroke cusp;         // up and straight back down
    cusp.x = {0, 0, 0.5f};
    cusp.y = {0, -10, 0};
    const InkStroke c = move_hand(cusp, k);
    float top = 0;
    for (float y : c.y) top = std::min(top, y);
    CHECK(top < -10.2f * 0.96f);  // ran on past the turn (smoothing takes a little back)
    Rng rng(1);
    InkStroke still = r;
    add_tremor(still, k, rng);
    CHECK(still.x.front() == r.x.front());  // fades in from the pen's first contact
}
