#include "text_source.h"

#include <algorithm>
#include <dirent.h>
#include <sys/stat.h>

#include "files.h"
#include "text.h"

namespace hw {

const std::string& iam_charset() {
    static const std::string s =
        " !\"#&'()*+,-./0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZ[]abcdefghijklmnopqrstuvwxyz";
    return s;
}

namespace {

bool allowed(const std::string& word, bool accents) {
    std::u32string u;
    if (!utf8_decode(word, u).ok) return false;
    for (char32_t c : u) {
        const bool iam = c < 128 && c != U' ' && iam_charset().find(static_cast<char>(c)) != std::string::npos;
        if (!iam && !(accents && std::u32string(kWesternEuropean).find(c) != std::u32string::npos)) return false;
    }
    return true;
}

// A word with its typography normalised (’ → ', “ → "), as the models' text is.
std::string normalised(const std::string& word) {
    std::u32string u;
    return utf8_decode(word, u).ok ? utf8_encode(normalise_typography(u)) : word;
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
void wrap_entry(const std::string& entry, Rng& rng, std::vector<std::string>& out, SkipLog& skipped, bool accents) {
    std::string line;
    size_t target = target_length(rng);
    auto flush = [&]() {
        if (line.size() >= kMinLineChars) out.push_back(line);
        line.clear();
        target = target_length(rng);
    };
    for (const std::string& raw : words_of(entry)) {
        const std::string w = accents ? normalised(raw) : raw;
        if (!allowed(w, accents) || w.size() > kMaxLineChars) {
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

void fortune_lines(const std::string& text, Rng& rng, std::vector<std::string>& out, SkipLog& skipped, bool accents) {
    std::string entry;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "%") {
            wrap_entry(entry, rng, out, skipped, accents);
            entry.clear();
        } else {
            entry += line + "\n";
        }
        pos = eol + 1;
    }
    wrap_entry(entry, rng, out, skipped, accents);
}

namespace {

// The plain fortune files of a folder, sorted (readdir's order is not stable: determinism needs
// it): "NAME" or "NAME.fortunes", not the .dat/.u8 indexes; links followed or not.
std::vector<std::string> fortune_files(const std::string& dir, bool follow_links) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        const size_t dot = n.find('.');
        if (n.empty() || n[0] == '.' || (dot != std::string::npos && n.substr(dot) != ".fortunes")) continue;
        if (n == "art" || n == "ascii-art" || n == "asciiart" || n == "banner") continue;  // pictures made of characters
        struct stat st;
        const int got = follow_links ? stat((dir + "/" + n).c_str(), &st) : lstat((dir + "/" + n).c_str(), &st);
        if (got == 0 && S_ISREG(st.st_mode)) names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

void read_fortune_file(const std::string& path, Rng& rng, std::vector<std::string>& out, SkipLog& skipped, bool accents) {
    std::string text;
    if (!read_text_file(path, kMaxSourceFileBytes, text).ok) return skipped.add("unreadable fortune files", path + ": unreadable");
    fortune_lines(text, rng, out, skipped, accents);
}

}  // namespace

Status load_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped) {
    DIR* d = opendir(dir.c_str());
    if (!d) return Status::error(dir + ": cannot open the fortunes folder (install the Debian package fortunes)");
    closedir(d);
    for (const auto& n : fortune_files(dir, false))  // fortunes-it links its Italian files here
        if (n != "brasil" && n.find('.') == std::string::npos) read_fortune_file(dir + "/" + n, rng, out, skipped, false);
    if (out.empty()) return Status::error(dir + ": no usable text lines in the fortune files");
    return Status::success();
}

Status load_foreign_fortunes(const std::string& dir, Rng& rng, std::vector<std::string>& out, SkipLog& skipped) {
    for (const char* lang : {"de", "es", "it"})
        for (const auto& n : fortune_files(dir + "/" + lang, true)) read_fortune_file(dir + "/" + lang + "/" + n, rng, out, skipped, true);
    struct stat st;
    if (lstat((dir + "/brasil").c_str(), &st) == 0 && S_ISREG(st.st_mode)) read_fortune_file(dir + "/brasil", rng, out, skipped, true);
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

// Words with the Western European letters the fortunes seldom or never have (Debian has no French
// fortunes: æ, œ, « » and the French accents are rare there), and their signs.
const char* const kRareAccented[] = {
    "cœur", "sœur", "œuvre", "Œdipe", "vœux", "nœud", "æther", "Ærø", "Cæsar", "encyclopædia",
    "déjà", "à", "où", "ça", "Ça", "garçon", "façade", "naïve", "Noël", "maïs", "hôtel", "forêt",
    "île", "être", "crème", "brûlée", "Août", "Éric", "École", "Élise", "ÉTÉ", "À", "Ô", "Ï",
    "São", "João", "irmã", "mãe", "põe", "Ñandú", "niño", "mañana", "año", "Ärger", "Öl", "Übung",
    "Straße", "Fuß", "Ÿ", "L'Haÿ", "Zoë", "Ìsola", "perché", "così", "Già", "Más", "Ú", "Í", "Ó",
    // Italian's grave accents and the capitals the fortunes almost never have, as name-like words.
    "può", "più", "città", "però", "virtù", "Èlla", "Êma", "Îna", "Òla", "Õna", "Ùla", "Ûlo", "Ëva",
    "Áno", "Âme", "Ãna", "Çela", "Ìda", "Ÿves", "Ìgor", "Òtto", "Ùgo", "Ñoño", "Æsir", "ŒIL"};

std::string accented_token(Rng& rng) {
    const size_t n = sizeof kRareAccented / sizeof *kRareAccented;
    const std::string w = kRareAccented[rng.next_u32() % n];
    switch (rng.next_u32() % 6) {
        case 0: return "« " + w + " »";
        case 1: return number(rng, 1 + rng.next_u32() % 3) + (rng.next_u32() % 2 ? " €" : ",50 €");
        case 2: return "¡" + w + "!";
        case 3: return "¿" + w + "?";
        default: return w;
    }
}

}  // namespace

std::string generated_line(Rng& rng, bool accents) {
    const size_t target = target_length(rng);
    std::string line;
    for (int guard = 0; guard < 100; ++guard) {
        const std::string t = accents && rng.next_u32() % 2 ? accented_token(rng) : token(rng);
        if (!line.empty() && line.size() + 1 + t.size() > target) {
            if (line.size() >= kMinLineChars) break;
            continue;
        }
        line += (line.empty() ? "" : " ") + t;
    }
    if (line.size() < kMinLineChars) line += " 1234567890";
    if (line.size() > kMaxLineChars) {  // cut at a character's first byte, never inside one
        size_t cut = kMaxLineChars;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line.resize(cut);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace hw
