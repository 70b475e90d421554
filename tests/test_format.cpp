// Format tests: round trips in every dtype, truncation at every byte, each header field and each
// tensor-directory field corrupted in turn.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>

#include "crc32.h"
#include "model.h"
#include "test_util.h"

using namespace hw;
using nlohmann::json;

namespace {

// A tiny synthesis model, small enough to truncate at every byte.
std::vector<uint8_t> tiny_model(json* header_out = nullptr) {
    HParams hp = test::small_hparams(ModelKind::Synthesis);
    hp.layers = 1;
    hp.hidden = 4;
    hp.mixtures = 2;
    hp.window = 1;
    const json header = test::small_header_json(hp);
    std::vector<uint8_t> out;
    REQUIRE(write_hwm(header.dump(), test::random_tensors(hp, 3), DType::F32, out).ok);
    if (header_out) *header_out = header;
    return out;
}

struct Parts {
    json header;
    std::vector<uint8_t> blob;
};

Parts split(const std::vector<uint8_t>& file) {
    uint32_t hlen;
    std::memcpy(&hlen, &file[8], 4);
    Parts p;
    p.header = json::parse(file.begin() + 12, file.begin() + 12 + hlen);
    const size_t start = (12 + hlen + 63) / 64 * 64;
    p.blob.assign(file.begin() + static_cast<long>(start), file.end() - 4);
    return p;
}

// Reassembles a file around a (possibly corrupted) header, with a valid checksum.
std::vector<uint8_t> join_text(const std::string& text, const std::vector<uint8_t>& blob, uint32_t version = kHwmVersion) {
    const size_t start = (12 + text.size() + 63) / 64 * 64;
    std::vector<uint8_t> f(start + blob.size() + 4, 0);
    std::memcpy(f.data(), kHwmMagic, 4);
    const uint32_t hlen = static_cast<uint32_t>(text.size());
    std::memcpy(&f[4], &version, 4);
    std::memcpy(&f[8], &hlen, 4);
    std::memcpy(&f[12], text.data(), text.size());
    std::memcpy(&f[start], blob.data(), blob.size());
    const uint32_t crc = crc32(f.data(), f.size() - 4);
    std::memcpy(&f[f.size() - 4], &crc, 4);
    return f;
}

std::vector<uint8_t> join(const json& header, const std::vector<uint8_t>& blob, uint32_t version = kHwmVersion) {
    return join_text(header.dump(), blob, version);
}

// The header's text with its "meta" object replaced by `meta` (raw JSON text).
std::string with_meta(const json& header, const std::string& meta) {
    std::string text = header.dump();
    const std::string was = "\"meta\":" + header["meta"].dump();
    const size_t at = text.find(was);
    REQUIRE(at != std::string::npos);
    return text.replace(at, was.size(), "\"meta\":" + meta);
}

std::string load_error(const std::vector<uint8_t>& f) {
    Model m;
    Status s = load_model(f.data(), f.size(), m);
    return s.ok ? std::string() : s.message;
}

}  // namespace

TEST_CASE("a written model loads, in every precision") {
    for (auto kind : {ModelKind::Synthesis, ModelKind::Unconditional, ModelKind::Clockwork}) {
        for (auto p : {DType::F32, DType::F16, DType::I8}) {
            const auto bytes = test::small_model_bytes(kind, p);
            Model m;
            Status s = load_model(bytes.data(), bytes.size(), m);
            INFO(kind_name(kind), " ", s.message);
            CHECK(s.ok);
            CHECK(m.hp.kind == kind);
            CHECK(m.mdn_w.rows() == 6 * m.hp.mixtures + 1);
        }
    }
}

