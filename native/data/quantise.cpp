#include "quantise.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "text.h"

namespace hw {

bool quantise_line(const RawLine& in, float quantum, DataLine& out, std::string& why) {
    out = DataLine{};
    // The text becomes the model's alphabet: no control character (NUL, newline, DEL, bidi) may enter.
    const Status plain = check_plain_text(in.text);
    if (!plain) {
        why = "text " + plain.message;
        return false;
    }
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
        heights.push_back(ink_height(line_strokes(l, quantum)));
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

}  // namespace hw
