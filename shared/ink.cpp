#include "ink.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hw {

bool PenPosition::advance(const Point& p, float scale_x, float scale_y) {
    x += p.dx * scale_x;
    y += p.dy * scale_y;
    const bool starts = pen_was_up;
    pen_was_up = p.pen_up > 0.5f;
    return starts;
}

std::vector<InkStroke> offsets_to_strokes(const std::vector<Point>& pts, float scale_x, float scale_y) {
    std::vector<InkStroke> out;
    PenPosition pen;
    for (const Point& p : pts) {
        if (pen.advance(p, scale_x, scale_y)) out.emplace_back();
        out.back().x.push_back(pen.x);
        out.back().y.push_back(pen.y);
    }
    return out;
}

static float percentile(std::vector<float> v, float q) {
    std::sort(v.begin(), v.end());
    const size_t i = static_cast<size_t>(q * static_cast<float>(v.size() - 1) + 0.5f);
    return v[std::min(i, v.size() - 1)];
}

float ink_height(const std::vector<float>& ys) {
    if (ys.size() < 2) return 0.0f;
    return percentile(ys, 0.9f) - percentile(ys, 0.1f);
}

float ink_height(const std::vector<InkStroke>& strokes) {
    std::vector<float> ys;
    for (const auto& s : strokes) ys.insert(ys.end(), s.y.begin(), s.y.end());
    return ink_height(ys);
}

// An upper bound on the points resample_stroke makes: one per `spacing` of each segment, plus one
// per segment and the two ends. In double, so that a huge length cannot stall the count.
static double resample_bound(const InkStroke& s, double spacing) {
    double n = 2;
    for (size_t i = 1; i < s.size(); ++i) {
        const double dx = double(s.x[i]) - s.x[i - 1], dy = double(s.y[i]) - s.y[i - 1];
        n += std::sqrt(dx * dx + dy * dy) / spacing + 1;
    }
    return n;
}

Status resample_stroke(const InkStroke& s, float spacing, InkStroke& out, size_t max_points) {
    out = InkStroke{};
    if (s.x.empty()) return Status::success();
    if (!(spacing > 0) || !std::isfinite(spacing)) return Status::error("resampling: the spacing must be positive and finite");
    // Bounded before the loop: at most max_points (< 2^24) steps per segment keeps t + spacing > t
    // in float, so every `while` below ends.
    const double bound = resample_bound(s, spacing);
    if (!(bound <= static_cast<double>(std::min<size_t>(max_points, size_t(1) << 23))))
        return Status::error("a stroke is too long for its point spacing (over " + std::to_string(max_points) + " points)");
    const bool timed = s.t.size() == s.x.size();
    // Point i, or the point at arc length `at` along the segment from point i (length len) to i + 1.
    auto put = [&](size_t i, float at, float len) {
        if (at == 0) {
            out.x.push_back(s.x[i]);
            out.y.push_back(s.y[i]);
            if (timed) out.t.push_back(s.t[i]);
            return;
        }
        out.x.push_back(s.x[i] + (s.x[i + 1] - s.x[i]) * at / len);
        out.y.push_back(s.y[i] + (s.y[i + 1] - s.y[i]) * at / len);
        if (timed) out.t.push_back(s.t[i] + (s.t[i + 1] - s.t[i]) * at / len);
    };
    put(0, 0, 0);
    if (s.x.size() == 1) return Status::success();
    float carry = 0;
    for (size_t i = 1; i < s.x.size(); ++i) {
        const float dx = s.x[i] - s.x[i - 1], dy = s.y[i] - s.y[i - 1];
        const float len = std::sqrt(dx * dx + dy * dy);
        if (!(len > 0)) continue;
        float t = spacing - carry;
        while (t <= len) {
            put(i - 1, t, len);
            t += spacing;
        }
        carry = len - (t - spacing);
    }
    if (carry > 0.25f * spacing || out.x.size() == 1) put(s.x.size() - 1, 0, 0);
    return Status::success();
}

