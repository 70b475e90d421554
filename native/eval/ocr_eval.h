// Legibility measurement: character error rate against a reference, and the external programs
// (rsvg-convert, tesseract) that turn a drawing into text. No LibTorch here, so tests and tools
// can use it without the trainer.
#pragma once
#include <cstddef>
#include <string>

#include "status.h"

namespace hw {

// Trims leading/trailing whitespace and collapses each run of whitespace (spaces, tabs, newlines)
// into one space: OCR output ends in a newline and often doubles spaces, which is no writing error.
std::string normalise_spaces(const std::string& s);

// Levenshtein distance between two code-point strings (insert, delete, substitute: cost 1 each).
size_t edit_distance(const std::u32string& a, const std::u32string& b);

// CER over a whole set: the sum of distances over the sum of reference lengths, so long lines
// weigh more than short ones (the per-line mean would let a few short lines dominate).
struct CerTally {
    size_t distance = 0;
    size_t length = 0;
    // Adds one reading; both sides are normalised with normalise_spaces first. Returns the distance.
    size_t add(const std::string& reference, const std::string& reading);
    double cer() const { return length == 0 ? 0.0 : static_cast<double>(distance) / static_cast<double>(length); }
};

// Finds `program` on PATH; the error names it and the Debian package(s) that provide it.
Status require_program(const std::string& program, const std::string& debian_packages);
// Checks that tesseract has its English data (tesseract-ocr-eng).
Status require_tesseract_eng();

// Runs a shell command, capturing its standard output. Its stderr goes to `stderr_path` (kept out
// of the capture: tesseract prints notes there); an exit status other than 0 is an error quoting
// the command and the start of its stderr. The stderr file is removed afterwards.
Status run_capture(const std::string& command, const std::string& stderr_path, std::string& out);
std::string shell_quote(const std::string& s);

// SVG file -> PNG file with rsvg-convert (stderr to PNG_PATH.err while it runs).
Status svg_to_png(const std::string& svg_path, const std::string& png_path);
// Reads one line of text from an image: tesseract --psm 7 -l eng, normalised with normalise_spaces.
Status ocr_line(const std::string& png_path, std::string& text);

// A private temporary folder (mkdtemp) removed with everything in it when this goes out of scope.
class TempDir {
public:
    TempDir() = default;
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    Status create(const std::string& prefix);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace hw
