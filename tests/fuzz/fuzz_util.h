// Helpers shared by the fuzz harnesses (tests/fuzz/fuzz_*.cpp). Each harness defines
// LLVMFuzzerTestOneInput; it is linked with libFuzzer for `make fuzz` (clang, HW_FUZZ=ON) and with
// replay_main.cpp for `make test`, which feeds it every seed and regression input.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "generator.h"
#include "ink.h"
#include "model.h"
#include "model_file.h"
#include "text.h"

namespace hw::fuzz {

// A broken invariant: says which and aborts, so libFuzzer keeps the input and replay fails.
[[noreturn]] inline void broken(const char* what, const std::string& detail = "") {
    std::fprintf(stderr, "fuzz invariant broken: %s %s\n", what, detail.c_str());
    std::abort();
}

// A model of tests/fixtures (the harnesses are built with HW_FIXTURE_DIR). Harnesses load theirs
// into a namespace-scope constant, before the first input, so the fuzzer's leak check never sees
// the allocation.
inline Model load_fixture(const char* name) {
    Model m;
    const Status s = load_model_file(std::string(HW_FIXTURE_DIR) + "/" + name + ".hwm", m);
    if (!s) broken("the fixture model does not load:", s.message);
    return m;
}

// Reads fixed-size values off the front of the input; past its end they read as zero.
struct Reader {
    const uint8_t* data;
    size_t size;
    uint8_t byte() {
        if (size == 0) return 0;
        --size;
        return *data++;
    }
    uint64_t u64() {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
        return v;
    }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
        return v;
    }
    float unit() { return byte() / 255.0f; }  // in [0, 1]
    std::string rest() {
        std::string s(reinterpret_cast<const char*>(data), size);
        data += size;
        size = 0;
        return s;
    }
};

inline bool finite_points(const std::vector<Point>& pts) {
    for (const Point& p : pts)
        if (!std::isfinite(p.dx) || !std::isfinite(p.dy) || !(p.pen_up == 0 || p.pen_up == 1)) return false;
    return true;
}

inline bool finite_strokes(const std::vector<InkStroke>& strokes) {
    for (const InkStroke& s : strokes) {
        if (s.y.size() != s.x.size()) return false;
        for (size_t i = 0; i < s.x.size(); ++i)
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) return false;
    }
    return true;
}

}  // namespace hw::fuzz
