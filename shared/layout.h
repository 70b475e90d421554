// Long text as a page of handwriting: the one place where text is split into paragraphs and lines
// (word-wrapped to a width in the model's writing units), where each written line is checked with
// the attention peaks the generator reports, and where written lines are placed on the page
// (alignment, line spacing, margins, one x-height and one left margin). The page driver
// (page_writer.h) drives it for hw sample --text-file, the page and the widget. No I/O, no threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "generator.h"
#include "ink.h"
#include "status.h"
#include "text.h"

namespace hw {

// The longest text a page takes, in characters (each line stays within kMaxTextChars).
constexpr size_t kMaxPageChars = 2000;

enum class Align { Left, Centre, Justify };
bool parse_align(const std::string& name, Align& out);

// Baseline to baseline, in the model's line heights, at line spacing 1.
constexpr float kLineSpacing = 2.2f;

struct LayoutOptions {
    float width = 0;             // text width (between the margins), writing units
    float advance = 0;           // estimated advance per character, writing units
    Align align = Align::Left;
    float line_spacing = kLineSpacing;  // baseline to baseline, in the model's line heights
    float margin_left = 0, margin_top = 0;  // writing units (the right and bottom margins are the same)
    float page_height = 0;       // writing units; 0: one page as tall as the text needs
    size_t max_chars = kMaxTextChars;        // per line, never above kMaxTextChars
};

// One line of the plan: its text and where it came from.
struct PlannedLine {
    std::u32string text;
    size_t paragraph = 0;        // index of the paragraph (a blank line in the text starts a new one)
    bool paragraph_end = false;  // last line of its paragraph (never justified)
    size_t source_start = 0;     // index in the text as given of the line's first character
};

// A text a page takes: at most kMaxPageChars characters, something besides spaces and newlines.
Status check_page_text(const std::u32string& text);

// Splits the text (code points, already prepared for the model) into paragraphs at blank lines
// (a single newline is a line break inside a paragraph) and word-wraps each to
// floor(width / advance) characters, at most max_chars; a word longer than that is split.
// Spaces at line ends are dropped. Refuses more than kMaxPageChars characters, a text with nothing
// to write, and a width or advance that is not positive.
Status plan_lines(const std::u32string& text, const LayoutOptions& opt, std::vector<PlannedLine>& out);

// The characters per line the plan allows for these options.
size_t chars_per_line(const LayoutOptions& opt);

// Advance per character of written ink: its width over the number of characters.
float measure_advance(const std::vector<InkStroke>& strokes, size_t chars);

// The check of a written line with the window peaks the generator reported per point
// (Generator::run's `peaks`, indices in the generator's text, whose own line starts at `offset`):
// the window reached the end (`finished`), every word of the line was attended at some point (no
// skipped word), and the peak never went back more than `max_back` characters once it had moved
// on (no repeated word).
struct LineCheck {
    bool ok = true;
    std::string problem;  // what failed, for a message: "skipped \"word\"", "went back to ..."
};
LineCheck check_line(const std::u32string& line, size_t offset, const std::vector<int>& peaks, bool finished,
                     int max_back = 2);

// The seed of a line's attempt: the page's seed, the line's index and the attempt (0 the first
// try, 1.. the rewrites), so that a page and its rewrites reproduce.
uint64_t line_seed(uint64_t seed, size_t line, int attempt);

// One written line: its points (normalised offsets), the peaks of its own text, how it went.
struct WrittenLine {
    std::vector<Point> points;
    std::vector<int> peaks;         // per point: index in the line's text (-1 while in the priming text)
    std::vector<StepDiagnostics> diag;  // per point, when the options asked for diagnostics
    bool finished = false;
    int attempts = 0;
    uint64_t seed = 0;
    LineCheck check;
};

// A written line as priming for the next ones (the text's own first line as its hand).
Priming priming_from_line(const WrittenLine& line, const PlannedLine& plan);

// A line placed on the page: strokes in page writing units (origin top left, y down) and, per
// stroke, the index in the line's text it was written at (for colouring by character).
struct PlacedLine {
    std::vector<InkStroke> strokes;
    std::vector<int> stroke_char;
    float baseline = 0;  // where the middle of the line's writing is
    int page = 0;
};
struct PlacedPage {
    std::vector<PlacedLine> lines;
    float width = 0, height = 0;  // the page in writing units, margins included
    int pages = 1;
    float pitch = 0;              // baseline to baseline
};

// Places written lines: each levelled (the least-squares drift of its writing sheared out), scaled
// to the lines' median x-height (ink_height of the levelled line, within 0.8-1.25x), its left
// edge on the margin, its middle on its baseline (line_spacing apart, blank paragraph lines
// between paragraphs), centred or justified (spaces widened, never on a paragraph's last line)
// as asked, and squeezed to the width when it overflows. With a page height, a line that would
// reach into the bottom margin starts the next page.
PlacedPage place_lines(const Model& m, const std::vector<PlannedLine>& plan, const std::vector<WrittenLine>& lines,
                       const LayoutOptions& opt);

// The hand of a line, for comparing lines: x-height (ink_height of the levelled line) and slant (the mean dx/dy of the
// near-vertical pen-down segments, weighted by length; positive leans right).
struct HandMeasure {
    float x_height = 0;
    float slant = 0;
};
HandMeasure measure_hand(const std::vector<InkStroke>& strokes);

}  // namespace hw
