#include "layout.h"

#include <algorithm>
#include <cmath>

#include "text.h"

namespace hw {

bool parse_align(const std::string& name, Align& out) {
    if (name == "left") out = Align::Left;
    else if (name == "centre" || name == "center") out = Align::Centre;
    else if (name == "justify" || name == "justified") out = Align::Justify;
    else return false;
    return true;
}

size_t chars_per_line(const LayoutOptions& opt) {
    const size_t cap = std::min(opt.max_chars, kMaxTextChars);
    if (!(opt.width > 0) || !(opt.advance > 0)) return cap;
    const double n = std::floor(static_cast<double>(opt.width) / opt.advance);
    return static_cast<size_t>(std::max(1.0, std::min(static_cast<double>(cap), n)));
}

namespace {

struct Word {
    std::u32string text;
    size_t start = 0;
};

// The words of one source line (between newlines), with where each starts in the whole text.
std::vector<Word> words_of(const std::u32string& text, size_t begin, size_t end) {
    std::vector<Word> words;
    for (size_t i = begin; i < end;) {
        if (text[i] == U' ') { ++i; continue; }
        Word w;
        w.start = i;
        while (i < end && text[i] != U' ') w.text += text[i++];
        words.push_back(std::move(w));
    }
    return words;
}

// Greedy word wrap of one source line into lines of at most `limit` characters.
void wrap(const std::vector<Word>& words, size_t limit, size_t paragraph, std::vector<PlannedLine>& out) {
    PlannedLine cur;
    cur.paragraph = paragraph;
    auto flush = [&]() {
        if (!cur.text.empty()) out.push_back(cur);
        cur = PlannedLine{};
        cur.paragraph = paragraph;
    };
    for (const Word& w : words) {
        for (size_t at = 0; at < w.text.size();) {  // a word longer than a line is split
            const size_t piece = std::min(limit, w.text.size() - at);
            const size_t need = cur.text.empty() ? piece : cur.text.size() + 1 + piece;
            if (need > limit) flush();
            if (cur.text.empty()) cur.source_start = w.start + at;
            else cur.text += U' ';
            cur.text.append(w.text, at, piece);
            at += piece;
        }
    }
    flush();
    if (!out.empty() && out.back().paragraph == paragraph) out.back().paragraph_end = true;
}

}  // namespace

Status check_page_text(const std::u32string& text) {
    if (text.size() > kMaxPageChars)
        return Status::error("text has " + std::to_string(text.size()) + " characters; the limit is " + std::to_string(kMaxPageChars));
    if (text.find_first_not_of(U" \n") == std::u32string::npos) return Status::error("text is empty");
    return Status::success();
}

Status plan_lines(const std::u32string& text, const LayoutOptions& opt, std::vector<PlannedLine>& out) {
    out.clear();
    Status s = check_page_text(text);
    if (!s) return s;
    if (!(opt.width > 0) || !(opt.advance > 0)) return Status::error("layout: width and advance must be positive");
    const size_t limit = chars_per_line(opt);
    size_t paragraph = 0;
    bool blank_before = false;
    for (size_t begin = 0; begin <= text.size();) {
        size_t end = text.find(U'\n', begin);
        if (end == std::u32string::npos) end = text.size();
        const std::vector<Word> words = words_of(text, begin, end);
        if (words.empty()) {
            blank_before = true;  // a blank line: the next text starts a new paragraph
        } else {
            if (blank_before && !out.empty()) ++paragraph;
            blank_before = false;
            wrap(words, limit, paragraph, out);
        }
        begin = end + 1;
    }
    if (out.empty()) return Status::error("text is empty");
    return Status::success();
}

float measure_advance(const std::vector<InkStroke>& strokes, size_t chars) {
    float x0 = 1e30f, x1 = -1e30f;
    for (const auto& s : strokes)
        for (float x : s.x) { x0 = std::min(x0, x); x1 = std::max(x1, x); }
    if (chars == 0 || x0 > x1) return 0.0f;
    return (x1 - x0) / static_cast<float>(chars);
}

LineCheck check_line(const std::u32string& line, size_t offset, const std::vector<int>& peaks, bool finished, int max_back) {
    LineCheck c;
    if (!finished) return {false, "the window did not reach the end of the line"};
    const int U = static_cast<int>(line.size());
    std::vector<bool> seen(line.size() + 1, false);
    int furthest = -1;
    for (int raw : peaks) {
        const int p = raw - static_cast<int>(offset);
        if (p < 0) continue;  // still in the priming text
        seen[static_cast<size_t>(std::min(p, U))] = true;
        if (furthest < U - 1 && p < furthest - max_back)
            return {false, "the window went back from \"" + utf8_encode(line.substr(static_cast<size_t>(furthest), 1)) +
                               "\" at " + std::to_string(furthest + 1) + " to " + std::to_string(p + 1)};
        furthest = std::max(furthest, p);
    }
    for (size_t i = 0; i < line.size();) {
        if (line[i] == U' ') { ++i; continue; }
        size_t end = i;
        bool attended = false;
        for (; end < line.size() && line[end] != U' '; ++end) attended = attended || seen[end];
        if (!attended) return {false, "skipped \"" + utf8_encode(line.substr(i, end - i)) + "\""};
        i = end;
    }
    return c;
}

uint64_t line_seed(uint64_t seed, size_t line, int attempt) {
    // 7919 and 104729 are primes: (line, attempt) pairs of a page never share a seed.
    const uint64_t s = seed + 7919u * static_cast<uint64_t>(line) + 104729u * static_cast<uint64_t>(attempt);
    return s & ((uint64_t{1} << 53) - 1);  // stays exact as a JavaScript number
}

Priming priming_from_line(const WrittenLine& line, const PlannedLine& plan) {
    Priming p;
    p.points = line.points;
    if (p.points.size() > kMaxPrimePoints) p.points.resize(kMaxPrimePoints);
    if (!p.points.empty()) p.points.back().pen_up = 1.0f;
    p.text = utf8_encode(plan.text);
    return p;
}

namespace {

// A written line as strokes in writing units, with the character each stroke was written at
// (the most frequent peak of its points; -1 when none).
PlacedLine strokes_of(const Model& m, const WrittenLine& w) {
    PlacedLine pl;
    PenPosition pen;
    std::vector<std::vector<int>> peaks;
    for (size_t i = 0; i < w.points.size(); ++i) {
        if (pen.advance(w.points[i], m.norm.scale_x, m.norm.scale_y)) {
            pl.strokes.emplace_back();
            peaks.emplace_back();
        }
        pl.strokes.back().x.push_back(pen.x);
        pl.strokes.back().y.push_back(pen.y);
        peaks.back().push_back(i < w.peaks.size() ? w.peaks[i] : -1);
    }
    for (auto& ps : peaks) {
        std::sort(ps.begin(), ps.end());
        int best = -1, best_n = 0;
        for (size_t i = 0; i < ps.size();) {
            size_t j = i;
            while (j < ps.size() && ps[j] == ps[i]) ++j;
            if (ps[i] >= 0 && static_cast<int>(j - i) > best_n) { best = ps[i]; best_n = static_cast<int>(j - i); }
            i = j;
        }
        pl.stroke_char.push_back(best);
    }
    return pl;
}

void bounds(const std::vector<InkStroke>& strokes, float& x0, float& x1) {
    x0 = 1e30f;
    x1 = -1e30f;
    for (const auto& s : strokes)
        for (float x : s.x) { x0 = std::min(x0, x); x1 = std::max(x1, x); }
    if (x0 > x1) x0 = x1 = 0;
}

float middle_y(const std::vector<InkStroke>& strokes) {
    std::vector<float> ys;
    for (const auto& s : strokes) ys.insert(ys.end(), s.y.begin(), s.y.end());
    if (ys.empty()) return 0;
    std::sort(ys.begin(), ys.end());
    return 0.5f * (ys[ys.size() / 10] + ys[ys.size() * 9 / 10]);
}

// The drift of the line's writing: the least-squares slope of y over x of all its points.
float drift(const std::vector<InkStroke>& strokes) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& s : strokes)
        for (size_t i = 0; i < s.size(); ++i) {
            n += 1; sx += s.x[i]; sy += s.y[i]; sxx += double(s.x[i]) * s.x[i]; sxy += double(s.x[i]) * s.y[i];
        }
    const double var = sxx - sx * sx / std::max(1.0, n);
    return n > 2 && var > 0 ? static_cast<float>((sxy - sx * sy / n) / var) : 0.0f;
}

