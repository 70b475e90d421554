// The cached dataset on disk: cereal's portable binary archive (little-endian) around a compact
// per-line blob. Offsets change slowly along a pen path, so each line stores the change of dx and
// dy from the previous step as zigzag varints (mostly one byte) and the pen-up flags as the gaps
// between stroke ends: about 2-3 bytes a point instead of 5, which keeps a 20,000-line corpus far
// under the 64 MiB that can travel to the GPU machine.
#include "dataset.h"

#include <cstring>
#include <sstream>

#include <cereal/archives/portable_binary.hpp>

#include "files.h"
#include "text.h"

namespace hw {

std::vector<Point> line_points(const DataLine& line) {
    std::vector<Point> pts(line.size());
    for (size_t i = 0; i < line.size(); ++i)
        pts[i] = {static_cast<float>(line.dx[i]), static_cast<float>(line.dy[i]), static_cast<float>(line.pen_up[i])};
    return pts;
}

std::vector<InkStroke> line_strokes(const DataLine& line, float quantum) {
    return offsets_to_strokes(line_points(line), quantum, quantum);
}

namespace {

constexpr char kMagic[] = "HWDS";
constexpr uint64_t kMaxCount = 100000000;  // no line or field is anywhere near this

void put_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

bool get_varint(const std::string& in, size_t& pos, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= in.size()) return false;
        const uint8_t b = static_cast<uint8_t>(in[pos++]);
        v |= static_cast<uint64_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

std::string encode_points(const DataLine& l) {
    std::string blob;
    int64_t pdx = 0, pdy = 0;
    for (size_t i = 0; i < l.size(); ++i) {
        put_varint(blob, zigzag(l.dx[i] - pdx));
        put_varint(blob, zigzag(l.dy[i] - pdy));
        pdx = l.dx[i], pdy = l.dy[i];
    }
    size_t last = 0;
    for (size_t i = 0; i < l.size(); ++i)
        if (l.pen_up[i]) put_varint(blob, i - last), last = i;
    return blob;
}

bool decode_points(const std::string& blob, uint64_t n, DataLine& l, std::string& why) {
    l.dx.resize(n), l.dy.resize(n), l.pen_up.assign(n, 0);
    size_t pos = 0;
    int64_t dx = 0, dy = 0;
    for (uint64_t i = 0; i < n; ++i) {
        uint64_t a, b;
        if (!get_varint(blob, pos, a) || !get_varint(blob, pos, b)) return why = "point data truncated", false;
        dx += unzigzag(a), dy += unzigzag(b);
        if (dx < -32768 || dx > 32767 || dy < -32768 || dy > 32767) return why = "offset out of 16-bit range", false;
        l.dx[i] = static_cast<int16_t>(dx), l.dy[i] = static_cast<int16_t>(dy);
    }
    uint64_t at = 0;
    while (pos < blob.size()) {
        uint64_t gap;
        if (!get_varint(blob, pos, gap)) return why = "pen-up data truncated", false;
        at += gap;
        if (at >= n) return why = "pen-up index out of range", false;
        l.pen_up[at] = 1;
    }
    return true;
}

// Strings go as a 64-bit length and the bytes. On load the length is checked against what is
// left of the input before anything is allocated: a corrupt length cannot ask for gigabytes.
void put_string(cereal::PortableBinaryOutputArchive& ar, const std::string& s) {
    ar(static_cast<uint64_t>(s.size()));
    if (!s.empty()) ar(cereal::binary_data(s.data(), s.size()));
}

struct Reader {
    cereal::PortableBinaryInputArchive& ar;
    std::istream& is;
    uint64_t total;
    bool string(std::string& s) {
        uint64_t n = 0;
        ar(n);
        const auto at = is.tellg();
        if (at < 0 || n > total - static_cast<uint64_t>(at)) return false;
        s.resize(n);
        if (n) ar(cereal::binary_data(&s[0], n));
        return true;
    }
};

template <class Archive>
void save_lines(Archive& ar, const std::vector<DataLine>& lines) {
    ar(static_cast<uint64_t>(lines.size()));
    for (const auto& l : lines) {
        put_string(ar, l.text);
        ar(l.source, static_cast<uint64_t>(l.size()));
        put_string(ar, encode_points(l));
    }
}

bool load_lines(Reader& rd, size_t n_sources, std::vector<DataLine>& lines, std::string& why) {
    uint64_t n = 0;
    rd.ar(n);
    if (n > kMaxCount || n > rd.total) return why = "line count " + std::to_string(n) + " is implausible", false;
    lines.clear();
    for (uint64_t i = 0; i < n; ++i) {
        DataLine l;
        uint64_t points = 0;
        std::string blob;
        const std::string at = "line " + std::to_string(i) + ": ";
        if (!rd.string(l.text)) return why = at + "text length exceeds the file", false;
        rd.ar(l.source, points);
        if (!rd.string(blob)) return why = at + "point data length exceeds the file", false;
        if (l.source >= n_sources) return why = at + "source index out of range", false;
        // Every point takes at least two bytes of blob: a bound checked before allocating.
        if (points == 0 || points > blob.size() / 2) return why = at + "point count does not match its data", false;
        std::u32string t;
        if (!utf8_decode(l.text, t).ok) return why = at + "text is not UTF-8", false;
        if (!decode_points(blob, points, l, why)) return why = at + why, false;
        lines.push_back(std::move(l));
    }
    return true;
}

}  // namespace

Status save_dataset(const Dataset& d, const std::string& path) {
    std::ostringstream os(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive ar(os);
        put_string(ar, kMagic);
        ar(Dataset::kVersion, d.quantum);
        put_string(ar, utf8_encode(d.alphabet));
        ar(d.norm.scale_x, d.norm.scale_y, d.norm.point_spacing, d.norm.line_height);
        ar(static_cast<uint64_t>(d.sources.size()));
        for (const auto& s : d.sources) put_string(ar, s);
        save_lines(ar, d.train);
        save_lines(ar, d.valid);
        put_string(ar, "END");
    }
    return write_file_atomic(path, os.str());
}

static Status load_from(std::istream& is, uint64_t total, Dataset& d) {
    cereal::PortableBinaryInputArchive ar(is);
    Reader rd{ar, is, total};
    std::string magic, alphabet, why;
    uint32_t version = 0;
    if (!rd.string(magic) || magic != kMagic) return Status::error("not a dataset file (bad magic)");
    ar(version);
    if (version != Dataset::kVersion)
        return Status::error("dataset version " + std::to_string(version) + " (this build reads " +
                             std::to_string(Dataset::kVersion) + "): rebuild it with hw-train data");
    ar(d.quantum);
    if (!rd.string(alphabet)) return Status::error("alphabet length exceeds the file");
    ar(d.norm.scale_x, d.norm.scale_y, d.norm.point_spacing, d.norm.line_height);
    if (!(d.quantum > 0) || !(d.norm.scale_x > 0) || !(d.norm.scale_y > 0) || !(d.norm.point_spacing > 0) ||
        !(d.norm.line_height > 0))
        return Status::error("quantum or normalisation is not positive");
    if (!utf8_decode(alphabet, d.alphabet).ok) return Status::error("alphabet is not UTF-8");
    uint64_t n_sources = 0;
    ar(n_sources);
    if (n_sources > kMaxCount) return Status::error("source count is implausible");
    if (n_sources > total) return Status::error("source count exceeds the file");
    d.sources.assign(n_sources, std::string());
    for (auto& s : d.sources)
        if (!rd.string(s)) return Status::error("source name length exceeds the file");
    if (!load_lines(rd, d.sources.size(), d.train, why)) return Status::error("train " + why);
    if (!load_lines(rd, d.sources.size(), d.valid, why)) return Status::error("valid " + why);
    std::string end;
    if (!rd.string(end) || end != "END") return Status::error("missing end marker");
    return Status::success();
}

// The first bytes of every dataset file (cereal's byte-order flag for little-endian, the magic's
// length, the magic), checked before the rest is read: /dev/zero or a model is refused at once.
constexpr size_t kPrefixBytes = 1 + 8 + 4;

static Status check_prefix(const uint8_t* data, size_t size) {
    static const uint8_t want[kPrefixBytes] = {1, 4, 0, 0, 0, 0, 0, 0, 0, 'H', 'W', 'D', 'S'};
    if (size < kPrefixBytes || std::memcmp(data, want, kPrefixBytes) != 0) return Status::error("not a dataset file (bad magic)");
    return Status::success();
}

Status load_dataset(const std::string& path, Dataset& d) {
    std::vector<uint8_t> file;
    Status s = read_file_bounded(path, kMaxDatasetBytes, file, kPrefixBytes, check_prefix);
    if (!s) return s;
    d = Dataset{};
    std::string bytes(file.begin(), file.end());
    std::vector<uint8_t>().swap(file);
    std::istringstream is(bytes, std::ios::binary);
    // cereal reports a short read (a truncated file) by throwing; lengths are checked against
    // what is left of the input before anything is allocated (see Reader).
    try {
        s = load_from(is, bytes.size(), d);
    } catch (const std::exception& e) {
        s = Status::error(std::string("truncated or corrupt (") + e.what() + ")");
    }
    if (!s) {
        d = Dataset{};
        return Status::error(path + ": " + s.message);
    }
    return s;
}

}  // namespace hw
