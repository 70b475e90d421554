#include "ink_file.h"

#include "files.h"

namespace hw {

Status read_ink_file(const std::string& path, std::vector<InkLine>& out, InkReadReport& report) {
    std::string text;
    Status s = read_text_file(path, text);
    if (!s) return s;
    const size_t before = out.size();
    read_ink_jsonl(text, path, out, report);
    if (out.size() == before)
        return Status::error(path + ": no usable ink record (" + std::to_string(report.skipped.size()) + " skipped)");
    return Status::success();
}

Status write_ink_file(const std::string& path, const std::vector<InkLine>& lines) {
    return write_file_atomic(path, format_ink_jsonl(lines));
}

}  // namespace hw