TEST_CASE("f32 round trip is exact; f16 and int8 stay within their quantisation error") {
    const HParams hp = test::small_hparams(ModelKind::Synthesis);
    const auto tensors = test::random_tensors(hp, 11);
    for (auto p : {DType::F32, DType::F16, DType::I8}) {
        std::vector<uint8_t> bytes;
        REQUIRE(write_hwm(test::small_header(hp), tensors, p, bytes).ok);
        HwmFile f;
        REQUIRE(read_hwm(bytes.data(), bytes.size(), f).ok);
        REQUIRE(f.tensors.size() == tensors.size());
        for (size_t i = 0; i < tensors.size(); ++i) {
            float worst = 0;
            for (size_t k = 0; k < tensors[i].values.size(); ++k)
                worst = std::max(worst, std::fabs(tensors[i].values[k] - f.tensors[i].values[k]));
            // values are in [-0.2, 0.2]: f16 keeps 11 bits, int8 a step of max/127 per row
            const float bound = p == DType::F32 ? 0.0f : p == DType::F16 ? 0.2f / 2048 : 0.2f / 127 * 0.5f + 1e-7f;
            INFO(tensors[i].name, " precision ", static_cast<int>(p));
            CHECK(worst <= bound);
        }
    }
}

TEST_CASE("f16 conversion handles specials and rounding") {
    CHECK(f16_to_f32(f32_to_f16(1.0f)) == 1.0f);
    CHECK(f16_to_f32(f32_to_f16(-2.5f)) == -2.5f);
    CHECK(f16_to_f32(f32_to_f16(65504.0f)) == 65504.0f);
    CHECK(std::isinf(f16_to_f32(f32_to_f16(1e6f))));
    CHECK(f16_to_f32(f32_to_f16(5.960464477539063e-08f)) == 5.960464477539063e-08f);  // smallest subnormal
    CHECK(f16_to_f32(f32_to_f16(1.0f + 1.0f / 4096)) == 1.0f);                          // ties to even
}

TEST_CASE("truncation at every byte is refused with a message") {
    const auto f = tiny_model();
    REQUIRE(load_error(f).empty());
    for (size_t n = 0; n < f.size(); ++n) {
        std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<long>(n));
        const std::string e = load_error(cut);
        INFO("length ", n);
        REQUIRE(!e.empty());
        CHECK((e.find("truncated") != std::string::npos || e.find("JSON") != std::string::npos));
    }
}

TEST_CASE("prefix corruption: magic, version, header length, checksum, trailing bytes") {
    const auto good = tiny_model();
    auto f = good;
    f[0] = 'X';
    CHECK(load_error(f).find("bad magic") != std::string::npos);
    const Parts p = split(good);
    CHECK(load_error(join(p.header, p.blob, 2)).find("newer") != std::string::npos);
    CHECK(load_error(join(p.header, p.blob, 0)).find("version") != std::string::npos);
    f = good;
    const uint32_t huge = 0x7fffffff;
    std::memcpy(&f[8], &huge, 4);
    CHECK(load_error(f).find("header_length") != std::string::npos);
    f = good;
    f[f.size() - 10] ^= 0x40;  // a weight byte
    CHECK(load_error(f).find("checksum") != std::string::npos);
    f = good;
    f.push_back(0);
    CHECK(load_error(f).find("trailing") != std::string::npos);
}

