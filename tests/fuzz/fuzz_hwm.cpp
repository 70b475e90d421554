// Fuzz target: the .hwm reader and the model loader. The harness writes the right CRC-32 into the
// input's last four bytes before reading, so mutations reach the header and tensor checks instead
// of stopping at the checksum. A model that loads must write a few finite points.
#include "crc32.h"
#include "fuzz_util.h"
#include "hwm_format.h"

using namespace hw;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    if (bytes.size() >= kHwmPrefix + 4) {
        const uint32_t crc = crc32(bytes.data(), bytes.size() - 4);
        std::memcpy(&bytes[bytes.size() - 4], &crc, 4);  // little-endian, as the format stores it
    }
    HwmFile f;
    const Status read = read_hwm(bytes.data(), bytes.size(), f);
    Model m;
    const Status loaded = load_model(bytes.data(), bytes.size(), m);
    if (loaded.ok && !read.ok) fuzz::broken("load_model accepted a file read_hwm refuses:", read.message);
    if (!read.ok && read.message.empty()) fuzz::broken("a refusal without a message");
    if (!loaded.ok) return 0;
    Generator g;
    GenerateOptions opt;
    opt.seed = 7;
    opt.max_steps = 24;
    const std::string text = m.alphabet.empty() ? "" : utf8_encode(m.alphabet.substr(0, 2));
    if (!g.start(m, text, opt).ok) return 0;
    std::vector<Point> pts;
    while (!g.done()) g.run(64, pts);
    if (!fuzz::finite_points(pts)) fuzz::broken("a loaded model wrote a non-finite point");
    return 0;
}
