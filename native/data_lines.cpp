#include "data_lines.h"

#include <algorithm>
#include <cmath>

#include "text.h"

namespace hw {

void SkipLog::add(const std::string& reason, const std::string& message) {
    ++counts[reason];
    if (!message.empty() && messages.size() < max_messages) messages.push_back(message);
}

void SkipLog::merge(const SkipLog& other) {
    for (const auto& kv : other.counts) counts[kv.first] += kv.second;
    for (const auto& m : other.messages)
        if (messages.size() < max_messages) messages.push_back(m);
}

size_t SkipLog::total() const {
    size_t n = 0;
    for (const auto& kv : counts) n += kv.second;
    return n;
}

size_t point_count(const RawLine& line) {
    size_t n = 0;
    for (const auto& s : line.strokes) n += s.x.size();
    return n;
}

bool quantise_line(const RawLine& in, float quantum, DataLine& out, std::string& why) {
    out = DataLine{};
    out.text = in.text;
    out.source = in.source;
    long long px = 0, py = 0;
    bool first = true;
    for (const auto& s : in.strokes) {
        for (size_t j = 0; j < s.x.size(); ++j) {
            if (!std::isfinite(s.x[j]) || !std::isfinite(s.y[j])) {
                why = "non-finite coordinate";
                return false;
            }
            const long long qx = std::llround(s.x[j] / quantum), qy = std::llround(s.y[j] / quantum);
            const long long dx = first ? 0 : qx - px, dy = first ? 0 : qy - py;
            if (dx < -32767 || dx > 32767 || dy < -32767 || dy > 32767) {
                why = "step too long for 16-bit offsets";
                return false;
            }
            out.dx.push_back(static_cast<int16_t>(dx));
            out.dy.push_back(static_cast<int16_t>(dy));
            out.pen_up.push_back(j + 1 == s.x.size() ? 1 : 0);
            px = qx;
            py = qy;
            first = false;
        }
    }
    if (out.dx.empty()) {
        why = "no points";
        return false;
    }
    return true;
}

std::vector<InkStroke> line_strokes(const DataLine& line, float quantum) {
    std::vector<InkStroke> out(1);
    double x = 0, y = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        x += line.dx[i] * static_cast<double>(quantum);
        y += line.dy[i] * static_cast<double>(quantum);
        out.back().x.push_back(static_cast<float>(x));
        out.back().y.push_back(static_cast<float>(y));
        if (line.pen_up[i] && i + 1 < line.size()) out.emplace_back();
    }
    return out;
}

static float median(std::vector<float> v) {
    if (v.empty()) return 0.0f;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

Normalisation compute_norm(const std::vector<DataLine>& train, float quantum) {
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, down_len = 0, down_n = 0;
    std::vector<float> heights;
    for (const auto& l : train) {
        for (size_t i = 0; i < l.size(); ++i) {
            const double dx = l.dx[i] * static_cast<double>(quantum), dy = l.dy[i] * static_cast<double>(quantum);
            n += 1;
            sx += dx, sy += dy, sxx += dx * dx, syy += dy * dy;
            // A step drawn with the pen down: the previous point did not end a stroke.
            if (i > 0 && !l.pen_up[i - 1]) down_len += std::sqrt(dx * dx + dy * dy), down_n += 1;
        }
        std::vector<float> ys;
        for (const auto& s : line_strokes(l, quantum)) ys.insert(ys.end(), s.y.begin(), s.y.end());
        heights.push_back(ink_height(ys));
    }
    Normalisation norm;
    if (n < 2) return norm;
    const double mx = sx / n, my = sy / n;
    norm.scale_x = static_cast<float>(std::sqrt(std::max(1e-12, sxx / n - mx * mx)));
    norm.scale_y = static_cast<float>(std::sqrt(std::max(1e-12, syy / n - my * my)));
    norm.point_spacing = down_n > 0 ? static_cast<float>(down_len / down_n) : 1.0f;
    norm.line_height = median(heights);
    return norm;
}

std::u32string collect_alphabet(const std::vector<DataLine>& train) {
    std::vector<bool> seen_ascii(128, false);
    std::u32string other;
    for (const auto& l : train) {
        std::u32string t;
        if (!utf8_decode(l.text, t).ok) continue;
        for (char32_t c : t) {
            if (c < 128) seen_ascii[c] = true;
            else if (other.find(c) == std::u32string::npos) other.push_back(c);
        }
    }
    std::u32string out;
    for (char32_t c = 0; c < 128; ++c)
        if (seen_ascii[c]) out.push_back(c);
    std::sort(other.begin(), other.end());
    return out + other;
}

float median_line_height(const std::vector<RawLine>& lines) {
    std::vector<float> heights;
    for (const auto& l : lines) {
        std::vector<float> ys;
        for (const auto& s : l.strokes) ys.insert(ys.end(), s.y.begin(), s.y.end());
        const float h = ink_height(ys);
        if (h > 0) heights.push_back(h);
    }
    return median(heights);
}

void scale_lines(std::vector<RawLine>& lines, float factor) {
    for (auto& l : lines)
        for (auto& s : l.strokes) {
            for (auto& v : s.x) v *= factor;
            for (auto& v : s.y) v *= factor;
        }
}

InkStroke resample_uniform(const InkStroke& s, float spacing) {
    InkStroke out;
    if (s.x.empty()) return out;
    out.x.push_back(s.x[0]);
    out.y.push_back(s.y[0]);
    if (s.x.size() == 1) return out;
    float carry = 0;
    for (size_t i = 1; i < s.x.size(); ++i) {
        const float dx = s.x[i] - s.x[i - 1], dy = s.y[i] - s.y[i - 1];
        const float len = std::sqrt(dx * dx + dy * dy);
        if (!(len > 0)) continue;
        float t = spacing - carry;
        while (t <= len) {
            out.x.push_back(s.x[i - 1] + dx * t / len);
            out.y.push_back(s.y[i - 1] + dy * t / len);
            t += spacing;
        }
        carry = len - (t - spacing);
    }
    if (carry > 0.25f * spacing || out.x.size() == 1) {
        out.x.push_back(s.x.back());
        out.y.push_back(s.y.back());
    }
    return out;
}

}  // namespace hw
