#include "raw_line.h"

#include <algorithm>
#include <cmath>


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

float median(std::vector<float> v) {
    if (v.empty()) return 0.0f;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

float median_line_height(const std::vector<RawLine>& lines) {
    std::vector<float> heights;
    for (const auto& l : lines) {
        const float h = ink_height(l.strokes);
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

}  // namespace hw
