// File helpers for the native programs: whole-file reads and atomic writes (temp + rename).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace hw {

// Every whole-file read has a bound, named by its reader (kMaxInkFileBytes, kMaxDatasetBytes, ...).
// At most `max_bytes` are read: a longer file (or an endless one such as /dev/zero) is refused after
// max_bytes + 1 bytes, or at once when its size is known ("PATH: the file is larger than N bytes,
// the most accepted here"). With `check_prefix`, the first `prefix_bytes` (fewer if the file is
// shorter) are checked before anything more is read.
using PrefixCheck = Status (*)(const uint8_t* data, size_t size);
Status read_file_bounded(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>& out,
                         size_t prefix_bytes = 0, PrefixCheck check_prefix = nullptr);
Status read_text_file(const std::string& path, uint64_t max_bytes, std::string& out);
// The most a text input of a source may hold where nothing tighter applies (one IAM stroke or
// transcription file, a font, a fortunes file): far above any real one.
constexpr uint64_t kMaxSourceFileBytes = uint64_t(64) << 20;
// Writes to PATH.tmp-PID (the name cut to fit NAME_MAX), flushes, then renames over PATH with its
// permissions: a reader never sees half a file. A symbolic link is followed (the link stays, its
// target gets the bytes); a character device or a pipe (/dev/null, /dev/stdout, a FIFO) is written
// into as it is, never replaced; anything else that is not a file (a folder, a block device, a
// socket) is refused.
Status write_file_atomic(const std::string& path, const void* data, size_t size);
Status write_file_atomic(const std::string& path, const std::string& text);
// Whether a file name is one of write_file_atomic's temporary names (NAME.tmp-PID); `pid` gets PID.
bool is_atomic_temp_name(const std::string& name, long& pid);
// Writes a result to standard output and flushes it. A failure (a full disk, a closed descriptor)
// is returned as "standard output: write failed (REASON)", so that a result that did not arrive is
// never an exit 0: every command whose result goes to standard output writes it with this.
Status write_stdout(const std::string& text);
// Like read_file_bounded, but a missing file is not an error: `found` says whether there was one.
Status read_file_if_present(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>& out, bool& found);
// A path given on the command line, with the option that gave it ("--ink", "--out").
struct OptionPath {
    std::string option, path;
};
// Refuses an output that names the same file as an input or as another output (through links,
// hard links, ./ and ../): "--out F names the same file as --ink F: writing it would lose what it
// holds". Empty paths are not checked.
Status check_outputs_apart(const std::vector<OptionPath>& inputs, const std::vector<OptionPath>& outputs);
// Creates the folder PATH (its parent must exist) unless it is already a folder.
Status make_folder(const std::string& path);

}  // namespace hw
