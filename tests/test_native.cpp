// Native helpers: the ink format reader and writer, the renderers, argument parsing.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "cli_args.h"
#include "files.h"
#include "ink_file.h"
#include "raster.h"
#include "render.h"

using namespace hw;

namespace {
std::string temp_path(const std::string& name) { return "/tmp/hw_test_" + std::to_string(::getpid()) + "_" + name; }
}  // namespace

TEST_CASE("ink: a record round-trips, times included") {
    InkLine l;
    l.text = "hi \xE2\x80\x9Cthere\xE2\x80\x9D";
    l.writer = "w1";
    l.strokes.resize(2);
    l.strokes[0].x = {0, 1.5f, 3};
    l.strokes[0].y = {2, 2.25f, 1};
    l.strokes[1].x = {5};
    l.strokes[1].y = {5};
    l.strokes[0].t = {0, 10, 20};
    InkLine back;
    REQUIRE(parse_ink_line(format_ink_line(l), "x", back).ok);
    CHECK(back.text == l.text);
    CHECK(back.writer == "w1");
    REQUIRE(back.strokes.size() == 2);
    CHECK(back.strokes[0].y[1] == 2.25f);
    CHECK(back.strokes[0].t == std::vector<float>{0, 10, 20});
    CHECK(back.strokes[1].t.empty());
}

TEST_CASE("ink: bad records name the file, line and field; good ones are kept") {
    const std::string path = temp_path("ink.jsonl");
    {
        std::ofstream f(path);
        f << "{\"text\": \"ok\", \"strokes\": [[[0, 0], [1, 1]]]}\n";
        f << "not json\n";
        f << "{\"strokes\": [[[0, 0]]]}\n";
        f << "{\"text\": \"a\", \"strokes\": [[[0, \"y\"]]]}\n";
        f << "{\"text\": \"a\", \"strokes\": []}\n";
        f << "\n";
        f << "{\"text\": \"a\", \"strokes\": [[[0, 0, 1], [1, 1]]]}\n";
        f << "{\"text\": \"fine\", \"strokes\": [[[0, 0, 0], [1, 1, 16]]], \"writer\": \"me\"}\n";
    }
    std::vector<InkLine> lines;
    InkReadReport rep;
    REQUIRE(read_ink_file(path, lines, rep).ok);
    CHECK(lines.size() == 2);
    REQUIRE(rep.skipped.size() == 5);
    CHECK(rep.skipped[0].find(":2: not valid JSON") != std::string::npos);
    CHECK(rep.skipped[1].find(":3: field \"text\"") != std::string::npos);
    CHECK(rep.skipped[2].find(":4: strokes[0][0]") != std::string::npos);
    CHECK(rep.skipped[3].find(":5: field \"strokes\"") != std::string::npos);
    CHECK(rep.skipped[4].find(":7: strokes[0] gives a time") != std::string::npos);
    std::ofstream(path) << "garbage\n";
    lines.clear();
    InkReadReport rep2;
    CHECK(read_ink_file(path, lines, rep2).message.find("no usable ink") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("render: SVG has one path per stroke, PNG is a valid image with ink") {
    std::vector<Point> pts = {{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {2, 0, 0}, {1, 1, 1}};
    const auto lines = offsets_to_strokes(pts, 10, 10);
    REQUIRE(lines.size() == 2);
    RenderStyle st;
    const std::string svg = render_svg(lines, st, "a<b");
    CHECK(svg.find("<title>a&lt;b</title>") != std::string::npos);
    size_t paths = 0;
    for (size_t p = svg.find("<path"); p != std::string::npos; p = svg.find("<path", p + 1)) ++paths;
    CHECK(paths == 2);
    std::vector<uint8_t> png;
    REQUIRE(render_png(lines, st, png).ok);  // cairo; its pixels are checked in test_render.cpp
    REQUIRE(png.size() > 60);
    CHECK(png[1] == 'P');
    CHECK(png[2] == 'N');
}

TEST_CASE("args: unknown options, missing values and bad numbers are named") {
    const char* argv1[] = {"hw", "sample", "--bogus"};
    Args a({"--seed"}, {"--greedy"});
    CHECK(a.parse(3, const_cast<char**>(argv1), 2).message.find("--bogus") != std::string::npos);
    const char* argv2[] = {"hw", "sample", "--seed"};
    Args b({"--seed"}, {});
    CHECK(b.parse(3, const_cast<char**>(argv2), 2).message.find("needs a value") != std::string::npos);
    const char* argv3[] = {"hw", "sample", "--seed=12x"};
    Args c({"--seed"}, {});
    REQUIRE(c.parse(3, const_cast<char**>(argv3), 2).ok);
    long long v = 0;
    CHECK(c.get_int("--seed", 0, 100, v).message.find("--seed") != std::string::npos);
}

TEST_CASE("files: atomic write leaves no temporary behind and replaces the old file") {
    const std::string path = temp_path("atomic.txt");
    REQUIRE(write_file_atomic(path, std::string("one")).ok);
    REQUIRE(write_file_atomic(path, std::string("two")).ok);
    std::string back;
    REQUIRE(read_text_file(path, back).ok);
    CHECK(back == "two");
    std::remove(path.c_str());
    CHECK(!write_file_atomic("/nonexistent-dir/x", std::string("a")).ok);
}

TEST_CASE("files: a bounded read refuses a longer file, and checks the prefix before reading on (issue #15 #6)") {
    const std::string path = temp_path("bounded.bin");
    REQUIRE(write_file_atomic(path, std::string(100, 'x')).ok);
    std::vector<uint8_t> bytes;
    CHECK(read_file_bounded(path, 100, bytes).ok);
    CHECK(bytes.size() == 100);
    Status s = read_file_bounded(path, 99, bytes);
    CHECK(s.message.find("larger than 99 bytes") != std::string::npos);
    CHECK(bytes.empty());
    auto refuse = [](const uint8_t* data, size_t size) {
        return size == 4 && data[0] == 'x' ? Status::error("bad magic") : Status::success();
    };
    s = read_file_bounded(path, 1000, bytes, 4, refuse);
    CHECK(s.message == path + ": bad magic");
    // An endless file (no size to check first) stops at the limit.
    s = read_file_bounded("/dev/zero", 1 << 20, bytes);
    CHECK(s.message.find("larger than") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("ink: a record nested too deeply is refused by line before it is parsed (issue #15 #1)") {
    InkLine rec;
    const std::string deep = "{\"text\": \"a\", \"strokes\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    const Status s = parse_ink_line(deep, "f.jsonl:7", rec);
    CHECK(s.message.find("f.jsonl:7: field strokes nests deeper") != std::string::npos);
}
