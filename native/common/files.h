// File helpers for the native programs: whole-file reads and atomic writes (temp + rename).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace hw {

Status read_file(const std::string& path, std::vector<uint8_t>& out);
Status read_text_file(const std::string& path, std::string& out);
// Writes to PATH.tmp-PID, flushes, then renames over PATH: a reader never sees half a file.
Status write_file_atomic(const std::string& path, const void* data, size_t size);
Status write_file_atomic(const std::string& path, const std::string& text);
// Like read_file, but a missing file is not an error: `found` says whether there was one.
Status read_file_if_present(const std::string& path, std::vector<uint8_t>& out, bool& found);
// Creates the folder PATH (its parent must exist) unless it is already a folder.
Status make_folder(const std::string& path);

}  // namespace hw