static Status check_ink(const std::vector<InkStroke>& strokes) {
    if (strokes.size() > kMaxInkStrokes)
        return Status::error("ink has " + std::to_string(strokes.size()) + " strokes; the limit is " + std::to_string(kMaxInkStrokes));
    size_t points = 0;
    for (const auto& s : strokes) points += s.x.size();
    if (points > kMaxInkPoints)
        return Status::error("ink has " + std::to_string(points) + " points; the limit is " + std::to_string(kMaxInkPoints));
    for (size_t i = 0; i < strokes.size(); ++i) {
        const auto& s = strokes[i];
        const std::string at = "ink stroke " + std::to_string(i + 1);
        if (s.x.size() != s.y.size() || s.x.empty()) return Status::error(at + " has no points or unequal x and y");
        if (!s.t.empty() && s.t.size() != s.x.size()) return Status::error(at + " has times for some points but not all");
        for (size_t j = 0; j < s.x.size(); ++j)
            if (!std::isfinite(s.x[j]) || !std::isfinite(s.y[j]) || (!s.t.empty() && !std::isfinite(s.t[j])))
                return Status::error(at + ", point " + std::to_string(j + 1) + " is not finite");
            else if (std::fabs(s.x[j]) > kMaxInkCoordinate || std::fabs(s.y[j]) > kMaxInkCoordinate)
                return Status::error(at + ", point " + std::to_string(j + 1) + " has a coordinate beyond " +
                                     std::to_string(static_cast<long long>(kMaxInkCoordinate)) + " in magnitude");
    }
    return Status::success();
}

// The ink code uses only IEEE-exact operations (+ - * / sqrt) and its own polynomials, never the C
// library's atan2/hypot: those differ in the last bit between glibc and Emscripten's libc, and the
// same ink must prime the network with the same bits natively and in every browser.
static double segment_length(double dx, double dy) { return std::sqrt(dx * dx + dy * dy); }

// atan(u) for |u| <= tan(pi/8): odd Taylor series to u^23 (error below 1e-10).
static double atan_small(double u) {
    const double u2 = u * u;
    double p = 0;
    for (int k = 23; k >= 3; k -= 2) p = (p + ((k / 2) % 2 ? -1.0 : 1.0) / k) * u2;
    return u + u * p;
}

// atan(t) for 0 <= t <= 1 (t > tan(pi/8) reduced through atan(t) = pi/4 + atan((t - 1) / (t + 1))).
static double atan_unit(double t) {
    constexpr double kQuarterPi = 0.78539816339744830962, kTanEighthPi = 0.41421356237309504880;
    return t > kTanEighthPi ? kQuarterPi + atan_small((t - 1) / (t + 1)) : atan_small(t);
}

// The angle in [0, pi] between two directions (the pen's turn), from their cross and dot products.
static double turn_angle(double ax, double ay, double bx, double by) {
    constexpr double kPi = 3.14159265358979323846;
    const double c = std::fabs(ax * by - ay * bx), d = ax * bx + ay * by;
    if (c == 0 && d == 0) return 0;
    const double ad = std::fabs(d);
    const double a = c <= ad ? atan_unit(c / ad) : kPi / 2 - atan_unit(ad / c);  // angle in [0, pi/2]
    return d >= 0 ? a : kPi - a;
}

static double stroke_length(const InkStroke& s) {
    double len = 0;
    for (size_t i = 1; i < s.size(); ++i) len += segment_length(double(s.x[i]) - s.x[i - 1], double(s.y[i]) - s.y[i - 1]);
    return len;
}

// Relative pen speed (0, 1] at each point of a dense path whose points are 0.05 x-heights apart.
static std::vector<float> relative_speed(const InkStroke& d, const PenProfile& p) {
    constexpr float kStep = 0.05f;
    const size_t n = d.size();
    std::vector<float> turn(n, 0.0f), rel(n, 1.0f);
    for (size_t i = 1; i + 1 < n; ++i) {
        const double t = turn_angle(d.x[i] - d.x[i - 1], d.y[i] - d.y[i - 1], d.x[i + 1] - d.x[i], d.y[i + 1] - d.y[i]);
        turn[i] = static_cast<float>(t) / kStep;  // radians per x-height
    }
    for (size_t i = 0; i < n; ++i) {
        float sum = 0;
        int cnt = 0;
        for (size_t j = i >= 3 ? i - 3 : 0; j <= std::min(n - 1, i + 3); ++j) sum += turn[j], ++cnt;
        const float curv = sum / static_cast<float>(cnt);
        const float ends = static_cast<float>(std::min(i, n - 1 - i)) * kStep;  // x-heights from the nearer end
        rel[i] = (p.floor + (1 - p.floor) / (1 + p.curve * curv)) *
                 std::min(1.0f, p.end_floor + (1 - p.end_floor) * ends / p.end_reach);
    }
    return rel;
}

