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

InkStroke resample_stroke(const InkStroke& s, float spacing) {
    InkStroke out;
    if (s.x.empty()) return out;
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
    if (s.x.size() == 1) return out;
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
    return out;
}

static Status check_ink(const std::vector<InkStroke>& strokes) {
    for (size_t i = 0; i < strokes.size(); ++i) {
        const auto& s = strokes[i];
        if (s.x.size() != s.y.size() || s.x.empty())
            return Status::error("ink stroke " + std::to_string(i + 1) + " has no points or unequal x and y");
        for (size_t j = 0; j < s.x.size(); ++j)
            if (!std::isfinite(s.x[j]) || !std::isfinite(s.y[j]))
                return Status::error("ink stroke " + std::to_string(i + 1) + ", point " + std::to_string(j + 1) + " is not finite");
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
    float px = 0, py = 0;
    bool first = true;
    for (const auto& stroke : strokes) {
        InkStroke scaled;
        for (size_t j = 0; j < stroke.x.size(); ++j) {
            scaled.x.push_back(stroke.x[j] * k);
            scaled.y.push_back(stroke.y[j] * k);
        }
        const InkStroke r = resample_stroke(scaled, m.norm.point_spacing);
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
