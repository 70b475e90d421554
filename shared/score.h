// Scoring ink under a model: the negative log-likelihood the trainer minimises (Graves eq. 26),
// computed by the core on points it is given rather than on points it samples. It tells how well
// a model predicts a hand it was not trained on, and lets models be compared on the same ink.
#pragma once
#include <string>
#include <vector>

#include "generator.h"
#include "network.h"
#include "status.h"

namespace hw {

// The NLL of one line of points, in nats (natural log).
struct LineScore {
    double nats = 0;      // total over the points: offset part + pen part
    double pen_nats = 0;  // the pen's share (the Bernoulli term), to tell shape from stroke ends
    long points = 0;
    double nats_per_point() const { return points > 0 ? nats / static_cast<double>(points) : 0.0; }
};

// -log p(x | y) for one point under the raw network output y [6M+1] at bias 0:
// -log(sum_k pi_k N(dx, dy | mu_k, sigma_k, rho_k)) - log Bernoulli(pen_up | e), with the model's
// eos sign. Computed in double from the raw output in log space (log-softmax for pi, log sigma
// as it comes out of the network, log-sum-exp over the components), so a point far out in the
// tails gives a large finite number instead of log(0). rho is clamped as the trainer's loss does.
// `pen_nats` (optional) receives the Bernoulli part.
double point_nll(const Model& m, const Vector& y, const Point& x, double* pen_nats = nullptr);

// Teacher-forces the network over `pts` (normalised offsets, as prepare_ink returns them) and
// sums point_nll: the input at step t is point t-1, starting from the pen-up start point
// (0, 0, 1) as the trainer's batches do. Synthesis models read `text_utf8` through the window
// (characters outside the alphabet, empty text or text over kMaxTextChars are errors naming the
// problem); unconditional and clockwork models ignore it.
Status score_points(const Model& m, const std::string& text_utf8, const std::vector<Point>& pts, LineScore& out);

// The same for `pts` written after priming ink (section 5.5), as the generator primes: the window
// reads the priming text, a space and `text_utf8`; the network steps through `prime` (not scored),
// its window is caught up as the generator's is (catch_up_window), then `pts` are scored. A
// synthesis model only. NLL(B) - NLL(B primed by A), per point, is how much a line of a hand tells
// the network about another line of the same hand (hw score --prime).
Status score_points_primed(const Model& m, const Priming& prime, const std::string& text_utf8, const std::vector<Point>& pts,
                           LineScore& out);

}  // namespace hw
