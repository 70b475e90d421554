#include "score.h"

#include <cmath>

#include "fmath.h"
#include "model_spec.h"
#include "text.h"

namespace hw {

namespace {

constexpr double kLog2Pi = 1.83787706640934548356;  // log(2 pi)
// The trainer's loss clamps rho here (native/train/nets.cpp, mdn_nll): 1 - rho^2 stays > 0.
constexpr double kRhoLimit = 0.99999;

// log(sum_k e^{a_k}), shifted by the largest term so no exponential overflows and the largest
// term contributes exactly e^0. fexp works in float, which costs ~1e-7 relative per term.
double log_sum_exp(const std::vector<double>& a) {
    double mx = a[0];
    for (double v : a) mx = v > mx ? v : mx;
    double sum = 0;
    for (double v : a) sum += static_cast<double>(fexp(static_cast<float>(v - mx)));
    return mx + dlog(sum);
}

// softplus(v) = log(1 + e^v) in double, without overflow for large |v|.
double softplus(double v) {
    const double a = v < 0 ? -v : v;
    return (v > 0 ? v : 0.0) + dlog(1.0 + static_cast<double>(fexp(static_cast<float>(-a))));
}

// log N(x1, x2 | mu, sigma, rho) of component k of the raw output (eqs. 24-25), with log sigma
// taken straight from the output instead of the log of an exp.
double log_normal(const MdnLayout& L, const Vector& y, int k, double x1, double x2) {
    const double ls1 = y[L.sigma1() + k], ls2 = y[L.sigma2() + k];
    double rho = ftanh(y[L.rho() + k]);
    rho = rho > kRhoLimit ? kRhoLimit : rho < -kRhoLimit ? -kRhoLimit : rho;
    const double z1 = (x1 - y[L.mu1() + k]) * static_cast<double>(fexp(static_cast<float>(-ls1)));
    const double z2 = (x2 - y[L.mu2() + k]) * static_cast<double>(fexp(static_cast<float>(-ls2)));
    const double one_m_r2 = 1.0 - rho * rho;
    const double z = z1 * z1 + z2 * z2 - 2.0 * rho * z1 * z2;
    return -z / (2.0 * one_m_r2) - kLog2Pi - ls1 - ls2 - 0.5 * dlog(one_m_r2);
}

}  // namespace

double point_nll(const Model& m, const Vector& y, const Point& x, double* pen_nats) {
    const MdnLayout L(m.hp.mixtures);
    std::vector<double> pi_hat(L.m), terms(L.m);
    for (int k = 0; k < L.m; ++k) pi_hat[k] = y[L.pi() + k];
    const double log_pi_norm = log_sum_exp(pi_hat);  // log pi_k = pi_hat_k - this (log-softmax)
    for (int k = 0; k < L.m; ++k) terms[k] = pi_hat[k] - log_pi_norm + log_normal(L, y, k, x.dx, x.dy);
    const double offset_nll = -log_sum_exp(terms);
    // e = sigmoid(s) with s = eos_sign * e_hat, so -log e = softplus(-s), -log(1 - e) = softplus(s).
    const double s = static_cast<double>(m.variant.eos_sign) * y[L.eos()];
    const double pen_nll = x.pen_up > 0.5f ? softplus(-s) : softplus(s);
    if (pen_nats) *pen_nats = pen_nll;
    return offset_nll + pen_nll;
}

Status score_points(const Model& m, const std::string& text_utf8, const std::vector<Point>& pts, LineScore& out) {
    out = LineScore{};
    if (pts.empty()) return Status::error("no points to score");
    for (size_t i = 0; i < pts.size(); ++i)
        if (!std::isfinite(pts[i].dx) || !std::isfinite(pts[i].dy))
            return Status::error("point " + std::to_string(i + 1) + " is not finite");
    std::vector<int> codes;
    if (m.hp.kind == ModelKind::Synthesis) {
        EncodedText enc;
        Status s = encode_text(m.alphabet, text_utf8, 0, enc);
        if (!s) return s;
        codes = enc.codes;
    }
    State state = make_state(m, codes);
    Point prev{0.0f, 0.0f, 1.0f};  // the start point the trainer feeds before a line's first point
    for (const Point& p : pts) {
        step(m, state, prev);
        double pen = 0;
        out.nats += point_nll(m, state.y, p, &pen);
        out.pen_nats += pen;
        prev = p;
    }
    out.points = static_cast<long>(pts.size());
    return Status::success();
}

}  // namespace hw
