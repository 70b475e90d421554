#include "hwm_format.h"
#include "hwm_header.h"
#include "model.h"

#include <cmath>
#include <cstring>

namespace hw {

static RowMatrix as_matrix(const NamedTensor& t) {
    const int64_t rows = t.shape[0], cols = t.shape.size() > 1 ? t.shape[1] : 1;
    return Eigen::Map<const RowMatrix>(t.values.data(), rows, cols);
}

static Vector as_vector(const NamedTensor& t) {
    return Eigen::Map<const Vector>(t.values.data(), static_cast<Eigen::Index>(t.values.size()));
}

// W_ih [4H, I] and W_hh [4H, H] side by side, so one matvec over [input, h] computes the gates.
static RowMatrix side_by_side(const NamedTensor& a, const NamedTensor& b) {
    RowMatrix m(a.shape[0], a.shape[1] + b.shape[1]);
    m << as_matrix(a), as_matrix(b);
    return m;
}

// A tensor as the file stores it: the reader's f32 values and, for f16 and int8, its bytes in the
// blob (read_hwm has checked their bounds, and that every value and scale is finite).
struct Stored {
    const NamedTensor* t = nullptr;
    DType dtype = DType::F32;
    const uint8_t* bytes = nullptr;
    int rows() const { return static_cast<int>(t->shape[0]); }
    int cols() const { return static_cast<int>(t->shape[1]); }
};

static Stored stored(const HwmFile& f, const uint8_t* blob, const NamedTensor* t) {
    const size_t i = static_cast<size_t>(t - f.tensors.data());
    return {t, f.dtypes[i], blob + f.offsets[i]};
}


// Row r of each part, one after the other: the layout of side_by_side, in the stored type.
template <class T>
static void join_rows(const T* a, int ca, const T* b, int cb, int rows, std::vector<T>& out) {
    out.resize(static_cast<size_t>(rows) * (ca + cb));
    T* o = out.data();
    for (int r = 0; r < rows; ++r, o += ca + cb) {
        std::memcpy(o, a + static_cast<size_t>(r) * ca, ca * sizeof(T));
        if (b) std::memcpy(o + ca, b + static_cast<size_t>(r) * cb, cb * sizeof(T));
    }
}

// The reader's f32 values of one matrix, or of two side by side, copied once (no Eigen temporary:
// the load is part of the page's first stroke).
static WeightMatrix f32_matrix(const Stored& a, const Stored* b) {
    WeightMatrix w;
    w.nrows = a.rows();
    w.ncols = a.cols() + (b ? b->cols() : 0);
    join_rows(a.t->values.data(), a.cols(), b ? b->t->values.data() : nullptr, b ? b->cols() : 0, w.nrows, w.f32);
    return w;
}

// In WebAssembly an f16 weight costs more to convert inside the kernel than its smaller size saves
// (headless Chromium, the default model: f32 2,352 steps/s, f16 kept 1,221), so f16 is expanded to
// the reader's f32 values at load there (a few milliseconds; the download stays small; the same
// bits: a kernel multiplies exactly the values the reader dequantised to). Natively (AVX2+F16C)
// f16 stays. int8 stays int8 everywhere for the integer kernels (kernels_int8.cpp), unless the
// caller asks for the dequantised f32 reference (LoadOptions::int8_as_f32).
#if defined(__EMSCRIPTEN__)
constexpr bool kExpandF16AtLoad = true;
#else
constexpr bool kExpandF16AtLoad = false;
#endif

// int8 layout of a tensor (hwm_format): [rows] f32 scales, then [rows, cols] values.
static const int8_t* int8_values(const Stored& s) { return reinterpret_cast<const int8_t*>(s.bytes + 4 * s.rows()); }

// int8 weights of a, or of a and b side by side: each row's parts and their scales (weights.h).
static WeightMatrix int8_matrix(const Stored& a, const Stored* b) {
    WeightMatrix w;
    const int rows = a.rows(), ca = a.cols(), cb = b ? b->cols() : 0;
    make_int8(w, rows, ca, cb);
    for (int r = 0; r < rows; ++r) {
        std::memcpy(int8_row_part(w, r, 0), int8_values(a) + static_cast<size_t>(r) * ca, ca);
        if (b) std::memcpy(int8_row_part(w, r, 1), int8_values(*b) + static_cast<size_t>(r) * cb, cb);
        std::memcpy(&w.scales[2 * r], a.bytes + 4 * r, 4);
        std::memcpy(&w.scales[2 * r + 1], (b ? b->bytes : a.bytes) + 4 * r, 4);
    }
    prepare_rows(w);
    return w;
}

// The weights of one tensor, or of two side by side, kept in the file's precision (f32 when the
// two are stored differently, or as the options and the platform say above).
static WeightMatrix weight_matrix(const LoadOptions& opt, const Stored& a, const Stored* b = nullptr) {
    const bool expand = a.dtype == DType::F16 ? kExpandF16AtLoad : opt.int8_as_f32;
    if (a.dtype == DType::F32 || (b && b->dtype != a.dtype) || expand) return f32_matrix(a, b);
    if (a.dtype == DType::I8) return int8_matrix(a, b);
    WeightMatrix w;
    const int rows = a.rows(), ca = a.cols(), cb = b ? b->cols() : 0;
    w.type = DType::F16;
    w.nrows = rows;
    w.ncols = ca + cb;
    join_rows(reinterpret_cast<const uint16_t*>(a.bytes), ca, b ? reinterpret_cast<const uint16_t*>(b->bytes) : nullptr,
              cb, rows, w.f16);
    prepare_rows(w);
    return w;
}

static Status match_spec(const HParams& hp, const HwmFile& f, std::vector<const NamedTensor*>& ordered) {
    const auto spec = model_spec(hp);
    ordered.assign(spec.size(), nullptr);
    for (const auto& t : f.tensors) {
        size_t k = 0;
        while (k < spec.size() && spec[k].name != t.name) ++k;
        if (k == spec.size()) return Status::error("tensor " + t.name + " is unknown to a " + kind_name(hp.kind) + " model");
        if (t.shape != spec[k].shape) {
            std::string want, got;
            for (auto d : spec[k].shape) want += (want.empty() ? "" : "x") + std::to_string(d);
            for (auto d : t.shape) got += (got.empty() ? "" : "x") + std::to_string(d);
            return Status::error("tensor " + t.name + " has shape " + got + ", the hyperparameters require " + want);
        }
        ordered[k] = &t;
    }
    for (size_t k = 0; k < spec.size(); ++k)
        if (!ordered[k]) return Status::error("tensor " + spec[k].name + " is missing");
    return Status::success();
}

// Where the blob starts: after the prefix and the header, aligned (read_hwm checked the lengths).
static const uint8_t* blob_of(const uint8_t* data) {
    uint32_t header_len;
    std::memcpy(&header_len, data + 8, 4);
    return data + (kHwmPrefix + header_len + kHwmAlign - 1) / kHwmAlign * kHwmAlign;
}

static void assign_weights(const HParams& hp, const HwmFile& f, const uint8_t* blob,
                           const std::vector<const NamedTensor*>& t, const LoadOptions& opt, Model& m) {
    auto at = [&](size_t k) { return stored(f, blob, t[k]); };
    size_t k = 0;
    if (hp.kind == ModelKind::Clockwork) {
        m.cw_w = side_by_side(*t[0], *t[1]);  // its step reads row pieces: stays f32
        m.cw_b = as_vector(*t[2]);
        k = 3;
    } else {
        for (int l = 0; l < hp.layers; ++l, k += 3) {
            LstmWeights w;
            w.input = static_cast<int>(t[k]->shape[1]);
            const Stored hh = at(k + 1);
            w.w = weight_matrix(opt, at(k), &hh);
            w.b = as_vector(*t[k + 2]);
            m.lstm.push_back(std::move(w));
        }
        if (hp.kind == ModelKind::Synthesis) {
            m.window_w = weight_matrix(opt, at(k));
            m.window_b = as_vector(*t[k + 1]);
            k += 2;
        }
    }
    m.mdn_w = weight_matrix(opt, at(k));
    m.mdn_b = as_vector(*t[k + 1]);
}

size_t weight_bytes(const Model& m) {
    size_t n = m.mdn_w.bytes() + m.window_w.bytes() + static_cast<size_t>(m.cw_w.size()) * sizeof(float);
    for (const auto& l : m.lstm) n += l.w.bytes();
    return n;
}

Status load_model(const uint8_t* data, size_t size, Model& out, const LoadOptions& options) {
    out = Model{};
    HwmFile f;
    Status s = read_hwm(data, size, f);
    if (!s) return s;
    ModelHeader mh;
    if (!(s = parse_header(f.header, mh))) return s;
    out.hp = mh.hp;
    out.variant = mh.variant;
    out.norm = mh.norm;
    out.alphabet = std::move(mh.alphabet);
    out.max_steps_per_char = mh.max_steps_per_char;
    std::vector<const NamedTensor*> ordered;
    if (!(s = match_spec(out.hp, f, ordered))) return s;
    for (const NamedTensor& t : f.tensors)
        for (size_t i = 0; i < t.values.size(); ++i)
            if (std::fabs(t.values[i]) > kMaxWeightMagnitude)
                return Status::error("tensor " + t.name + ": element " + std::to_string(i) + " has a magnitude over " +
                                     std::to_string(static_cast<int>(kMaxWeightMagnitude)));
    assign_weights(out.hp, f, blob_of(data), ordered, options, out);
    out.isa = best_isa();
    out.header_json = header_without_directory(f.header);
    return Status::success();
}

}  // namespace hw
