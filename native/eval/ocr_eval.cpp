#include "ocr_eval.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "files.h"
#include "text.h"

namespace hw {

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string normalise_spaces(const std::string& s) {
    std::string out;
    bool pending_space = false;
    for (char c : s) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

size_t edit_distance(const std::u32string& a, const std::u32string& b) {
    // Two rows of the dynamic-programming table: O(|b|) memory.
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// OCR output is not guaranteed to be valid UTF-8; a stray byte then counts as one character.
static std::u32string to_code_points(const std::string& s) {
    std::u32string out;
    if (utf8_decode(s, out)) return out;
    out.clear();
    for (unsigned char c : s) out += static_cast<char32_t>(c);
    return out;
}

size_t CerTally::add(const std::string& reference, const std::string& reading) {
    const std::u32string ref = to_code_points(normalise_spaces(reference));
    const std::u32string hyp = to_code_points(normalise_spaces(reading));
    const size_t d = edit_distance(ref, hyp);
    distance += d;
    length += ref.size();
    return d;
}

Status require_program(const std::string& program, const std::string& debian_packages) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
        if (access((dir + "/" + program).c_str(), X_OK) == 0) return Status::success();
        start = end + 1;
    }
    return Status::error(program + " not found on PATH: install the Debian package" +
                         (debian_packages.find(' ') != std::string::npos ? "s " : " ") + debian_packages +
                         " (make setup does)");
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

Status run_capture(const std::string& command, const std::string& stderr_path, std::string& out) {
    out.clear();
    const std::string full = command + " 2>" + shell_quote(stderr_path);
    FILE* p = popen(full.c_str(), "r");
    if (!p) return Status::error("cannot run \"" + command + "\": " + std::strerror(errno));
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int rc = pclose(p);
    std::string err;
    const Status read_err = read_text_file(stderr_path, 1u << 20, err);  // only quoted in a failure's message
    std::remove(stderr_path.c_str());
    if (rc == 0) return Status::success();
    if (!read_err) err = "(its standard error could not be read: " + read_err.message + ")";
    const int code = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return Status::error("\"" + command + "\" failed (exit " + std::to_string(code) + "): " + normalise_spaces(err.substr(0, 400)));
}

Status require_tesseract_eng() {
    std::string langs;
    TempDir tmp;
    Status s = tmp.create("hw-langs");
    if (!s) return s;
    if (!(s = run_capture("tesseract --list-langs", tmp.path() + "/err", langs))) return s;
    // One language per line after a heading line.
    if (("\n" + langs + "\n").find("\neng\n") == std::string::npos)
        return Status::error("tesseract has no English data: install the Debian package tesseract-ocr-eng (make setup does)");
    return Status::success();
}

Status svg_to_png(const std::string& svg_path, const std::string& png_path) {
    std::string ignored;
    return run_capture("rsvg-convert -f png -o " + shell_quote(png_path) + " " + shell_quote(svg_path), png_path + ".err", ignored);
}

Status ocr_line(const std::string& png_path, std::string& text) {
    // One thread per tesseract: the caller runs several at once, and OpenMP inside each would
    // only oversubscribe the cores.
    Status s = run_capture("OMP_THREAD_LIMIT=1 tesseract " + shell_quote(png_path) + " stdout --psm 7 -l eng",
                           png_path + ".err", text);
    if (!s) return s;
    std::u32string check;
    if (!utf8_decode(text, check))  // keep the reading printable in JSON and SVG labels
        for (char& ch : text)
            if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
    text = normalise_spaces(text);
    return s;
}

Status TempDir::create(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) return Status::error("cannot create a temporary folder " + pattern + ": " + std::strerror(errno));
    path_ = buf.data();
    return Status::success();
}

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);  // best effort: nothing to report to at this point
}

}  // namespace hw
