#include "plot.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>


namespace hw {

namespace {

struct Series {
    std::string name, colour;
    std::vector<double> x, y;
};

std::string polyline(const Series& s, double x0, double x1, double y0, double y1, double w, double h, double m) {
    std::string pts;
    char buf[64];
    for (size_t i = 0; i < s.x.size(); ++i) {
        const double px = m + (s.x[i] - x0) / std::max(1e-9, x1 - x0) * (w - 2 * m);
        const double py = h - m - (s.y[i] - y0) / std::max(1e-9, y1 - y0) * (h - 2 * m);
        std::snprintf(buf, sizeof buf, "%.1f,%.1f ", px, py);
        pts += buf;
    }
    return "<polyline fill=\"none\" stroke=\"" + s.colour + "\" stroke-width=\"2\" points=\"" + pts + "\"/>\n";
}

}  // namespace

bool plot_metrics(const std::string& csv, std::string& svg) {
    std::istringstream in(csv);
    std::string line;
    if (!std::getline(in, line)) return false;
    Series train{"train nats/point", "#1f77b4", {}, {}}, valid{"valid nats/point", "#d62728", {}, {}};
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string f;
        std::vector<double> v;
        while (std::getline(ss, f, ',')) v.push_back(std::atof(f.c_str()));
        if (v.size() < 5) continue;
        train.x.push_back(v[0]);
        train.y.push_back(v[2]);
        valid.x.push_back(v[0]);
        valid.y.push_back(v[4]);
    }
    if (train.x.empty()) return false;
    double x0 = 0, x1 = train.x.back(), y0 = 1e30, y1 = -1e30;
    for (const Series* s : {&train, &valid})
        for (double y : s->y) { y0 = std::min(y0, y); y1 = std::max(y1, y); }
    const double w = 640, h = 360, m = 48;
    char buf[256];
    std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\" font-family=\"sans-serif\" font-size=\"12\">\n";
    o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"20\">NLL per point (lower is better), steps 0 to %.0f</text>\n", m, x1);
    o += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"4\" y=\"%g\">%.3f</text><text x=\"4\" y=\"%g\">%.3f</text>\n", m, y1, h - m, y0);
    o += buf;
    o += polyline(train, x0, x1, y0, y1, w, h, m) + polyline(valid, x0, x1, y0, y1, w, h, m);
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%g\" fill=\"#1f77b4\">train</text><text x=\"%g\" y=\"%g\" fill=\"#d62728\">valid</text>\n",
                  w - 120, m, w - 70, m);
    o += buf;
    o += "</svg>\n";
    svg = std::move(o);
    return true;
}

}  // namespace hw
