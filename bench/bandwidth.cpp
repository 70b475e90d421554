// Read bandwidth of this machine's caches and memory and its peak multiply-add rate, one thread
// (make bench uses them for the physical limit of a step in README's Performance section): a
// buffer of each size is summed over and over with 256-bit loads (AVX2, or SSE2 where the CPU
// lacks it), and the best of several passes gives GB/s; twelve independent chains of multiply
// then add (as the core's kernels: no fused multiply-add) give the peak GMAC/s, and eight chains
// of pmaddwd then paddd (the integer kernels of int8 weights) the peak integer GMAC/s, 256-bit
// (AVX2) and 128-bit (SSE2: what WebAssembly's i32x4.dot_i16x8_s becomes on x86), and twelve of
// vpdpbusd on 512-bit registers (the AVX-512 VNNI kernels) its peak byte products per second.
// Usage: bandwidth [--json FILE]
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Sums n floats (n a multiple of 64) with eight independent accumulators (enough adds in flight
// that the loads, not the adds' latency, set the pace).
__attribute__((target("avx2"))) float sum_avx2(const float* p, size_t n) {
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    for (size_t i = 0; i < n; i += 64)
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) acc[k] = _mm256_add_ps(acc[k], _mm256_load_ps(p + i + 8 * k));
    for (int k = 1; k < 8; ++k) acc[0] = _mm256_add_ps(acc[0], acc[k]);
    float out[8];
    _mm256_storeu_ps(out, acc[0]);
    return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

float sum_sse2(const float* p, size_t n) {
    __m128 a = _mm_setzero_ps(), b = a, c = a, d = a;
    for (size_t i = 0; i < n; i += 16) {
        a = _mm_add_ps(a, _mm_load_ps(p + i));
        b = _mm_add_ps(b, _mm_load_ps(p + i + 4));
        c = _mm_add_ps(c, _mm_load_ps(p + i + 8));
        d = _mm_add_ps(d, _mm_load_ps(p + i + 12));
    }
    float out[4];
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d)));
    return out[0] + out[1] + out[2] + out[3];
}

// GB/s reading `bytes` again and again: the best pass of several, each about 20 ms.
double read_gbps(size_t bytes, bool avx2) {
    const size_t n = bytes / sizeof(float);
    float* buf = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<float>(i % 7) * 1e-3f;
    const size_t reps = std::max<size_t>(1, (size_t{200} << 20) / bytes);
    double best = 0;
    volatile float sink = 0;
    for (int pass = 0; pass < 7; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (size_t r = 0; r < reps; ++r) sink = sink + (avx2 ? sum_avx2(buf, n) : sum_sse2(buf, n));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, reps * static_cast<double>(bytes) / s / 1e9);
    }
    std::free(buf);
    return best;
}

// Multiply-adds per second (10^9), 8 lanes x 12 independent chains, the best of several passes.
__attribute__((target("avx2"))) double peak_gmacs() {
    __m256 acc[12];
    for (int k = 0; k < 12; ++k) acc[k] = _mm256_set1_ps(static_cast<float>(k) * 1e-3f);
    const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
    const long iters = 4000000;
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
            for (int k = 0; k < 12; ++k) acc[k] = _mm256_add_ps(_mm256_mul_ps(acc[k], m), a);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, iters * 12.0 * 8 / s / 1e9);
    }
    for (int k = 1; k < 12; ++k) acc[0] = _mm256_add_ps(acc[0], acc[k]);  // keeps every chain alive
    float out[8];
    _mm256_storeu_ps(out, acc[0]);
    return out[0] > 1e30f ? 0 : best;
}

// Integer multiply-adds per second (10^9): pmaddwd (two int16 products summed into each int32
// lane) then paddd, 8 independent chains (12 spilled to the stack), the best of several passes;
// each chain multiplies its own accumulator, so that nothing is hoisted out of the loop. 256-bit
// (AVX2) and 128-bit (SSE2).
__attribute__((target("avx2"))) double peak_int_gmacs_avx2() {
    __m256i acc[8];
    for (int k = 0; k < 8; ++k) acc[k] = _mm256_set1_epi16(static_cast<short>(k + 1));
    const __m256i m = _mm256_set1_epi16(3);
    const long iters = 4000000;
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < iters; ++i)
#pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) acc[k] = _mm256_add_epi32(acc[k], _mm256_madd_epi16(acc[k], m));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, iters * 8.0 * 16 / s / 1e9);
    }
    for (int k = 1; k < 8; ++k) acc[0] = _mm256_add_epi32(acc[0], acc[k]);  // keeps every chain alive
    return _mm256_extract_epi32(acc[0], 0) == 0x7fffffff ? 0 : best;
}