// The strokes with the drift taken out (sheared so that the line runs level).
std::vector<InkStroke> levelled(std::vector<InkStroke> strokes) {
    const float b = drift(strokes);
    for (auto& s : strokes)
        for (size_t i = 0; i < s.size(); ++i) s.y[i] -= b * s.x[i];
    return strokes;
}

// The word (0-based, counted by spaces) each character of the line belongs to.
int word_at(const std::u32string& text, int ch) {
    int words = 0;
    for (int i = 0; i < ch && i < static_cast<int>(text.size()); ++i) words += text[i] == U' ';
    return words;
}

// Moves, scales and aligns one line in place: `k` its scale, `baseline` its middle.
void arrange(PlacedLine& pl, const PlannedLine& plan, float k, float baseline, const LayoutOptions& opt) {
    const float mid = middle_y(pl.strokes) * k;
    float x0, x1;
    bounds(pl.strokes, x0, x1);
    x0 *= k;
    x1 *= k;
    const float squeeze = x1 - x0 > opt.width ? opt.width / (x1 - x0) : 1.0f;
    const float w = (x1 - x0) * squeeze;
    const int gaps = word_at(plan.text, static_cast<int>(plan.text.size()));
    const bool justify = opt.align == Align::Justify && !plan.paragraph_end && gaps > 0;
    const float left = opt.margin_left + (opt.align == Align::Centre ? (opt.width - w) / 2 : 0.0f);
    int word = 0;
    for (size_t i = 0; i < pl.strokes.size(); ++i) {
        if (pl.stroke_char[i] >= 0) word = word_at(plan.text, pl.stroke_char[i]);
        const float shift = justify ? (opt.width - w) * static_cast<float>(word) / static_cast<float>(gaps) : 0.0f;
        InkStroke& s = pl.strokes[i];
        for (size_t j = 0; j < s.size(); ++j) {
            s.x[j] = left + (s.x[j] * k - x0) * squeeze + shift;
            s.y[j] = baseline + s.y[j] * k - mid;
        }
    }
    pl.baseline = baseline;
}

}  // namespace