TEST_CASE("each header field corrupted in turn is named") {
    const Parts p = split(tiny_model());
    REQUIRE(load_error(join(p.header, p.blob)).empty());
    struct Case {
        const char* expect;
        std::function<void(json&)> corrupt;
    };
    const std::vector<Case> cases = {
        {"format", [](json& h) { h["format"] = "gguf"; }},
        {"kind", [](json& h) { h.erase("kind"); }},
        {"kind", [](json& h) { h["kind"] = "transformer"; }},
        {"hparams", [](json& h) { h.erase("hparams"); }},
        {"hparams.hidden", [](json& h) { h["hparams"]["hidden"] = 0; }},
        {"hparams.hidden", [](json& h) { h["hparams"]["hidden"] = "four"; }},
        {"hparams.hidden", [](json& h) { h["hparams"]["hidden"] = 1LL << 40; }},
        {"hparams.layers", [](json& h) { h["hparams"]["layers"] = 99; }},
        {"hparams.mixtures", [](json& h) { h["hparams"].erase("mixtures"); }},
        {"hparams.window", [](json& h) { h["hparams"]["window"] = -1; }},
        {"hparams.alphabet", [](json& h) { h["hparams"]["alphabet"] = 100000; }},
        {"alphabet", [](json& h) { h["alphabet"] = "abc"; }},
        {"alphabet", [](json& h) { h["alphabet"] = 5; }},
        {"alphabet", [](json& h) {
             std::string a = h["alphabet"];
             a[1] = a[2];
             h["alphabet"] = a;
         }},
        {"norm", [](json& h) { h.erase("norm"); }},
        {"norm.scale", [](json& h) { h["norm"]["scale"] = {1.0}; }},
        {"norm.scale", [](json& h) { h["norm"]["scale"] = {1.0, -1.0}; }},
        {"norm.point_spacing", [](json& h) { h["norm"]["point_spacing"] = 0; }},
        {"norm.line_height", [](json& h) { h["norm"].erase("line_height"); }},
        {"variant", [](json& h) { h.erase("variant"); }},
        {"variant.window_fn", [](json& h) { h["variant"]["window_fn"] = "relu"; }},
        {"variant.kappa_scale", [](json& h) { h["variant"]["kappa_scale"] = "x"; }},
        {"variant.eos_sign", [](json& h) { h["variant"]["eos_sign"] = 0; }},
        {"max_steps_per_char", [](json& h) { h["max_steps_per_char"] = 0; }},
        {"blob_bytes", [](json& h) { h.erase("blob_bytes"); }},
        {"truncated", [](json& h) { h["blob_bytes"] = h["blob_bytes"].get<int>() + 64; }},
        {"tensors", [](json& h) { h["tensors"] = "none"; }},
        {"is missing", [](json& h) { h["tensors"].erase(h["tensors"].size() - 1); }},
        {"appears twice", [](json& h) { h["tensors"][1]["name"] = h["tensors"][0]["name"]; }},
        {"unknown", [](json& h) { h["tensors"][0]["name"] = "lstm9.w_ih"; }},
        {"tensors[0].name", [](json& h) { h["tensors"][0].erase("name"); }},
        {"dtype", [](json& h) { h["tensors"][0]["dtype"] = "f64"; }},
        {"nbytes", [](json& h) { h["tensors"][0]["dtype"] = "f16"; }},
        {"shape", [](json& h) { h["tensors"][0]["shape"] = json::array(); }},
        {"shape", [](json& h) { h["tensors"][0]["shape"] = {0, 5}; }},
        {"nbytes", [](json& h) { h["tensors"][0]["shape"][0] = h["tensors"][0]["shape"][0].get<int>() + 1; }},
        {"offset", [](json& h) { h["tensors"][1]["offset"] = h["tensors"][1]["offset"].get<int>() + 4; }},
        {"offset", [](json& h) { h["tensors"][1]["offset"] = 1LL << 50; }},
        {"overlaps", [](json& h) { h["tensors"][1]["offset"] = h["tensors"][0]["offset"]; }},
        {"nbytes", [](json& h) { h["tensors"][0]["nbytes"] = 3; }},
        {"has shape", [](json& h) {  // consistent directory entry, wrong for the hyperparameters
             auto& t = h["tensors"][0];
             t["shape"] = {t["shape"][1], t["shape"][0]};
         }},
    };
    for (const auto& c : cases) {
        json h = p.header;
        c.corrupt(h);
        const std::string e = load_error(join(h, p.blob));
        INFO("expected a message naming: ", c.expect, "; got: ", e);
        CHECK(!e.empty());
        CHECK(e.find(c.expect) != std::string::npos);
    }
}

