// The legibility evaluation: the CER arithmetic, whitespace normalisation and (when tesseract and
// rsvg-convert exist; CMake registers that test only then) a run of the whole pipeline.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "dataset.h"
#include "eval_cmd.h"
#include "files.h"
#include "ocr_eval.h"

using namespace hw;

TEST_CASE("eval: edit distance of known strings") {
    CHECK(edit_distance(U"kitten", U"sitting") == 3);
    CHECK(edit_distance(U"", U"abc") == 3);
    CHECK(edit_distance(U"abc", U"") == 3);
    CHECK(edit_distance(U"", U"") == 0);
    CHECK(edit_distance(U"flaw", U"lawn") == 2);
    CHECK(edit_distance(U"hello world", U"hello world") == 0);
    CHECK(edit_distance(U"\u00e9t\u00e9", U"ete") == 2);  // code points, not bytes
}

TEST_CASE("eval: CER is summed over the set, not averaged over lines") {
    CerTally t;
    CHECK(t.cer() == 0.0);  // an empty set is not a division by zero
    CHECK(t.add("abc", "abd") == 1);
    CHECK(t.add("hello", "hello") == 0);
    CHECK(t.distance == 1);
    CHECK(t.length == 8);
    CHECK(t.cer() == doctest::Approx(1.0 / 8.0));
    // A reading with extra characters can push CER above 1.
    CerTally u;
    u.add("ab", "xxxxxx");
    CHECK(u.cer() == doctest::Approx(3.0));
}

TEST_CASE("eval: whitespace is trimmed and runs of it collapse to one space") {
    CHECK(normalise_spaces("  hello   world \n") == "hello world");
    CHECK(normalise_spaces("\tA\n\nB ") == "A B");
    CHECK(normalise_spaces("") == "");
    CHECK(normalise_spaces(" \n\t ") == "");
    CHECK(normalise_spaces("one") == "one");
    CerTally t;
    CHECK(t.add(" the  cat\n", "the cat") == 0);  // tesseract's trailing newline is no error
    CHECK(t.length == 7);
}

TEST_CASE("eval: shell quoting survives apostrophes and spaces") {
    CHECK(shell_quote("a b") == "'a b'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
}

TEST_CASE("eval: a missing program is named with its Debian package") {
    const Status s = require_program("hw-no-such-program-xyz", "some-package");
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("hw-no-such-program-xyz") != std::string::npos);
    CHECK(s.message.find("some-package") != std::string::npos);
}

namespace {

// A line of zig-zag "ink": four strokes per character, a pen lift after each word.
DataLine zigzag_line(const std::string& text) {
    DataLine l;
    l.text = text;
    for (size_t i = 0; i < text.size(); ++i) {
        const bool word_end = i + 1 == text.size() || text[i + 1] == ' ';
        if (text[i] == ' ') {
            l.dx.push_back(60), l.dy.push_back(0), l.pen_up.push_back(1);
            continue;
        }
        for (int k = 0; k < 4; ++k) {
            l.dx.push_back(20);
            l.dy.push_back(k % 2 ? 150 : -150);
            l.pen_up.push_back(word_end && k == 3 ? 1 : 0);
        }
    }
    return l;
}

Status write_tiny_dataset(const std::string& path) {
    Dataset d;
    d.quantum = 0.1f;
    d.alphabet = U" abcdefghijklmnopqrstuvwxyz.,'!?";
    d.norm.scale_x = 2.0f;
    d.norm.scale_y = 1.5f;
    d.norm.line_height = 20.0f;
    d.sources = {"test:zigzag"};
    d.train = {zigzag_line("train me")};
    // The second line uses a character the model lacks: it must be skipped, not fail the run.
    d.valid = {zigzag_line("hello world"), zigzag_line("UPPER case"), zigzag_line("a quick fox."), zigzag_line("is it?")};
    return save_dataset(d, path);
}

// The CER of one bias's readings in readings.jsonl, tallied as the eval tallies them; each line's
// distance is checked against the edit distance of its text and reading.
double cer_of_readings(const std::string& path, double bias) {
    std::string text;
    REQUIRE(read_text_file(path, text).ok);
    CerTally tally;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto r = nlohmann::json::parse(line);
        if (r["writing"] != "bias" || r["bias"].get<double>() != bias) continue;
        CHECK(tally.add(r["text"].get<std::string>(), r["reading"].get<std::string>()) == r["distance"].get<size_t>());
    }
    CHECK(tally.length > 0);
    return tally.cer();
}

