#include "units.h"

#include <cmath>
#include <cstdio>

#include "quantise.h"

namespace hw {

UnitChange plan_unit_change(const Normalisation& from, const Normalisation& to) {
    UnitChange c;
    c.scale = from.line_height > 0 && to.line_height > 0 && from.line_height != to.line_height ? to.line_height / from.line_height : 1.0f;
    c.spacing = from.point_spacing * c.scale;
    c.target_spacing = to.point_spacing;
    c.target_x_height = to.line_height / kLineHeightPerXHeight;
    c.repace = c.spacing > 0 && c.target_spacing > 0 && std::fabs(c.spacing / c.target_spacing - 1.0f) > kRepaceTolerance;
    return c;
}

bool same_units(const Normalisation& a, const Normalisation& b) {
    auto near = [](float x, float y) { return std::fabs(x - y) <= 1e-6f * std::max(std::fabs(x), std::fabs(y)); };
    return near(a.scale_x, b.scale_x) && near(a.scale_y, b.scale_y) && near(a.point_spacing, b.point_spacing) &&
           near(a.line_height, b.line_height);
}

Status change_line_units(const DataLine& in, float from_quantum, const UnitChange& c, float to_quantum, DataLine& out) {
    RawLine raw;
    raw.text = in.text;
    raw.source = in.source;
    raw.strokes = line_strokes(in, from_quantum);
    float tick = 0;
    for (InkStroke& s : raw.strokes) {
        s.t.clear();
        for (size_t j = 0; j < s.size(); ++j) {
            s.x[j] *= c.scale;
            s.y[j] *= c.scale;
            s.t.push_back(tick++);
        }
    }
    if (c.repace) {
        std::vector<InkStroke> paced;
        Status s = pace_strokes(raw.strokes, c.target_x_height, c.target_spacing, paced);
        if (!s) return s;
        raw.strokes = std::move(paced);
    }
    std::string why;
    if (!quantise_line(raw, to_quantum, out, why)) return Status::error(why);
    return Status::success();
}

std::vector<DataLine> change_units(const std::vector<DataLine>& lines, float from_quantum, const UnitChange& c,
                                   float to_quantum, size_t& dropped) {
    std::vector<DataLine> out;
    out.reserve(lines.size());
    for (const DataLine& l : lines) {
        DataLine d;
        if (change_line_units(l, from_quantum, c, to_quantum, d)) out.push_back(std::move(d));
        else ++dropped;
    }
    return out;
}

namespace {

size_t total_points(const std::vector<DataLine>& lines) {
    size_t n = 0;
    for (const auto& l : lines) n += l.size();
    return n;
}

std::string describe(const Normalisation& from, const Normalisation& to, const UnitChange& c, size_t before, size_t after,
                     size_t dropped) {
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, "scaled by %.3f (median line height %.2f -> %.2f)", c.scale, from.line_height, to.line_height);
    if (c.repace)
        n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ", re-paced (mean pen step %.2f -> %.2f: %zu -> %zu points)",
                           c.spacing, c.target_spacing, before, after);
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ", normalised by the model's scale (%.3f, %.3f), not the dataset's (%.3f, %.3f)",
                       to.scale_x, to.scale_y, from.scale_x, from.scale_y);
    if (dropped) std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), "; %zu lines dropped (they do not fit the new units)", dropped);
    return buf;
}

}  // namespace

void bring_to_units(Dataset& d, const Normalisation& to, std::string& report) {
    report.clear();
    if (same_units(d.norm, to)) return;
    const UnitChange c = plan_unit_change(d.norm, to);
    const size_t before = total_points(d.train) + total_points(d.valid);
    size_t dropped = 0;
    if (!c.identity()) {
        d.train = change_units(d.train, d.quantum, c, d.quantum, dropped);
        d.valid = change_units(d.valid, d.quantum, c, d.quantum, dropped);
    }
    report = describe(d.norm, to, c, before, total_points(d.train) + total_points(d.valid), dropped);
    d.norm = to;
}

}  // namespace hw