TEST_CASE("the model header's writer and reader agree; the reader alone names a bad field") {
    ModelHeader m;
    m.hp = test::small_hparams(ModelKind::Synthesis);
    m.variant.window_fn = WindowFn::Softplus;
    m.variant.kappa_scale = 0.025f;
    m.variant.eos_sign = -1;
    m.norm.scale_x = 2.0f;
    m.norm.line_height = 30.0f;
    m.alphabet = test::small_alphabet();
    m.max_steps_per_char = 33;
    const std::string h = make_header(m, R"({"step":5})");
    CHECK(json::parse(h)["meta"]["step"] == 5);
    CHECK(header_meta(h) == R"({"step":5})");
    ModelHeader back;
    Status s = parse_header(h, back);
    REQUIRE_MESSAGE(s.ok, s.message);
    CHECK(make_header(back, R"({"step":5})") == h);
    CHECK(json::parse(make_header(back, "[1]"))["meta"] == json::object());  // meta that is not an object
    json bad = json::parse(h);
    bad["variant"].erase("eos_sign");
    s = parse_header(bad.dump(), back);
    CHECK(s.message.find("variant.eos_sign") != std::string::npos);
    CHECK(parse_header("[]", back).message.find("not a JSON object") != std::string::npos);
    CHECK(parse_header("{\"format\": ", back).message.find("not a JSON object") != std::string::npos);  // not JSON
}

TEST_CASE("non-finite weights are refused") {
    const Parts p = split(tiny_model());
    auto blob = p.blob;
    const float nan = std::nanf("");
    std::memcpy(&blob[0], &nan, 4);
    const std::string e = load_error(join(p.header, blob));
    CHECK(e.find("not finite") != std::string::npos);
    CHECK(e.find(p.header["tensors"][0]["name"].get<std::string>()) != std::string::npos);
}

TEST_CASE("garbage never crashes the reader, and the checksum refuses every changed byte") {
    Rng rng(99);
    const auto good = tiny_model();
    int changed = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        auto f = good;
        const int flips = 1 + static_cast<int>(rng.next_u32() % 8);
        for (int k = 0; k < flips; ++k) f[rng.next_u32() % f.size()] = static_cast<uint8_t>(rng.next_u32());
        const std::string e = load_error(f);
        if (f == good) {
            CHECK(e.empty());  // the flips wrote the bytes that were there
        } else {
            ++changed;
            CHECK_MESSAGE(!e.empty(), "a changed file loaded (trial " << trial << ")");
        }
        HwmFile hf;
        const size_t cut = rng.next_u32() % f.size();  // shorter than the whole file
        const Status s = read_hwm(f.data(), cut, hf);
        CHECK(!s.ok);
        CHECK(!s.message.empty());
    }
    CHECK(changed > 1900);
}

TEST_CASE("header JSON that nests too deeply is refused before it is parsed (issue #15 #1)") {
    const Parts p = split(tiny_model());
    // 100k nested arrays: parsing and printing such JSON recursively overflowed the stack.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    std::string e = load_error(join_text(with_meta(p.header, deep), p.blob));
    CHECK(e.find("meta") != std::string::npos);
    CHECK(e.find(std::to_string(kHwmMaxJsonDepth)) != std::string::npos);
    // Just past the limit is refused too; at the limit (meta at depth 2) it loads.
    const int over = kHwmMaxJsonDepth;  // meta's value starts at depth 2: this reaches limit + 1
    e = load_error(join_text(with_meta(p.header, std::string(over, '[') + std::string(over, ']')), p.blob));
    CHECK(e.find("nests deeper") != std::string::npos);
    const int at = kHwmMaxJsonDepth - 1;
    CHECK(load_error(join_text(with_meta(p.header, std::string(at, '[') + std::string(at, ']')), p.blob)) == "");
    // Brackets inside strings are text, not nesting; escaped quotes do not end a string.
    const std::string text = "{\"note\":\"\\\"" + std::string(5000, '[') + "\"}";
    CHECK(load_error(join_text(with_meta(p.header, text), p.blob)) == "");
    // The scanner alone: depth counted outside strings only, the message names the top-level field.
    Status s = check_json_nesting("{\"a\":1,\"b\":[[[[1]]]]}", 3);
    CHECK(!s.ok);
    CHECK(s.message.find("field b") != std::string::npos);
    CHECK(check_json_nesting("{\"a\":\"[[[[[[\"}", 2).ok);
}
