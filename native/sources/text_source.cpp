#include "text_source.h"

#include <algorithm>
#include <dirent.h>
#include <sys/stat.h>

#include "files.h"

namespace hw {

const std::string& iam_charset() {
    static const std::string s =
        " !\"#&'()*+,-./0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZ[]abcdefghijklmnopqrstuvwxyz";
    return s;
}

namespace {

bool allowed(const std::string& word) {
    for (char c : word)
        if (iam_charset().find(c) == std::string::npos || c == ' ') return false;
    return true;
}

std::vector<std::string> words_of(const std::string& entry) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : entry) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!cur.empty()) words.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) words.push_back(cur);
    return words;
}

size_t target_length(Rng& rng) {
    return kMinLineChars + static_cast<size_t>(rng.uniform() * (kMaxLineChars - kMinLineChars + 1));
}

// Greedy wrapping: words go onto the line until the next one would pass a target length drawn
// per line, so lengths spread over the whole 10-50 range.
void wrap_entry(const std::string& entry, Rng& rng, std::vector<std::string>& out, SkipLog& skipped) {
    std::string line;
    size_t target = target_length(rng);
    auto flush = [&]() {
        if (line.size() >= kMinLineChars) out.push_back(line);
        line.clear();
        target = target_length(rng);
    };
    for (const std::string& w : words_of(entry)) {
        if (!allowed(w) || w.size() > kMaxLineChars) {
            skipped.add("fortune words with characters outside the set");
            flush();
            continue;
        }
        if (!line.empty() && line.size() + 1 + w.size() > target) flush();
        line += (line.empty() ? "" : " ") + w;
    }
    flush();
}

}  // namespace

void fortune_lines(const std::string& text, Rng& rng, std::vector<std::string>& out, SkipLog& skipped) {
    std::string entry;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "%") {
            wrap_entry(entry, rng, out, skipped);
            entry.clear();
        } else {
            entry += line + "\n";
        }
        pos = eol + 1;
    }
    wrap_entry(entry, rng, out, skipped);
}

Status load_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped) {
    DIR* d = opendir(dir.c_str());
    if (!d) return Status::error(dir + ": cannot open the fortunes folder (install the Debian package fortunes)");
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
        const std::string n = e->d_name;
        if (n.empty() || n[0] == '.' || n.find('.') != std::string::npos) continue;  // .dat, .u8
        if (n == "art" || n == "ascii-art") continue;  // pictures made of characters, not text
        struct stat st;
        if (stat((dir + "/" + n).c_str(), &st) == 0 && S_ISREG(st.st_mode)) names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());  // readdir order is not stable: determinism needs this
    for (const auto& n : names) {
        std::string text;
        if (!read_text_file(dir + "/" + n, kMaxSourceFileBytes, text).ok) {
            skipped.add("unreadable fortune files", dir + "/" + n + ": unreadable");
            continue;
        }
        fortune_lines(text, rng, out, skipped);
    }
    if (out.empty()) return Status::error(dir + ": no usable text lines in the fortune files");
    return Status::success();
}

namespace {

const char* const kRareWords[] = {
    "Quiz", "quartz", "Zebra", "zero", "Xerox", "xylophone", "Quebec", "Zurich", "Xavier", "jazz",
    "quixotic", "Zoe", "Queen", "box", "fizz", "Quincy", "Xenon", "zigzag", "Zeus", "quest",
    "OXFORD", "QUOTE", "ZONE", "X-ray", "Zanzibar", "squeeze", "Alex", "Max", "Jazz", "Quick",
    "the", "and", "of", "a", "to", "in", "was", "is", "for", "on", "with", "by", "at", "vs."};

std::string number(Rng& rng, int digits) {
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back(static_cast<char>('0' + rng.next_u32() % 10));
    return s;
}

std::string token(Rng& rng) {
    switch (rng.next_u32() % 12) {
        case 0: return number(rng, 2) + "/" + number(rng, 2) + "/" + number(rng, 4);
        case 1: return number(rng, 2) + ":" + number(rng, 2);
        case 2: return "#" + number(rng, 1 + rng.next_u32() % 3);
        case 3: return "(" + number(rng, 1) + "+" + number(rng, 1) + ")*" + number(rng, 1);
        case 4: return "[" + std::string(kRareWords[rng.next_u32() % 30]) + "]";
        case 5: return "\"" + std::string(kRareWords[rng.next_u32() % 30]) + "\"";
        case 6: return number(rng, 1 + rng.next_u32() % 4) + (rng.next_u32() % 2 ? "," : ";");
        case 7: return "Q&A";
        case 8: return std::string(kRareWords[rng.next_u32() % 30]) + (rng.next_u32() % 2 ? "!" : "?");
        case 9: return "'" + std::string(kRareWords[rng.next_u32() % 30]) + "'";
        default: return kRareWords[rng.next_u32() % (sizeof kRareWords / sizeof *kRareWords)];
    }
}

}  // namespace

std::string generated_line(Rng& rng) {
    const size_t target = target_length(rng);
    std::string line;
    for (int guard = 0; guard < 100; ++guard) {
        const std::string t = token(rng);
        if (!line.empty() && line.size() + 1 + t.size() > target) {
            if (line.size() >= kMinLineChars) break;
            continue;
        }
        line += (line.empty() ? "" : " ") + t;
    }
    if (line.size() < kMinLineChars) line += " 1234567890";
    if (line.size() > kMaxLineChars) line.resize(kMaxLineChars);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace hw