Status pen_times(const InkStroke& s, float x_height, float speed, InkStroke& out, const PenProfile& profile, size_t max_points) {
    out = InkStroke{};
    if (s.x.empty() || s.x.size() != s.y.size()) return Status::error("pen_times: a stroke without points");
    if (!(x_height > 0) || !(speed > 0) || !std::isfinite(x_height) || !std::isfinite(speed))
        return Status::error("pen_times: the x-height and speed must be positive and finite");
    const float h = 0.05f * x_height;
    const double len = stroke_length(s);
    if (!std::isfinite(len) || len / h + 2 > static_cast<double>(max_points))
        return Status::error("a stroke is too long for its size (over " + std::to_string(max_points) + " points)");
    InkStroke plain{s.x, s.y, {}};
    Status r = resample_stroke(plain, h, out, max_points);
    if (!r) return r;
    const std::vector<float> rel = relative_speed(out, profile);
    out.t.assign(out.size(), 0.0f);
    for (size_t i = 1; i < out.size(); ++i) {
        const float seg = static_cast<float>(segment_length(out.x[i] - out.x[i - 1], out.y[i] - out.y[i - 1]));
        out.t[i] = out.t[i - 1] + seg / (speed * 0.5f * (rel[i - 1] + rel[i]));
    }
    return Status::success();
}

Status sample_by_time(const InkStroke& s, float dt, InkStroke& out, size_t max_points) {
    out = InkStroke{};
    if (s.x.empty() || s.t.size() != s.x.size()) return Status::error("sample_by_time: a stroke without times");
    if (!(dt > 0) || !std::isfinite(dt)) return Status::error("sample_by_time: the time step must be positive");
    const double t0 = s.t.front(), span = double(s.t.back()) - t0;
    if (!(span >= 0) || span / dt + 2 > static_cast<double>(max_points))
        return Status::error("a stroke would take over " + std::to_string(max_points) + " points at this time step");
    const size_t steps = static_cast<size_t>(span / dt);
    size_t i = 0;
    for (size_t k = 0; k <= steps; ++k) {
        const double tk = t0 + static_cast<double>(k) * dt;
        while (i + 1 < s.size() && s.t[i + 1] <= tk) ++i;
        const size_t j = std::min(i + 1, s.size() - 1);
        const double gap = double(s.t[j]) - s.t[i];
        const float f = gap > 0 ? static_cast<float>((tk - s.t[i]) / gap) : 0.0f;
        out.x.push_back(s.x[i] + (s.x[j] - s.x[i]) * f);
        out.y.push_back(s.y[i] + (s.y[j] - s.y[i]) * f);
        out.t.push_back(static_cast<float>(tk));
    }
    const bool short_tail = span - static_cast<double>(steps) * dt <= 0.25 * dt;
    if (short_tail && out.size() > 1) out.x.pop_back(), out.y.pop_back(), out.t.pop_back();
    if (!(short_tail && out.size() == 1 && span == 0)) {
        out.x.push_back(s.x.back());
        out.y.push_back(s.y.back());
        out.t.push_back(s.t.back());
    }
    return Status::success();
}
// True when every point of the stroke has a time, the times never go back, and they span some time.
static bool has_own_times(const InkStroke& s) {
    if (s.t.size() != s.x.size() || s.size() < 2) return false;
    for (size_t i = 1; i < s.size(); ++i)
        if (!(s.t[i] >= s.t[i - 1])) return false;
    return s.t.back() > s.t.front();
}

// Each stroke with times: its own where usable; pen_times at the writer's mean speed otherwise.
// The whole ink has one budget of kMaxInkPoints timed points, and each stroke's share is checked
// before its dense path is made: with a budget per stroke, 1,000 long strokes took gigabytes.
static Status time_strokes(const std::vector<InkStroke>& strokes, float x_height, std::vector<InkStroke>& timed) {
    double len = 0, dur = 0;
    for (const auto& s : strokes)
        if (has_own_times(s)) len += stroke_length(s), dur += double(s.t.back()) - s.t.front();
    const float speed = len > 0 && dur > 0 ? static_cast<float>(len / dur) : 1.0f;
    timed.assign(strokes.size(), InkStroke{});
    size_t budget = kMaxInkPoints;
    for (size_t i = 0; i < strokes.size(); ++i) {
        const std::string at = "ink stroke " + std::to_string(i + 1) + ": ";
        const std::string whole = "; one ink has at most " + std::to_string(kMaxInkPoints) + " points in all";
        if (has_own_times(strokes[i])) {
            if (strokes[i].size() > budget) return Status::error(at + "over " + std::to_string(budget) + " points left" + whole);
            timed[i] = strokes[i];
        } else {
            Status s = pen_times(strokes[i], x_height, speed, timed[i], PenProfile{}, budget);
            if (!s) return Status::error(at + s.message + whole);
        }
        budget -= timed[i].size();
    }
    return Status::success();
}

