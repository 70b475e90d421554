#include "font_corpus.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <thread>

#include "files.h"
#include "hand_manifest.h"
#include "pen_kinematics.h"
#include "text.h"
#include "text_source.h"

namespace hw {

namespace {

constexpr float kPi = 3.14159265358979f;
// The most a writer delays dots and bars (its share of words): people who dot and cross after the
// word do it now and then, and a network that learns it 80 % of the time often never comes back.
constexpr float kMaxDelayedMarks = 0.3f;
// Words never touch: the ink of the next word starts at least this many x-heights after the ink of
// the last one (at the baseline, before slant and warp).
constexpr float kMinWordGap = 0.6f;

struct FontChoice {
    const char* name;
    float weight;   // share of styles: joined-up scripts look most like handwriting
    bool script;    // joined-up: a glyph's exit meets the next glyph's entry
    bool italic;    // already slanted: less extra shear
};

// .jhf fonts from hershey-fonts-data (always present), then Inkscape's SVG fonts (optional).
// Serif and double-line engraving fonts (timesr, timesi, rowmand, futuram, scriptc, the Hershey SVG ones)
// weigh least: however they are moved, their serifs and parallel strokes read as type.
const FontChoice kJhfFonts[] = {
    {"scripts", 2.0f, true, true},   {"scriptc", 0.6f, true, true},  {"cursive", 2.0f, true, true},
    {"futural", 1.0f, false, false}, {"futuram", 0.3f, false, false}, {"rowmans", 1.0f, false, false},
    {"rowmand", 0.3f, false, false}, {"timesi", 0.4f, false, true},  {"timesr", 0.2f, false, false}};
const FontChoice kSvgFonts[] = {
    {"EMSAllure", 2.0f, true, true},         {"EMSElfin", 1.0f, false, false},
    {"EMSFelix", 1.0f, false, false},        {"EMSNixish", 1.0f, false, false},
    {"EMSNixishItalic", 1.0f, false, true},  {"EMSReadability", 1.0f, false, false},
    {"EMSReadabilityItalic", 1.0f, false, true}, {"EMSTech", 0.7f, false, false},
    {"HersheyScriptMed", 0.4f, true, true},  {"HersheySerifMedItalic", 0.2f, false, true}};

float uniform(Rng& rng, float lo, float hi) { return lo + static_cast<float>(rng.uniform()) * (hi - lo); }
float normal(Rng& rng, float sd) { return static_cast<float>(rng.normal()) * sd; }

Status load_one(const std::string& path, const std::string& name, const CorpusTraits& traits, bool svg, std::vector<StrokeFont>& fonts,
                std::vector<std::string>& notes) {
    std::string text;
    Status s = read_text_file(path, kMaxSourceFileBytes, text);
    if (!s) return s;
    StrokeFont f;
    f.name = name;
    f.traits = traits;
    std::vector<std::string> warnings;
    s = svg ? parse_svg_font(text, path, f, warnings) : parse_jhf(text, path, f, warnings);
    if (s) s = measure_font(f);
    if (!s) return s;
    for (const auto& w : warnings) notes.push_back(w);
    fonts.push_back(std::move(f));
    return Status::success();
}

CorpusTraits traits_of(const FontChoice& c) { return {c.weight, c.script, c.italic, false}; }

// The traced hands that passed the QA gate (hand_dir/hands.json, written by hw-train strokefonts),
// when the folder exists; a missing one is a note.
void load_hand_fonts(const FontsOptions& opt, std::vector<StrokeFont>& fonts, std::vector<std::string>& notes) {
    struct stat st;
    if (opt.hand_dir.empty() || stat(opt.hand_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        notes.push_back("handwriting fonts absent (" + (opt.hand_dir.empty() ? std::string("no --hand-fonts folder") : opt.hand_dir) +
                        "): make hand-fonts traces them");
        return;
    }
    std::vector<HandFontSpec> hands;
    Status s = load_hand_manifest(opt.hand_dir + "/hands.json", hands);
    if (!s) return notes.push_back("handwriting fonts skipped: " + s.message + " (make hand-fonts writes it)");
    for (const auto& h : hands) {
        s = load_one(opt.hand_dir + "/" + h.name + ".svg", h.name, {h.weight, h.script, h.italic, h.held_out}, true, fonts, notes);
        if (!s) notes.push_back("font skipped: " + s.message);
    }
}

}  // namespace

Status load_corpus_fonts(const FontsOptions& opt, std::vector<StrokeFont>& fonts, std::vector<std::string>& notes) {
    for (const auto& c : kJhfFonts) {
        Status s = load_one(opt.hershey_dir + "/" + c.name + ".jhf", c.name, traits_of(c), false, fonts, notes);
        if (!s) notes.push_back("font skipped: " + s.message);
    }
    if (fonts.empty())
        return Status::error(opt.hershey_dir + ": no Hershey fonts (install the Debian package hershey-fonts-data)");
    size_t svg = 0;
    struct stat st;
    if (!opt.svg_dir.empty() && stat(opt.svg_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        for (const auto& c : kSvgFonts) {
            Status s = load_one(opt.svg_dir + "/" + c.name + ".svg", c.name, traits_of(c), true, fonts, notes);
            if (s) ++svg;
            else notes.push_back("font skipped: " + s.message);
        }
    }
    if (svg == 0)
        notes.push_back("SVG fonts absent (" + (opt.svg_dir.empty() ? std::string("no --svg-fonts folder") : opt.svg_dir) +
                        "): the corpus uses the Hershey .jhf fonts only; tools/fetch_svg_fonts.sh fetches them");
    load_hand_fonts(opt, fonts, notes);
    return Status::success();
}

std::string LineStyle::describe(const std::vector<StrokeFont>& fonts) const {
    char buf[256];
    std::snprintf(buf, sizeof buf, "fonts:%s size=%.2f slant=%.2f width=%.2f spacing=%.2f drift=%.2f%s",
                  fonts[font].name.c_str(), size / 10.0f, slant, width, spacing, drift, valid ? " (valid)" : "");
    return buf;
}

namespace {

// The writer's hand: fast writers round corners more; each has its own pen-speed profile.
void draw_hand(Rng& rng, LineStyle& st) {
    const float fluency = (st.speed - 0.26f) / 0.12f;  // 0 slow .. 1 fast
    st.smooth = uniform(rng, 0.03f, 0.07f) + 0.05f * fluency;
    st.overshoot = uniform(rng, 0.0f, 0.12f);
    st.tremor = uniform(rng, 0.002f, 0.01f);
    st.tremor_period = uniform(rng, 6.0f, 12.0f);
    st.pen.floor = uniform(rng, 0.25f, 0.45f);
    st.pen.curve = uniform(rng, 0.5f, 1.2f);
    st.pen.end_floor = uniform(rng, 0.3f, 0.6f);
    st.pen.end_reach = uniform(rng, 0.2f, 0.4f);
    st.glyph_scale = uniform(rng, 0.02f, 0.07f);
    st.glyph_slant = uniform(rng, 0.015f, 0.05f);
    st.glyph_shape = uniform(rng, 0.01f, 0.04f);
    st.delay_marks = uniform(rng, 0.0f, kMaxDelayedMarks);
    st.wander_slant = uniform(rng, 0.0f, 0.05f);
    st.wander_size = uniform(rng, 0.0f, 0.08f);
    st.wander_wave = uniform(rng, 12.0f, 30.0f);
}

}  // namespace

LineStyle draw_style(const std::vector<StrokeFont>& fonts, uint64_t seed, size_t k) {
    Rng rng(seed * 1000003ULL + k, 0x5851F42D4C957F2DULL);
    double total = 0;
    for (const auto& f : fonts) total += f.traits.weight;
    double pick = rng.uniform() * total;
    LineStyle st;
    for (st.font = 0; st.font + 1 < fonts.size(); ++st.font) {
        pick -= fonts[st.font].traits.weight;
        if (pick < 0) break;
    }
    const bool italic = fonts[st.font].traits.italic, script = fonts[st.font].traits.script;
    st.size = 10.0f * uniform(rng, 0.85f, 1.2f);
    // People's slant runs from about -15 to +35 degrees (shear -0.27 .. 0.7).
    st.slant = std::clamp(italic ? normal(rng, 0.12f) : 0.12f + normal(rng, 0.18f), -0.27f, 0.7f);
    st.width = uniform(rng, 0.85f, 1.15f);
    st.spacing = script ? uniform(rng, -0.03f, 0.06f) : uniform(rng, -0.04f, 0.2f);
    st.word_space = uniform(rng, 0.8f, 1.4f);
    st.drift = uniform(rng, 0.0f, 0.25f);
    st.drift_wave = uniform(rng, 6.0f, 20.0f);
    st.jitter = uniform(rng, 0.01f, 0.045f);
    st.distortion = uniform(rng, 0.02f, 0.08f);
    st.speed = uniform(rng, 0.26f, 0.38f);
    st.noise = uniform(rng, 0.003f, 0.01f);
    draw_hand(rng, st);
    // Validation: every 20th style draw, plus one whole font-and-size combination (large letters of
    // the first .jhf print font) and one whole traced hand, so validation also measures a
    // combination and a writer never trained on.
    st.valid = k % 20 == 19 || (fonts[st.font].name == "futural" && st.size > 11.2f) || fonts[st.font].traits.held_out;
    return st;
}

namespace {

struct Placed {
    std::vector<InkStroke> strokes;  // data units, y down, baseline at 0; marks (dots, bars) last
    size_t marks = 0;                // trailing strokes that are an i/j dot or a t bar
    bool delay = false;              // the marks are written after the word
    bool space_before = false;       // a word gap precedes this glyph: never join across it
};

// Index of the glyph's dot (i, j: its smallest stroke, when small) or bar (t: its flattest
// stroke, when flat), or -1.
int mark_stroke(const Glyph& g, char32_t c, float x_height) {
    if (g.strokes.size() < 2 || (c != U'i' && c != U'j' && c != U't')) return -1;
    int best = -1;
    float best_score = 1e30f;
    for (size_t i = 0; i < g.strokes.size(); ++i) {
        const auto& s = g.strokes[i];
        const auto [x0, x1] = std::minmax_element(s.x.begin(), s.x.end());
        const auto [y0, y1] = std::minmax_element(s.y.begin(), s.y.end());
        const float w = *x1 - *x0, h = *y1 - *y0;
        const bool fits = c == U't' ? w > 2.5f * h && w > 0.2f * x_height : std::max(w, h) < 0.4f * x_height;
        const float score = c == U't' ? h / std::max(w, 1e-6f) : std::max(w, h);
        if (fits && score < best_score) best = static_cast<int>(i), best_score = score;
    }
    return best;
}

// One glyph's strokes in line coordinates: scaled, shifted to the cursor, and varied as a person's
// letters vary (scale, slant and a small smooth shape change of its own).
std::vector<InkStroke> place_glyph(const Glyph& g, const StrokeFont& font, const LineStyle& st, float cursor, float scale,
                                   Rng& rng) {
    const float s = st.size / font.x_height * scale;
    const float js = 1.0f + normal(rng, st.glyph_scale), shear = normal(rng, st.glyph_slant);
    const float jx = normal(rng, st.jitter * st.size), jy = normal(rng, st.jitter * st.size);
    const float ax = normal(rng, st.glyph_shape) * st.size, ay = normal(rng, st.glyph_shape) * st.size;
    const float kx = 2 * kPi / (uniform(rng, 1.0f, 2.5f) * st.size), ky = 2 * kPi / (uniform(rng, 1.0f, 2.5f) * st.size);
    const float px = uniform(rng, 0, 2 * kPi), py = uniform(rng, 0, 2 * kPi);
    std::vector<InkStroke> out;
    for (const auto& stroke : g.strokes) {
        InkStroke o;
        for (size_t i = 0; i < stroke.x.size(); ++i) {
            const float lx = (stroke.x[i] - g.left) * s * st.width * js, ly = (stroke.y[i] - font.baseline) * s * js;
            o.x.push_back(cursor + jx + lx - shear * ly + ax * std::sin(ky * ly + px));
            o.y.push_back(jy + ly + ay * std::sin(kx * lx + py));
        }
        out.push_back(std::move(o));
    }
    return out;
}

// The leftmost and rightmost x of some strokes' points.
std::pair<float, float> ink_extent(const std::vector<InkStroke>& strokes) {
    float lo = 1e30f, hi = -1e30f;
    for (const auto& s : strokes)
        for (float x : s.x) lo = std::min(lo, x), hi = std::max(hi, x);
    return {lo, hi};
}

// Moves a word's first glyph right until its ink starts at `min_left` or later; the shift.
float keep_word_gap(std::vector<InkStroke>& strokes, float min_left) {
    const float shift = min_left - ink_extent(strokes).first;
    if (!(shift > 0)) return 0;
    for (auto& s : strokes)
        for (float& x : s.x) x += shift;
    return shift;
}

// Lays the glyphs out along the baseline, the size wandering slowly along the line; a word's dots
// and bars are delayed together, with the writer's probability.
bool layout(const StrokeFont& font, const LineStyle& st, const std::u32string& text, Rng& rng, std::vector<Placed>& out) {
    const float s = st.size / font.x_height;
    const float phase = uniform(rng, 0, 2 * kPi), k = 2 * kPi / (st.wander_wave * st.size);
    float cursor = 0, last_right = 0;  // the right edge of the ink of the word being written
    bool gap = true, delay = rng.uniform() < st.delay_marks;
    for (char32_t c : text) {
        auto it = font.glyphs.find(c);
        if (it == font.glyphs.end()) return false;
        const Glyph& g = it->second;
        const float scale = 1.0f + st.wander_size * std::sin(k * cursor + phase);
        const float advance = (g.right - g.left) * s * st.width * scale;
        if (c == U' ') {
            cursor += advance * st.word_space * std::max(0.75f, 1.0f + normal(rng, 0.12f));  // no two gaps alike
            gap = true;
            delay = rng.uniform() < st.delay_marks;
            continue;
        }
        Placed p;
        p.space_before = gap;
        gap = false;
        p.strokes = place_glyph(g, font, st, cursor, scale, rng);
        if (p.space_before && !out.empty()) cursor += keep_word_gap(p.strokes, last_right + kMinWordGap * st.size);
        last_right = std::max(p.space_before ? -1e30f : last_right, ink_extent(p.strokes).second);
        const int m = mark_stroke(g, c, font.x_height);
        if (m >= 0) {
            std::rotate(p.strokes.begin() + m, p.strokes.begin() + m + 1, p.strokes.end());
            p.marks = 1;
            p.delay = delay;
        }
        out.push_back(std::move(p));
        cursor += advance + st.spacing * st.size;
    }
    return true;
}

// A smooth random displacement field: a few plane waves of 2-6 x-heights wavelength.
struct Elastic {
    float kx[3], ky[3], phase[3], ax[3], ay[3];
    Elastic(Rng& rng, const LineStyle& st) {
        for (int i = 0; i < 3; ++i) {
            const float angle = uniform(rng, 0, 2 * kPi), wave = uniform(rng, 2.0f, 6.0f) * st.size;
            kx[i] = std::cos(angle) * 2 * kPi / wave;
            ky[i] = std::sin(angle) * 2 * kPi / wave;
            phase[i] = uniform(rng, 0, 2 * kPi);
            ax[i] = normal(rng, st.distortion * st.size);
            ay[i] = normal(rng, st.distortion * st.size);
        }
    }
    void apply(float& x, float& y) const {
        float dx = 0, dy = 0;
        for (int i = 0; i < 3; ++i) {
            const float w = std::sin(kx[i] * x + ky[i] * y + phase[i]);
            dx += ax[i] * w;
            dy += ay[i] * w;
        }
        x += dx;
        y += dy;
    }
};

// Slant (wandering along the line), baseline drift and the elastic field, applied to every point of the line.
void warp(std::vector<Placed>& glyphs, const LineStyle& st, Rng& rng) {
    const Elastic field(rng, st);
    const float phase = uniform(rng, 0, 2 * kPi), tilt = normal(rng, 0.015f);
    const float k = 2 * kPi / (st.drift_wave * st.size);
    const float slant_phase = uniform(rng, 0, 2 * kPi), ks = 2 * kPi / (st.wander_wave * st.size);
    for (auto& g : glyphs)
        for (auto& s : g.strokes)
            for (size_t i = 0; i < s.x.size(); ++i) {
                const float slant = st.slant + st.wander_slant * std::sin(ks * s.x[i] + slant_phase);
                float x = s.x[i] - slant * s.y[i];
                float y = s.y[i] + st.drift * st.size * std::sin(k * x + phase) + tilt * x;
                field.apply(x, y);
                s.x[i] = x;
                s.y[i] = y;
            }
}

float gap_between(const InkStroke& a, const InkStroke& b) {
    return std::hypot(b.x.front() - a.x.back(), b.y.front() - a.y.back());
}

void append(InkStroke& a, const InkStroke& b) {
    a.x.insert(a.x.end(), b.x.begin(), b.x.end());
    a.y.insert(a.y.end(), b.y.begin(), b.y.end());
}

// One polyline per pen-down stroke: strokes that end where the next begins are drawn without
// lifting the pen, and joined-up scripts run on from one letter into the next (not across words,
// not from a dot or bar). Delayed dots and bars come after their word, in writing order.
std::vector<InkStroke> pen_strokes(const std::vector<Placed>& glyphs, const LineStyle& st, bool script, LineInfo& info) {
    std::vector<InkStroke> out, pending;
    const float touch = 0.06f * st.size, join = 0.4f * st.size;
    bool after_mark = false;
    auto flush = [&] {
        for (auto& m : pending) out.push_back(std::move(m));
        pending.clear();
    };
    for (const auto& g : glyphs) {
        if (g.space_before) flush();
        const size_t body = g.strokes.size() - g.marks;
        for (size_t i = 0; i < g.strokes.size(); ++i) {
            const InkStroke& s = g.strokes[i];
            if (i >= body) ++info.marks;
            if (i >= body && g.delay) {
                pending.push_back(s);
                ++info.delayed;
                continue;
            }
            const bool join_on = script && !g.space_before && !after_mark;
            float limit = i == 0 ? (join_on ? join : (g.space_before ? 0.0f : touch)) : touch;
            if (i >= body) limit = 0;
            if (!out.empty() && gap_between(out.back(), s) < limit) append(out.back(), s);
            else out.push_back(s);
        }
        after_mark = g.marks > 0 && !g.delay;
    }
    flush();
    return out;
}

// Samples a stroke as a pen sampled at a fixed rate would (the core's pen_times and sample_by_time,
// as priming ink is): the step is `speed` x-heights on straights and shrinks in curves and near
// the stroke's ends, where a writer slows down, as the writer's PenProfile says. False for a stroke too long to sample.
bool sample_stroke(const InkStroke& path, const LineStyle& st, InkStroke& out) {
    InkStroke timed;
    return pen_times(path, st.size, st.speed * st.size, timed, st.pen).ok && sample_by_time(timed, 1.0f, out).ok;
}

HandKinematics hand_of(const LineStyle& st) {
    HandKinematics k;
    k.x_height = st.size;
    k.smooth = st.smooth;
    k.overshoot = st.overshoot;
    k.tremor = st.tremor;
    k.tremor_period = st.tremor_period;
    return k;
}

}  // namespace

namespace {

// A dot or bar written after its word must land on its own letter: its centre within the x extent
// of the letter's body (after slant and warp), with a little slack.
bool delayed_marks_land(const std::vector<Placed>& glyphs, float x_height) {
    for (const auto& g : glyphs) {
        if (!g.delay || g.marks == 0 || g.strokes.size() <= g.marks) continue;
        const std::vector<InkStroke> body(g.strokes.begin(), g.strokes.end() - static_cast<long>(g.marks));
        const auto [lo, hi] = ink_extent(body);
        for (size_t m = g.strokes.size() - g.marks; m < g.strokes.size(); ++m) {
            const auto [mlo, mhi] = ink_extent({g.strokes[m]});
            const float centre = 0.5f * (mlo + mhi);
            if (centre < lo - 0.15f * x_height || centre > hi + 0.15f * x_height) return false;
        }
    }
    return true;
}

}  // namespace

bool write_line(const StrokeFont& font, const LineStyle& st, const std::u32string& text, Rng& rng, RawLine& out,
                LineInfo* info) {
    std::vector<Placed> glyphs;
    if (!layout(font, st, text, rng, glyphs)) return false;
    warp(glyphs, st, rng);
    if (!delayed_marks_land(glyphs, st.size)) return false;
    out.strokes.clear();
    LineInfo li;
    const HandKinematics hand = hand_of(st);
    for (const auto& s : pen_strokes(glyphs, st, font.traits.script, li)) {
        InkStroke p;
        if (!sample_stroke(move_hand(s, hand), st, p)) return false;
        add_tremor(p, hand, rng);
        for (size_t i = 0; i < p.x.size(); ++i) {
            p.x[i] += normal(rng, st.noise * st.size);
            p.y[i] += normal(rng, st.noise * st.size);
        }
        out.strokes.push_back(std::move(p));
    }
    out.text = utf8_encode(text);
    if (info) *info = li;
    return !out.strokes.empty();
}

namespace {

struct Job {
    std::vector<std::string> texts;  // one per line
    std::vector<RawLine> lines;
    std::vector<LineInfo> info;
    std::vector<int> status;         // 0 written, 1 no style's font could write it
};

// Line i: its own generator, a style drawn from the seed, and when that style's font lacks a
// glyph, the next styles of the same split (train or valid) in turn.
void write_job_line(const FontsCorpus& c, uint64_t seed, size_t i, Job& job) {
    Rng rng(seed, 2 * static_cast<uint64_t>(i) + 1);
    std::u32string text;
    if (!utf8_decode(job.texts[i], text).ok) return void(job.status[i] = 1);
    const size_t n = c.styles.size();
    const size_t first = rng.next_u32() % n;
    for (size_t t = 0; t < n && t < 64; ++t) {
        const size_t k = (first + t) % n;
        if (c.styles[k].valid != c.styles[first].valid) continue;
        RawLine& out = job.lines[i];
        out.source = static_cast<uint32_t>(k);
        const StrokeFont& font = c.fonts[c.styles[k].font];
        if (write_line(font, c.styles[k], font.capitals_only() ? upper_case(text) : text, rng, out, &job.info[i]))
            return void(job.status[i] = 0);
    }
    job.status[i] = 1;
}

void run_jobs(const FontsCorpus& c, const FontsOptions& opt, Job& job, const Progress& progress) {
    const size_t total = job.texts.size();
    std::atomic<size_t> done{0};
    auto work = [&](size_t first, size_t step, bool report) {
        for (size_t i = first; i < total; i += step) {
            write_job_line(c, opt.seed, i, job);
            const size_t d = ++done;
            if (report && progress && d < total) progress(d, total);
        }
    };
    const size_t threads = static_cast<size_t>(std::clamp(opt.threads, 1, 64));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t, threads, false);
    work(0, threads, true);
    for (auto& th : pool) th.join();
    if (progress) progress(total, total);
}

}  // namespace

Status build_fonts_corpus(const FontsOptions& opt, FontsCorpus& c, const Progress& progress) {
    Status s = load_corpus_fonts(opt, c.fonts, c.notes);
    if (!s) return s;
    Rng text_rng(opt.seed, 7);
    std::vector<std::string> fortunes, foreign;
    if (!(s = load_fortunes(opt.fortunes_dir, text_rng, fortunes, c.skipped))) return s;
    // Text with the Western European letters only when some font writes them (the traced hands).
    const bool accented_fonts = std::any_of(c.fonts.begin(), c.fonts.end(), [](const StrokeFont& f) { return f.has(U'\u00e9'); });
    if (accented_fonts && !(s = load_foreign_fortunes(opt.fortunes_dir, text_rng, foreign, c.skipped))) return s;
    if (!accented_fonts) c.notes.push_back("no font writes the Western European letters (make hand-fonts): English text only");
    else if (foreign.empty())
        c.notes.push_back(opt.fortunes_dir + ": no German, Spanish, Italian or Portuguese fortunes (fortunes-de, -es, -it, -br): English only");
    const size_t n_styles = std::max<size_t>(40, opt.lines / 25);
    for (size_t k = 0; k < n_styles; ++k) {
        c.styles.push_back(draw_style(c.fonts, opt.seed, k));
        c.sources.push_back(c.styles.back().describe(c.fonts));
    }
    Job job;
    const bool accents = !foreign.empty();
    auto draw_text = [&] {
        const double u = text_rng.uniform();
        if (u < opt.generated_share) return generated_line(text_rng, accents);
        if (accents && u < opt.generated_share + opt.foreign_share) return foreign[text_rng.next_u32() % foreign.size()];
        return fortunes[text_rng.next_u32() % fortunes.size()];
    };
    for (size_t i = 0; i < opt.lines; ++i) {
        std::string t = draw_text();
        if (text_rng.uniform() < opt.pair_share) t += " " + draw_text();
        job.texts.push_back(std::move(t));
    }
    job.lines.resize(opt.lines);
    job.info.resize(opt.lines);
    job.status.assign(opt.lines, 1);
    run_jobs(c, opt, job, progress);
    for (size_t i = 0; i < opt.lines; ++i) {
        if (job.status[i] != 0) {
            c.skipped.add("fonts lines no font could write", "fonts line " + std::to_string(i) + ": \"" + job.texts[i] +
                                                               "\" needs a glyph the fonts lack");
            continue;
        }
        const bool valid = c.styles[job.lines[i].source].valid;
        (valid ? c.valid : c.train).push_back(std::move(job.lines[i]));
        (valid ? c.valid_info : c.train_info).push_back(job.info[i]);
    }
    if (c.train.empty()) return Status::error("fonts corpus: no line could be written");
    return Status::success();
}

std::map<std::string, WriterStats> writer_stats(const FontsCorpus& c) {
    std::map<std::string, WriterStats> out;
    std::map<std::string, double> chars, lifts, marks, delayed;
    for (int part = 0; part < 2; ++part) {
        const auto& lines = part ? c.valid : c.train;
        const auto& info = part ? c.valid_info : c.train_info;
        for (size_t i = 0; i < lines.size(); ++i) {
            const LineStyle& st = c.styles[lines[i].source];
            const std::string& name = c.fonts[st.font].name;
            WriterStats& w = out[name];
            ++w.lines;
            w.speed += st.speed;
            w.slant += st.slant;
            lifts[name] += static_cast<double>(lines[i].strokes.size());
            chars[name] += static_cast<double>(std::count_if(lines[i].text.begin(), lines[i].text.end(), [](char ch) { return ch != ' '; }));
            if (i < info.size()) marks[name] += static_cast<double>(info[i].marks), delayed[name] += static_cast<double>(info[i].delayed);
        }
    }
    for (auto& [name, w] : out) {
        const double n = static_cast<double>(w.lines);
        w.speed /= n;
        w.slant /= n;
        w.lifts_per_char = chars[name] > 0 ? lifts[name] / chars[name] : 0;
        w.delayed_marks = marks[name] > 0 ? delayed[name] / marks[name] : 0;
    }
    return out;
}

}  // namespace hw
