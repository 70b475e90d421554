// A portable seeded generator (PCG32, O'Neill 2014) with the project's own uniform, normal and
// bivariate-normal sampling: the same seed gives the same numbers on every platform.
// (std::normal_distribution differs between standard libraries and is never used here.)
#pragma once
#include <cstdint>

#include "fmath.h"

namespace hw {

class Rng {
public:
    explicit Rng(uint64_t seed = 0, uint64_t stream = 0x2545F4914F6CDD1DULL) {
        inc_ = (stream << 1u) | 1u;
        state_ = 0;
        next_u32();
        state_ += seed;
        next_u32();
    }

    uint32_t next_u32() {
        const uint64_t old = state_;
        state_ = old * 6364136223846793005ULL + inc_;
        const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
        const uint32_t rot = static_cast<uint32_t>(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() {
        const uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;  // 27 + 26 bits
        return (static_cast<double>(hi) * 67108864.0 + static_cast<double>(lo)) * (1.0 / 9007199254740992.0);
    }

    // Standard normal by Marsaglia's polar method (needs only log and sqrt, both exact or own).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = __builtin_sqrt(-2.0 * dlog(s) / s);
        spare_ = v * f;
        has_spare_ = true;
        return u * f;
    }

    // Correlated pair: x ~ N(mu1, s1^2), y ~ N(mu2, s2^2), corr(x, y) = rho.
    void bivariate_normal(double mu1, double mu2, double s1, double s2, double rho, double& x, double& y) {
        const double z1 = normal(), z2 = normal();
        x = mu1 + s1 * z1;
        y = mu2 + s2 * (rho * z1 + __builtin_sqrt(1.0 - rho * rho) * z2);
    }

private:
    uint64_t state_ = 0, inc_ = 0;
    double spare_ = 0;
    bool has_spare_ = false;
};

}  // namespace hw
