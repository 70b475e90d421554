// The cached training set: what `hw-train data` builds (IAM-OnDB, the fonts corpus, user ink)
// and what `hw-train train` reads. Stored with cereal (binary), compactly: offsets as 16-bit
// integers in units of `quantum` data units.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ink.h"
#include "model.h"
#include "status.h"

namespace hw {

// One handwritten line: its text and its points as offsets (dx, dy, pen_up), y down, in data
// units (before normalisation), the pen-up flag on the last point of each stroke.
struct DataLine {
    std::string text;                 // UTF-8
    std::vector<int16_t> dx, dy;      // offsets in units of Dataset::quantum
    std::vector<uint8_t> pen_up;      // 0 / 1
    uint32_t source = 0;              // index into Dataset::sources (writer, font style, ink file)
    size_t size() const { return dx.size(); }
};

struct Dataset {
    static constexpr uint32_t kVersion = 1;
    float quantum = 0.01f;            // data units per integer step of dx/dy
    std::u32string alphabet;          // every character the lines use, in a fixed order
    Normalisation norm;               // scale = std of dx, dy over the training set; spacing, height
    std::vector<std::string> sources; // "iam:writer 10023", "fonts:scripts/slant-0.2", "ink:file.jsonl"
    std::vector<DataLine> train, valid;
};

// The line as the core's points (offsets in quanta, pen lifts), and as absolute strokes in data
// units (the core's offsets_to_strokes with the quantum as scale).
std::vector<Point> line_points(const DataLine& line);
std::vector<InkStroke> line_strokes(const DataLine& line, float quantum);

// The most a dataset file may hold (bytes): about a million lines at ~3.5 bytes a point (20,000
// lines take ~34 MB). A file over it, or one whose first bytes are not a dataset's, is refused
// before it is read on.
constexpr uint64_t kMaxDatasetBytes = uint64_t(2) << 30;

// Atomic write (temp + rename); load checks the magic, the version and every size.
Status save_dataset(const Dataset& d, const std::string& path);
Status load_dataset(const std::string& path, Dataset& d);

}  // namespace hw
