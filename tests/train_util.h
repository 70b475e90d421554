// Helpers shared by the trainer's tests (test_train.cpp, test_finetune.cpp): a tiny synthetic
// corpus of three letters, a tiny network's configuration, temporary run folders, captured messages.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "dataset.h"
#include "files.h"
#include "hwm_format.h"
#include "trainer.h"

// After LibTorch: its glog headers define a CHECK of their own, which doctest's must replace.
#undef CHECK
#include <doctest/doctest.h>

namespace hw::train_test {

using Shape = std::vector<std::pair<float, float>>;

// Each letter is a fixed little shape (offsets in data units); the pen lifts after each letter and
// travels to the next.
inline const Shape& shape(char letter) {
    static const Shape a = {{1, -1}, {-1, -1}, {-1, 1}, {1, 1}, {0.5f, 0.5f}};
    static const Shape b = {{0, -3}, {0, 3}, {1, -1}, {0, 1}, {-1, 0}};
    static const Shape c = {{-1, 0}, {0, 1}, {1, 0}};
    return letter == 'a' ? a : letter == 'b' ? b : c;
}

inline DataLine make_line(const std::string& text, float q, std::mt19937& g) {
    std::normal_distribution<float> noise(0.0f, 0.05f);
    DataLine l;
    l.text = text;
    for (char ch : text) {
        const Shape& s = shape(ch);
        for (size_t i = 0; i < s.size(); ++i) {
            l.dx.push_back(static_cast<int16_t>(std::lround((s[i].first + noise(g)) / q)));
            l.dy.push_back(static_cast<int16_t>(std::lround((s[i].second + noise(g)) / q)));
            l.pen_up.push_back(i + 1 == s.size());
        }
        l.dx.push_back(static_cast<int16_t>(std::lround((2.0f + noise(g)) / q)));
        l.dy.push_back(0);
        l.pen_up.push_back(1);
    }
    return l;
}

inline Dataset tiny_corpus() {
    Dataset d;
    d.quantum = 0.01f;
    d.alphabet = U"abc";
    d.norm.scale_x = 1.2f;
    d.norm.scale_y = 1.2f;
    d.norm.point_spacing = 1.0f;
    d.norm.line_height = 3.0f;
    d.sources = {"synthetic"};
    std::mt19937 g(5);
    std::uniform_int_distribution<int> letter(0, 2), len(3, 8);
    for (int i = 0; i < 96; ++i) {
        std::string t;
        for (int k = len(g); k > 0; --k) t += static_cast<char>('a' + letter(g));
        (i < 80 ? d.train : d.valid).push_back(make_line(t, d.quantum, g));
    }
    return d;
}

inline std::vector<std::vector<double>> read_metrics(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::vector<double> r;
        std::stringstream ss(line);
        std::string f;
        while (std::getline(ss, f, ',')) r.push_back(std::atof(f.c_str()));
        rows.push_back(r);
    }
    return rows;
}

inline TrainConfig tiny_config(const std::string& data, const std::string& out) {
    TrainConfig c;
    c.data = data;
    c.out_dir = out;
    c.hp.layers = 2;
    c.hp.hidden = 24;
    c.hp.mixtures = 3;
    c.hp.window = 2;
    c.batch = 16;
    c.lr = 1e-2;
    c.steps = 60;
    c.eval_every = 20;
    c.save_every = 20;
    c.sample_every = 0;
    c.device = "cpu";
    c.max_steps_per_char = 12;
    return c;
}

// A new temporary folder holding the tiny corpus as tiny.hwds.
inline std::string fresh_run_dir() {
    char tmpl[] = "/tmp/hw_train_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    REQUIRE(save_dataset(tiny_corpus(), dir + "/tiny.hwds").ok);
    return dir;
}

// Runs `f` with standard error sent to a temporary file; returns what was written there.
inline std::string capture_stderr(const std::function<void()>& f) {
    std::fflush(stderr);
    FILE* tmp = std::tmpfile();
    REQUIRE(tmp != nullptr);
    const int saved = dup(2);
    dup2(fileno(tmp), 2);
    f();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::rewind(tmp);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, tmp)) > 0;) text.append(buf, n);
    std::fclose(tmp);
    return text;
}

// run_training with its messages captured.
inline int run_quietly(const TrainConfig& c, std::string& err) {
    int code = -1;
    err = capture_stderr([&] { code = run_training(c); });
    return code;
}

inline nlohmann::json hwm_meta(const std::string& path) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file(path, bytes).ok);
    HwmFile f;
    REQUIRE(read_hwm(bytes.data(), bytes.size(), f).ok);
    return f.header.value("meta", nlohmann::json::object());
}

// Puts a directory where the trainer expects to write the file `path`.
inline void block_with_directory(const std::string& path) {
    std::remove(path.c_str());
    REQUIRE(::mkdir(path.c_str(), 0755) == 0);
}

}  // namespace hw::train_test