PlacedPage place_lines(const Model& m, const std::vector<PlannedLine>& plan, const std::vector<WrittenLine>& lines,
                       const LayoutOptions& opt) {
    PlacedPage page;
    std::vector<float> heights;
    for (const WrittenLine& w : lines) {
        page.lines.push_back(strokes_of(m, w));
        page.lines.back().strokes = levelled(std::move(page.lines.back().strokes));
        const float h = ink_height(page.lines.back().strokes);
        if (h > 0) heights.push_back(h);
    }
    std::vector<float> sorted = heights;
    std::sort(sorted.begin(), sorted.end());
    const float ref = sorted.empty() ? 1.0f : sorted[sorted.size() / 2];
    const float pitch = opt.line_spacing * m.norm.line_height;
    float y = opt.margin_top + 0.5f * pitch, bottom = y;
    int sheet = 0;
    for (size_t i = 0; i < page.lines.size() && i < plan.size(); ++i) {
        if (i > 0 && plan[i].paragraph != plan[i - 1].paragraph) y += 0.5f * pitch;
        if (opt.page_height > 0 && i > 0 && y + 0.5f * pitch > opt.page_height - opt.margin_top) {
            ++sheet;
            y = opt.margin_top + 0.5f * pitch;
        }
        page.lines[i].page = sheet;
        bottom = std::max(bottom, y);
        const float h = ink_height(page.lines[i].strokes);
        const float k = h > 0 ? std::min(1.25f, std::max(0.8f, ref / h)) : 1.0f;
        arrange(page.lines[i], plan[i], k, y, opt);
        y += pitch;
    }
    page.width = opt.width + 2 * opt.margin_left;
    page.height = bottom + 0.5f * pitch + opt.margin_top;
    page.pages = sheet + 1;
    page.pitch = pitch;
    return page;
}

HandMeasure measure_hand(const std::vector<InkStroke>& strokes) {
    HandMeasure h;
    h.x_height = ink_height(levelled(strokes));
    double lean = 0, drop = 0;
    for (const auto& s : strokes)
        for (size_t i = 1; i < s.size(); ++i) {
            const double dx = s.x[i] - s.x[i - 1], dy = s.y[i] - s.y[i - 1];
            if (std::fabs(dy) <= std::fabs(dx)) continue;  // not near-vertical
            lean += dy > 0 ? -dx : dx;  // a right lean goes left on the way down
            drop += std::fabs(dy);
        }
    h.slant = drop > 0 ? static_cast<float>(lean / drop) : 0.0f;
    return h;
}

}  // namespace hw
