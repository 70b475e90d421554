#include "sample_json.h"

#include <nlohmann/json.hpp>

#include "json_text.h"
#include "text.h"

namespace hw {

static nlohmann::json diagnostics_json(const std::vector<StepDiagnostics>& diag) {
    nlohmann::json d = nlohmann::json::array();
    for (const auto& s : diag)
        d.push_back({{"phi", s.phi}, {"kappa", s.kappa}, {"pi", s.mixture.pi}, {"mu1", s.mixture.mu1},
                     {"mu2", s.mixture.mu2}, {"sigma1", s.mixture.sigma1}, {"sigma2", s.mixture.sigma2},
                     {"rho", s.mixture.rho}, {"eos", s.mixture.eos}});
    return d;
}

static nlohmann::json points_array(const std::vector<Point>& pts) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Point& p : pts) arr.push_back({p.dx, p.dy, static_cast<int>(p.pen_up)});
    return arr;
}

std::string line_json(const Generator& g, const std::vector<Point>& pts, const Model& m,
                      const std::vector<StepDiagnostics>* diag) {
    nlohmann::json j;
    j["text"] = utf8_encode(g.text());
    j["points"] = points_array(pts);
    j["steps"] = g.steps();
    j["finished"] = g.finished();
    j["dropped"] = g.dropped();  // points of a stray stroke after the end, left out
    j["scale"] = {m.norm.scale_x, m.norm.scale_y};
    if (diag) j["diagnostics"] = diagnostics_json(*diag);
    return json_text(j) + "\n";
}

std::string page_json(const PageResult& r, const Model& m, bool diagnostics) {
    nlohmann::json lines = nlohmann::json::array();
    for (size_t i = 0; i < r.lines.size(); ++i) {
        const WrittenLine& w = r.lines[i];
        nlohmann::json l = {{"text", utf8_encode(r.plan[i].text)}, {"paragraph", r.plan[i].paragraph},
                            {"points", points_array(w.points)}, {"peaks", w.peaks}, {"finished", w.finished},
                            {"ok", w.check.ok}, {"seed", w.seed}, {"attempts", w.attempts}};
        if (!w.check.ok) l["problem"] = w.check.problem;
        if (diagnostics) l["diagnostics"] = diagnostics_json(w.diag);
        lines.push_back(std::move(l));
    }
    nlohmann::json j = {{"lines", lines}, {"advance", r.advance}, {"pages", r.placed.pages},
                        {"scale", {m.norm.scale_x, m.norm.scale_y}}};
    return json_text(j) + "\n";
}

}  // namespace hw
