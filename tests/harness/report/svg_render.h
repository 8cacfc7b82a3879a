// Renders an SVG to PNG with rsvg-convert (librsvg, as image viewers and
// browsers parse it): a broken SVG fails the test that draws it. Test-only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace svg_render {

struct Png {
  std::string error;  // "" when rendered
  std::uint32_t width = 0, height = 0;
  std::uintmax_t bytes = 0;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `svg` to DIR/NAME.svg and renders DIR/NAME.png; the PNG's size from its IHDR.
inline Png Render(const std::string& svg, const std::string& dir, const std::string& name) {
  Png png;
  std::filesystem::create_directories(dir);
  const std::string in = dir + "/" + name + ".svg", out = dir + "/" + name + ".png", err = dir + "/" + name + ".err";
  std::ofstream(in, std::ios::binary) << svg;
  std::filesystem::remove(out);
  const std::string command = std::string(RSVG_CONVERT) + " -o '" + out + "' '" + in + "' 2>'" + err + "'";
  const int status = std::system(command.c_str());
  if (status != 0) {
    png.error = "rsvg-convert exited with " + std::to_string(status) + ": " + Slurp(err);
    return png;
  }
  const std::string bytes = Slurp(out);
  if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    png.error = "not a PNG: " + out;
    return png;
  }
  const auto be32 = [&bytes](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
  };
  png.width = be32(16);
  png.height = be32(20);
  png.bytes = bytes.size();
  return png;
}

// Coordinates outside the picture ("x=\"1003.0\"", "M-2 5"), one a line; ""
// when every x, x1, x2, y, y1, y2 and absolute path move is within
// [0, width - margin_x] x [0, height - margin_y] of the root's size.
inline std::string OutOfBounds(const std::string& svg, double margin_x = 0, double margin_y = 0) {
  std::smatch size;
  if (!std::regex_search(svg, size, std::regex(R"re(width="([0-9.]+)" height="([0-9.]+)")re"))) return "no size\n";
  const double width = std::stod(size[1]) - margin_x, height = std::stod(size[2]) - margin_y;
  std::string problems;
  const std::regex xy_re(R"re(\b(x|x1|x2|y|y1|y2)="(-?[0-9.]+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), xy_re); it != std::sregex_iterator(); ++it) {
    const double v = std::stod((*it)[2]);
    if (v < 0 || v > ((*it)[1].str()[0] == 'x' ? width : height)) problems += (*it)[0].str() + "\n";
  }
  const std::regex move_re(R"re(M(-?[0-9.]+) (-?[0-9.]+))re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), move_re); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    if (x < 0 || x > width || y < 0 || y > height) problems += (*it)[0].str() + "\n";
  }
  return problems;
}

}  // namespace svg_render