double peak_int_gmacs_sse2() {
    __m128i acc[8];
    for (int k = 0; k < 8; ++k) acc[k] = _mm_set1_epi16(static_cast<short>(k + 1));
    const __m128i m = _mm_set1_epi16(3);
    const long iters = 4000000;
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < iters; ++i)
#pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) acc[k] = _mm_add_epi32(acc[k], _mm_madd_epi16(acc[k], m));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, iters * 8.0 * 8 / s / 1e9);
    }
    for (int k = 1; k < 8; ++k) acc[0] = _mm_add_epi32(acc[0], acc[k]);
    return _mm_cvtsi128_si32(acc[0]) == 0x7fffffff ? 0 : best;
}

// Byte multiply-adds per second (10^9): vpdpbusd (four unsigned-by-signed byte products summed
// into each int32 lane, 64 a 512-bit instruction), 12 independent chains (latency 4 or 5 cycles at
// two a cycle), the best of several passes; each chain feeds its accumulator back in as the
// unsigned bytes, so that nothing is hoisted. The int8 kernels take two of these per weight (the
// low and high bytes of the int16 input).
__attribute__((target("avx512f,avx512bw,avx512vnni"))) double peak_vnni_gmacs() {
    __m512i acc[12];
    for (int k = 0; k < 12; ++k) acc[k] = _mm512_set1_epi8(static_cast<char>(k + 1));
    const __m512i m = _mm512_set1_epi8(3);
    const long iters = 4000000;
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
            for (int k = 0; k < 12; ++k) acc[k] = _mm512_dpbusd_epi32(acc[k], acc[k], m);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, iters * 12.0 * 64 / s / 1e9);
    }
    for (int k = 1; k < 12; ++k) acc[0] = _mm512_add_epi32(acc[0], acc[k]);  // keeps every chain alive
    int out[16];
    _mm512_storeu_si512(out, acc[0]);
    return out[0] == 0x7fffffff ? 0 : best;
}

// AVX-512 F, BW and VNNI with the OS saving the ZMM state (__builtin_cpu_supports checks XCR0 for
// AVX-512 in GCC and clang), as the core's isa_supported(Isa::Avx512Vnni).
bool has_avx512vnni() {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
}

}  // namespace

int main(int argc, char** argv) {
    const char* json_path = argc == 3 && std::strcmp(argv[1], "--json") == 0 ? argv[2] : nullptr;
    if (argc != 1 && !json_path) {
        std::fprintf(stderr, "usage: bandwidth [--json FILE]\n");
        return 2;
    }
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2");
    std::string json = std::string("{\"loads\":\"") + (avx2 ? "avx2" : "sse2") + "\",\"read_gbps\":{";
    std::printf("read bandwidth, one thread (%s loads)\n", avx2 ? "256-bit" : "128-bit");
    const size_t kib[] = {16, 64, 256, 512, 1024, 4096, 8192, 16384, 65536, 262144};
    for (size_t i = 0; i < sizeof kib / sizeof kib[0]; ++i) {
        const double g = read_gbps(kib[i] << 10, avx2);
        std::printf("%8zu KiB %8.1f GB/s\n", kib[i], g);
        json += (i ? ",\"" : "\"") + std::to_string(kib[i]) + "\":" + std::to_string(g);
    }
    json += "}";
    if (avx2) {
        const double g = peak_gmacs();
        std::printf("peak multiply then add (256-bit, not fused): %.1f GMAC/s\n", g);
        json += ",\"peak_gmacs_avx2\":" + std::to_string(g);
        const double i = peak_int_gmacs_avx2();
        std::printf("peak integer multiply-add (256-bit pmaddwd then paddd): %.1f GMAC/s\n", i);
        json += ",\"peak_int_gmacs_avx2\":" + std::to_string(i);
    }
    if (has_avx512vnni()) {
        const double v = peak_vnni_gmacs();
        std::printf("peak byte multiply-add (512-bit vpdpbusd): %.1f GMAC/s (%.1f int8 x int16 GMAC/s at two a weight)\n", v, v / 2);
        json += ",\"peak_vnni_gmacs_avx512\":" + std::to_string(v);
    }
    const double i128 = peak_int_gmacs_sse2();
    std::printf("peak integer multiply-add (128-bit pmaddwd then paddd): %.1f GMAC/s\n", i128);
    json += ",\"peak_int_gmacs_sse2\":" + std::to_string(i128);
    json += "}\n";
    if (json_path) {
        std::ofstream(json_path) << json;
        std::printf("wrote %s\n", json_path);
    }
    return 0;
}