int run_eval(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return cmd_eval(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("eval: end-to-end on the fixture model") {
    TempDir work;
    REQUIRE(work.create("hw-test-eval").ok);
    const std::string data = work.path() + "/tiny.hwds", out = work.path() + "/out", tmp = work.path() + "/tmp";
    REQUIRE(write_tiny_dataset(data).ok);
    std::filesystem::create_directories(tmp);
    setenv("TMPDIR", tmp.c_str(), 1);  // to see that the eval cleans up after itself
    const std::string model = std::string(HW_FIXTURE_DIR) + "/synthesis_small.hwm";

    CHECK(run_eval({"hw-train", "eval", "--model", model, "--data", work.path() + "/missing.hwds", "--out", out}) == 2);
    CHECK(run_eval({"hw-train", "eval", "--model", model, "--data", data, "--bias", "0,x"}) == 2);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(run_eval({"hw-train", "eval", "--model", model, "--data", data, "--lines", "3", "--bias", "0,1", "--seed", "7",
                      "--out", out}) == 0);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    unsetenv("TMPDIR");

    std::string text;
    REQUIRE(read_text_file(out + "/eval.json", text).ok);
    const auto j = nlohmann::json::parse(text);
    for (const char* key : {"ground_truth_cer", "biases", "lines", "seconds", "skipped_lines", "ground_truth_points_per_char",
                            "ground_truth_unread_lines", "ground_truth_cer_of_read_lines"})
        CHECK_MESSAGE(j.contains(key), key);
    CHECK(j["lines"] == 3);
    CHECK(j["skipped_lines"] == 1);
    CHECK(j["ground_truth_cer"].get<double>() >= 0.0);
    CHECK(j["seconds"].get<double>() > 0.0);
    CHECK(j["seconds"].get<double>() <= wall);  // the run's own time, not more
    REQUIRE(j["biases"].size() == 2);
    for (const auto& b : j["biases"]) {
        for (const char* key : {"bias", "cer", "finished_fraction", "capped_fraction", "mean_steps_per_char", "unread_lines",
                                 "cer_of_read_lines"})
            REQUIRE_MESSAGE(b.contains(key), key);
        CHECK(b["unread_lines"].get<size_t>() <= 3);
        // The CER of read lines is defined (and not negative) whenever tesseract read something.
        if (b["unread_lines"].get<size_t>() < 3) CHECK(b["cer_of_read_lines"].get<double>() >= 0.0);
        // Scribbles read as anything (CER may exceed 1 when tesseract invents characters): the CER is
        // the readings' edit distances over their references' length (readings.jsonl, below).
        CHECK(b["cer"].get<double>() == doctest::Approx(cer_of_readings(out + "/readings.jsonl", b["bias"].get<double>())));
        CHECK(b["finished_fraction"].get<double>() >= 0.0);
        CHECK(b["finished_fraction"].get<double>() <= 1.0);
        CHECK(b["capped_fraction"].get<double>() >= 0.0);
        CHECK(b["capped_fraction"].get<double>() <= 1.0);
        CHECK(b["finished_fraction"].get<double>() + b["capped_fraction"].get<double>() == doctest::Approx(1.0));
        CHECK(b["mean_steps_per_char"].get<double>() > 0.0);
        CHECK(b["mean_steps_per_char"].get<double>() <= 25.0 + 2 * 25.0);  // the cap: 25 per char + 2 chars' margin
    }
    std::vector<uint8_t> png;
    REQUIRE(read_file(out + "/gallery.png", png).ok);
    REQUIRE(png.size() > 8);
    CHECK(png[1] == 'P');
    CHECK(png[2] == 'N');
    CHECK(png[3] == 'G');
    REQUIRE(read_text_file(out + "/eval.md", text).ok);
    CHECK(text.find("| ground truth |") != std::string::npos);
    CHECK(text.find("| bias 1 |") != std::string::npos);
    REQUIRE(read_text_file(out + "/readings.jsonl", text).ok);
    CHECK(std::count(text.begin(), text.end(), '\n') == 3 * 3);
    CHECK(std::filesystem::is_empty(tmp));  // the eval's temporary folder is gone

    // A gallery that cannot be written (a folder is in its way) is the user's to fix: exit 2,
    // the same code as a failed eval.json (it was 1).
    const std::string blocked = out + "/blocked.png";
    std::filesystem::create_directory(blocked);
    CHECK(run_eval({"hw-train", "eval", "--model", model, "--data", data, "--lines", "1", "--bias", "1", "--seed", "7",
                    "--out", out + "/again", "--gallery", blocked}) == 2);
}
