// PNG and PDF through cairo (antialiased, compressed). A library of its own (hwraster): the
// training path of hw-train never links it, so the GPU machine needs no cairo.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "render.h"
#include "sheet.h"
#include "status.h"

namespace hw {

// One page of the sheet as a PNG at `dpi` (white paper, the pen's colour).
Status sheet_png(const Sheet& sheet, const PenStyle& pen, float dpi, std::vector<uint8_t>& out, int page = 0);
// Every page of the sheet as one PDF (points = mm * 72 / 25.4).
Status sheet_pdf(const Sheet& sheet, const PenStyle& pen, std::vector<uint8_t>& out);
// Ink fitted to a picture as render_svg fits it (greyscale look, dark ink on white).
Status render_png(const std::vector<InkStroke>& lines, const RenderStyle& style, std::vector<uint8_t>& out);

}  // namespace hw
