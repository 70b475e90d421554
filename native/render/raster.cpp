#include "raster.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cstdio>

namespace hw {

namespace {

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    auto* out = static_cast<std::vector<uint8_t>*>(closure);
    out->insert(out->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

void set_colour(cairo_t* cr, const std::string& hex) {
    unsigned r = 0x1a, g = 0x1a, b = 0x2e;
    if (hex.size() == 7 && hex[0] == '#') std::sscanf(hex.c_str() + 1, "%2x%2x%2x", &r, &g, &b);
    cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

// Draws the strokes of one page in the context's units (mm after the caller's scale).
void draw_page(cairo_t* cr, const Sheet& sheet, const PenStyle& pen, int page) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    set_colour(cr, pen.colour);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < sheet.strokes.size(); ++i) {
        if (i < sheet.stroke_page.size() && sheet.stroke_page[i] != page) continue;
        for (const PenRun& r : pen_runs(sheet.strokes[i], pen.pressure)) {
            cairo_set_line_width(cr, pen.width_mm * r.width_factor);
            cairo_move_to(cr, r.x0, r.y0);
            for (size_t k = 0; k + 5 < r.curve.size(); k += 6)
                cairo_curve_to(cr, r.curve[k], r.curve[k + 1], r.curve[k + 2], r.curve[k + 3], r.curve[k + 4], r.curve[k + 5]);
            cairo_stroke(cr);
        }
    }
}

Status finish(cairo_surface_t* surface, cairo_t* cr, const char* what) {
    const cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const cairo_status_t sst = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) return Status::error(std::string(what) + ": " + cairo_status_to_string(st));
    if (sst != CAIRO_STATUS_SUCCESS) return Status::error(std::string(what) + ": " + cairo_status_to_string(sst));
    return Status::success();
}

}  // namespace

Status sheet_png(const Sheet& sheet, const PenStyle& pen, float dpi, std::vector<uint8_t>& out, int page) {
    const double px_per_mm = dpi / 25.4;
    const int w = static_cast<int>(sheet.width_mm * px_per_mm + 0.5), h = static_cast<int>(sheet.height_mm * px_per_mm + 0.5);
    if (w < 1 || h < 1 || static_cast<double>(w) * h > 2.5e8) return Status::error("PNG of " + std::to_string(w) + " x " + std::to_string(h) + " pixels is out of range (--dpi)");
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, px_per_mm, px_per_mm);
    draw_page(cr, sheet, pen, page);
    cairo_surface_flush(surface);
    out.clear();
    const cairo_status_t st = cairo_surface_write_to_png_stream(surface, append_bytes, &out);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
        return Status::error(std::string("PNG: ") + cairo_status_to_string(st));
    }
    return finish(surface, cr, "PNG");
}

Status sheet_pdf(const Sheet& sheet, const PenStyle& pen, std::vector<uint8_t>& out) {
    const double pt_per_mm = 72.0 / 25.4;
    out.clear();
    cairo_surface_t* surface =
        cairo_pdf_surface_create_for_stream(append_bytes, &out, sheet.width_mm * pt_per_mm, sheet.height_mm * pt_per_mm);
    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, pt_per_mm, pt_per_mm);
    for (int p = 0; p < std::max(1, sheet.pages); ++p) {
        draw_page(cr, sheet, pen, p);
        cairo_show_page(cr);
    }
    return finish(surface, cr, "PDF");
}

Status render_png(const std::vector<InkStroke>& lines, const RenderStyle& style, std::vector<uint8_t>& out) {
    // The SVG's frame, as a sheet in pixels at 25.4 dpi (1 mm = 1 pixel).
    Sheet sheet;
    float k = 1, x0 = 0, y0 = 0;
    ink_frame(lines, style, sheet.width_mm, sheet.height_mm, k, x0, y0);
    for (const auto& l : lines) {
        InkStroke s;
        for (size_t i = 0; i < l.size(); ++i) {
            s.x.push_back((l.x[i] - x0) * k + style.margin);
            s.y.push_back((l.y[i] - y0) * k + style.margin);
        }
        sheet.strokes.push_back(std::move(s));
    }
    PenStyle pen;
    pen.width_mm = style.stroke_width;
    pen.colour = style.colour;
    return sheet_png(sheet, pen, 25.4f, out);
}

}  // namespace hw