// Samples every stroke at `dt`; returns the mean pen-down step (0 when there is none).
static Status sample_all(const std::vector<InkStroke>& timed, float dt, std::vector<InkStroke>& out, double& mean) {
    out.assign(timed.size(), InkStroke{});
    size_t budget = kMaxInkPoints, steps = 0;
    double len = 0;
    for (size_t i = 0; i < timed.size(); ++i) {
        Status s = sample_by_time(timed[i], dt, out[i], budget);
        if (!s) return Status::error("ink is too long or too large: " + s.message);
        budget -= out[i].size();
        len += stroke_length(out[i]);
        steps += out[i].size() - 1;
    }
    mean = steps > 0 ? len / static_cast<double>(steps) : 0.0;
    return Status::success();
}

Status pace_strokes(const std::vector<InkStroke>& strokes, float x_height, float spacing, std::vector<InkStroke>& out) {
    out.clear();
    Status s = check_ink(strokes);
    if (!s) return s;
    if (!(spacing > 0) || !std::isfinite(spacing)) return Status::error("the point spacing must be positive and finite");
    std::vector<InkStroke> timed;
    if (!(s = time_strokes(strokes, x_height, timed))) return s;
    double len = 0, dur = 0;
    for (const auto& t : timed) len += stroke_length(t), dur += double(t.t.back()) - t.t.front();
    if (!(len > 0) || !(dur > 0)) return sample_all(timed, 1.0f, out, len);  // dots only: one point each
    // The mean step is about len / (dur / dt); the kept ends shorten it a little, so correct a few times.
    float dt = static_cast<float>(spacing * dur / len), best_err = INFINITY;
    std::vector<InkStroke> trial;
    for (int iter = 0; iter < 5; ++iter) {
        double mean = 0;
        if (!(s = sample_all(timed, dt, trial, mean))) return s;
        const float err = std::fabs(static_cast<float>(mean) / spacing - 1.0f);
        if (err < best_err) best_err = err, out = trial;
        if (err < 0.002f || !(mean > 0)) break;
        dt *= spacing / static_cast<float>(mean);
    }
    return Status::success();
}

Status prepare_ink(const Model& m, const std::vector<InkStroke>& strokes, std::vector<Point>& out) {
    out.clear();
    Status s = check_ink(strokes);
    if (!s) return s;
    const float h = ink_height(strokes);
    if (!(h > 0)) return Status::error("ink has no height to scale by (a flat or empty line)");
    const float k = m.norm.line_height / h;  // ink units -> data units
    std::vector<InkStroke> scaled = strokes, paced;
    for (auto& st : scaled)
        for (size_t j = 0; j < st.size(); ++j) st.x[j] *= k, st.y[j] *= k;
    if (!(s = pace_strokes(scaled, m.norm.line_height / kLineHeightPerXHeight, m.norm.point_spacing, paced))) return s;
    size_t total = 0;
    for (const auto& r : paced) total += r.size();
    if (total > kMaxPrimePoints)
        return Status::error("priming ink makes " + std::to_string(total) + " points at the model's spacing; the limit is " +
                             std::to_string(kMaxPrimePoints));
    float px = 0, py = 0;
    bool first = true;
    for (const auto& r : paced) {
        for (size_t j = 0; j < r.x.size(); ++j) {
            Point p;
            p.dx = first ? 0.0f : (r.x[j] - px) / m.norm.scale_x;
            p.dy = first ? 0.0f : (r.y[j] - py) / m.norm.scale_y;
            p.pen_up = j + 1 == r.x.size() ? 1.0f : 0.0f;
            px = r.x[j];
            py = r.y[j];
            first = false;
            out.push_back(p);
        }
    }
    return Status::success();
}

}  // namespace hw
