#include "pen_kinematics.h"

#include <algorithm>
#include <cmath>

namespace hw {

namespace {

constexpr float kPi = 3.14159265358979f;

// At each cusp (the path turns back by more than ~100 degrees) the pen runs on past the corner.
InkStroke overshoot_cusps(const InkStroke& p, float run_on) {
    InkStroke out{{p.x.front()}, {p.y.front()}, {}};
    for (size_t i = 1; i + 1 < p.size(); ++i) {
        const float ax = p.x[i] - p.x[i - 1], ay = p.y[i] - p.y[i - 1];
        const float bx = p.x[i + 1] - p.x[i], by = p.y[i + 1] - p.y[i];
        const float la = std::hypot(ax, ay), lb = std::hypot(bx, by);
        out.x.push_back(p.x[i]);
        out.y.push_back(p.y[i]);
        if (!(la > 0) || !(lb > 0) || (ax * bx + ay * by) / (la * lb) > -0.17f) continue;
        const float r = std::min(run_on, 0.5f * std::min(la, lb));
        out.x.back() += ax / la * r;
        out.y.back() += ay / la * r;
    }
    out.x.push_back(p.x.back());
    out.y.push_back(p.y.back());
    return out;
}

// Gaussian low-pass of a path sampled every `h`, sd `sigma`; points beyond the ends are reflected
// through them, so ends stay put and straight runs stay straight.
InkStroke low_pass(const InkStroke& d, float h, float sigma) {
    const long n = static_cast<long>(d.size());
    const long r = std::min<long>(40, static_cast<long>(std::ceil(3 * sigma / h)));
    if (n < 3 || r < 1) return d;
    std::vector<float> w(static_cast<size_t>(r) + 1);
    for (long j = 0; j <= r; ++j) w[static_cast<size_t>(j)] = std::exp(-0.5f * std::pow(static_cast<float>(j) * h / sigma, 2.0f));
    auto at = [&](const std::vector<float>& v, long i) {
        if (i < 0) return 2 * v.front() - v[static_cast<size_t>(std::min(n - 1, -i))];
        if (i >= n) return 2 * v.back() - v[static_cast<size_t>(std::max(0L, 2 * (n - 1) - i))];
        return v[static_cast<size_t>(i)];
    };
    InkStroke out = d;
    for (long i = 1; i + 1 < n; ++i) {
        float sx = 0, sy = 0, sw = 0;
        for (long j = -r; j <= r; ++j) {
            const float wj = w[static_cast<size_t>(std::labs(j))];
            sx += wj * at(d.x, i + j), sy += wj * at(d.y, i + j), sw += wj;
        }
        out.x[static_cast<size_t>(i)] = sx / sw, out.y[static_cast<size_t>(i)] = sy / sw;
    }
    return out;
}

}  // namespace

InkStroke move_hand(const InkStroke& path, const HandKinematics& k) {
    if (path.size() < 2) return path;
    const float h = 0.05f * k.x_height;
    InkStroke d;
    if (!resample_stroke(overshoot_cusps(path, k.overshoot * k.x_height), h, d).ok) return path;  // too long: left as drawn
    return low_pass(d, h, k.smooth * k.x_height);
}

void add_tremor(InkStroke& s, const HandKinematics& k, Rng& rng) {
    const float a = k.tremor * k.x_height, w = 2 * kPi / std::max(2.0f, k.tremor_period);
    float p[4];
    for (float& v : p) v = static_cast<float>(rng.uniform()) * 2 * kPi;
    for (size_t i = 0; i < s.size(); ++i) {
        const float t = static_cast<float>(i), fade = std::min(1.0f, t / 4.0f);
        s.x[i] += a * fade * (std::sin(w * t + p[0]) + 0.5f * std::sin(2.3f * w * t + p[1]));
        s.y[i] += a * fade * (std::sin(w * t + p[2]) + 0.5f * std::sin(2.3f * w * t + p[3]));
    }
}

}  // namespace hw
