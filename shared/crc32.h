// CRC-32 (IEEE 802.3, the zlib/PNG polynomial): the .hwm trailer, PNG chunks and checkpoint parts.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hw {

// `crc` continues a running checksum: crc32(b, n2, crc32(a, n1)) == crc32 of a then b.
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace hw
