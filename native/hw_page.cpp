#include "hw_page.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "text.h"

namespace hw {

namespace {

// A first guess of the advance per character before any ink: about one x-height.
float guess_advance(const Model& m, const Priming* style) {
    if (style && !style->points.empty()) {
        const float a = measure_advance(offsets_to_strokes(style->points, m.norm.scale_x, m.norm.scale_y),
                                        utf8_length(style->text));
        if (a > 0) return a;
    }
    return m.norm.line_height / kLineHeightPerXHeight;
}

// Lines first..end of the plan on `threads` workers, each line on its own (seeded by its index).
Status write_rest(const Model& m, const PageRequest& req, const Priming* prime, size_t first, PageResult& out) {
    std::atomic<size_t> next{first};
    std::vector<Status> errors(out.plan.size());
    auto work = [&]() {
        for (size_t i; (i = next++) < out.plan.size();)
            errors[i] = write_line(m, out.plan[i], i, req.gen, prime, req.max_attempts, out.lines[i]);
    };
    std::vector<std::thread> pool;
    const int n = std::max(1, std::min<int>(req.threads, static_cast<int>(out.plan.size() - first)));
    for (int t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    for (const Status& s : errors)
        if (!s) return s;
    return Status::success();
}

}  // namespace

Status write_page(const Model& m, const PageRequest& req, PageResult& out) {
    out = PageResult{};
    LayoutOptions lay = req.layout;
    lay.advance = lay.advance > 0 ? lay.advance : guess_advance(m, req.style);
    Status s = plan_lines(req.text, lay, out.plan);
    if (!s) return s;
    out.lines.resize(out.plan.size());
    if (!(s = write_line(m, out.plan[0], 0, req.gen, req.style, req.max_attempts, out.lines[0]))) return s;
    // The hand's own advance, from the first line: plan again when the guess was off by > 10%.
    const float measured = measure_advance(offsets_to_strokes(out.lines[0].points, m.norm.scale_x, m.norm.scale_y),
                                           out.plan[0].text.size());
    if (req.layout.advance <= 0 && measured > 0 && std::fabs(measured / lay.advance - 1) > 0.1f) {
        const std::u32string first = out.plan[0].text;
        lay.advance = measured;
        if (!(s = plan_lines(req.text, lay, out.plan))) return s;
        WrittenLine kept = std::move(out.lines[0]);
        out.lines.assign(out.plan.size(), WrittenLine{});
        if (out.plan[0].text == first) out.lines[0] = std::move(kept);
        else if (!(s = write_line(m, out.plan[0], 0, req.gen, req.style, req.max_attempts, out.lines[0]))) return s;
    }
    out.advance = lay.advance;
    const Priming own = priming_from_line(out.lines[0], out.plan[0]);
    if (!(s = write_rest(m, req, req.style ? req.style : &own, 1, out))) return s;
    out.placed = place_lines(m, out.plan, out.lines, lay);
    return Status::success();
}

Sheet page_sheet(const PlacedPage& page, float mm_per_unit, float width_mm, float height_mm, const std::string& title) {
    Sheet sheet;
    sheet.width_mm = width_mm;
    sheet.height_mm = std::max(height_mm, page.pages > 1 ? height_mm : page.height * mm_per_unit);
    sheet.pages = page.pages;
    sheet.title = title;
    // A stroke that leaves the page (a stray mark) is cut at its edges: a plotter never moves off the paper.
    auto inside = [&](float x, float y) { return x >= 0 && x <= sheet.width_mm && y >= 0 && y <= sheet.height_mm; };
    for (const PlacedLine& line : page.lines)
        for (const InkStroke& s : line.strokes) {
            InkStroke mm;
            for (size_t i = 0; i <= s.size(); ++i) {
                const float x = i < s.size() ? s.x[i] * mm_per_unit : -1, y = i < s.size() ? s.y[i] * mm_per_unit : -1;
                if (inside(x, y)) {
                    mm.x.push_back(x);
                    mm.y.push_back(y);
                } else if (mm.size() > 0) {
                    sheet.strokes.push_back(std::move(mm));
                    sheet.stroke_page.push_back(line.page);
                    mm = InkStroke{};
                }
            }
        }
    return sheet;
}

}  // namespace hw
