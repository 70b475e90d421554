// Replays inputs through a fuzz harness without libFuzzer (any compiler): every file in the
// folders given, in name order. The first folder (the seed corpus) must hold at least one file;
// later ones (regressions) may be missing. A broken invariant or a crash ends the process.
//   fuzz_replay_TARGET SEEDS_DIR [REGRESSIONS_DIR ...]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

static std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SEEDS_DIR [REGRESSIONS_DIR ...]\n", argv[0]);
        return 2;
    }
    size_t total = 0;
    for (int i = 1; i < argc; ++i) {
        const std::vector<fs::path> files = files_in(argv[i]);
        if (i == 1 && files.empty()) {
            std::fprintf(stderr, "%s: no seed inputs (a missing corpus is a failure)\n", argv[i]);
            return 1;
        }
        for (const fs::path& p : files) {
            std::ifstream in(p, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) {
                std::fprintf(stderr, "%s: cannot read\n", p.c_str());
                return 1;
            }
            std::fprintf(stderr, "replay %s\n", p.c_str());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++total;
        }
    }
    std::printf("replayed %zu inputs\n", total);
    return 0;
}
