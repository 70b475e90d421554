#include "batches.h"

#include <algorithm>
#include <numeric>

#include "nets.h"
#include "text.h"

namespace hw {

size_t keep_writable_lines(std::vector<DataLine>& lines, const std::u32string& alphabet) {
    std::vector<DataLine> kept;
    for (auto& l : lines) {
        std::u32string u;
        bool ok = utf8_decode(l.text, u).ok && !u.empty() && l.size() > 1;
        for (char32_t c : u) ok = ok && alphabet.find(c) != std::u32string::npos;
        if (ok) kept.push_back(std::move(l));
    }
    const size_t dropped = lines.size() - kept.size();
    lines.swap(kept);
    return dropped;
}

Batch Batch::to(const torch::Device& d) const {
    Batch b = *this;
    const bool nb = d.is_cuda();
    b.x = x.to(d, nb);
    b.target = target.to(d, nb);
    b.mask = mask.to(d, nb);
    if (text.defined()) b.text = text.to(d, nb);
    return b;
}

std::vector<std::vector<size_t>> bucket_batches(const std::vector<DataLine>& lines, size_t batch_size, int64_t max_points,
                                                size_t count) {
    std::vector<size_t> order(std::min(count, lines.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lines[a].size() < lines[b].size(); });
    std::vector<std::vector<size_t>> out;
    std::vector<size_t> cur;
    for (size_t i : order) {
        // Sorted ascending: the padded length of the batch is this line's length.
        const int64_t padded = static_cast<int64_t>(lines[i].size()) * static_cast<int64_t>(cur.size() + 1);
        if (!cur.empty() && (cur.size() >= batch_size || padded > max_points)) {
            out.push_back(cur);
            cur.clear();
        }
        cur.push_back(i);
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

// The alphabet index of each character of `text`.
static Status text_codes(const std::string& text, const std::u32string& alphabet, std::vector<int>& codes) {
    std::u32string u;
    Status s = utf8_decode(text, u);
    if (!s) return s;
    codes.clear();
    for (char32_t ch : u) {
        const size_t k = alphabet.find(ch);
        if (k == std::u32string::npos) return Status::error("the character '" + utf8_encode(ch) + "' is not in the model's alphabet");
        codes.push_back(static_cast<int>(k));
    }
    return Status::success();
}

Status BatchMaker::make(const std::vector<DataLine>& lines, const std::vector<size_t>& idx, Batch& out) const {
    std::vector<const DataLine*> ptrs;
    for (size_t i : idx) ptrs.push_back(&lines[i]);
    return make_named(ptrs, [&](size_t r) { return "line " + std::to_string(idx[r]); }, out);
}

Status BatchMaker::make(const std::vector<const DataLine*>& lines, Batch& out) const {
    return make_named(lines, [](size_t r) { return "line " + std::to_string(r + 1) + " of the batch"; }, out);
}

Status BatchMaker::make_named(const std::vector<const DataLine*>& lines, const std::function<std::string(size_t)>& name,
                              Batch& out) const {
    size_t T = 1;
    for (const DataLine* l : lines) T = std::max(T, l->size());
    const int64_t B = static_cast<int64_t>(lines.size());
    Batch b;
    b.lines = B;
    // [B, T, 3] filled line by line, transposed to time-major at the end.
    torch::Tensor tgt = torch::zeros({B, static_cast<int64_t>(T), 3});
    torch::Tensor mask = torch::zeros({B, static_cast<int64_t>(T)});
    auto ta = tgt.accessor<float, 3>();
    auto ma = mask.accessor<float, 2>();
    const float q = data->quantum, sx = data->norm.scale_x, sy = data->norm.scale_y;
    std::vector<std::vector<int>> codes(with_text ? lines.size() : 0);
    for (int64_t r = 0; r < B; ++r) {
        const DataLine& l = *lines[static_cast<size_t>(r)];
        for (size_t t = 0; t < l.size(); ++t) {
            ta[r][t][0] = l.dx[t] * q / sx;
            ta[r][t][1] = l.dy[t] * q / sy;
            ta[r][t][2] = l.pen_up[t];
            ma[r][t] = 1.0f;
        }
        b.points += static_cast<int64_t>(l.size());
        Status s = with_text ? text_codes(l.text, alphabet, codes[r]) : Status::success();
        if (!s) return Status::error(name(static_cast<size_t>(r)) + " (\"" + l.text + "\"): " + s.message);
    }
    b.target = tgt.transpose(0, 1).contiguous();  // [T, B, 3]
    b.mask = mask.transpose(0, 1).contiguous();   // [T, B]
    torch::Tensor start = torch::zeros({1, B, 3});
    start.select(2, 2).fill_(1.0f);
    b.x = torch::cat({start, b.target.slice(0, 0, static_cast<int64_t>(T) - 1)}, 0);
    if (with_text) b.text = one_hot_text(codes, static_cast<int>(alphabet.size()));
    out = std::move(b);
    return Status::success();
}

}  // namespace hw
