#include "fs/core/payload_copier.h"

#include <xxhash.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace diofs {
namespace {

std::vector<std::byte> RandomBytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

std::uint64_t Xxh3(const std::vector<std::byte>& data) { return data.empty() ? 0 : XXH3_64bits(data.data(), data.size()); }

// Copies `payload` in pieces of the given sizes (the last takes the rest) and
// returns the copy and the digest.
std::pair<std::vector<std::byte>, std::uint64_t> CopyInPieces(const std::vector<std::byte>& payload,
                                                             const std::vector<std::size_t>& pieces,
                                                             PayloadCopier::Isa isa) {
  std::vector<std::byte> out(payload.size(), std::byte{0xEE});
  PayloadCopier copier(payload, /*hash=*/true, isa);
  std::size_t at = 0;
  for (std::size_t piece : pieces) {
    piece = std::min(piece, payload.size() - at);
    copier.CopyNext({out.data() + at, piece});
    at += piece;
  }
  copier.CopyNext({out.data() + at, payload.size() - at});
  return {out, copier.Digest()};
}

// Every length class of XXH3: short (<= 240), one partial block, whole
// blocks of 1024 and a multiple of the stripe, and a final stripe that
// overlaps the main loop's.
const std::size_t kLengths[] = {0,    1,    3,    16,   17,   128,  129,  240,  241,  255,  256,   257,
                                1023, 1024, 1025, 1087, 1088, 1089, 2048, 4095, 4096, 4097, 65536, 1u << 20};

TEST(PayloadCopierTest, DigestIsXxh3AndTheCopyIsExactInOnePiece) {
  for (const auto isa : {PayloadCopier::Isa::kBest, PayloadCopier::Isa::kScalar}) {
    for (const std::size_t n : kLengths) {
      const auto payload = RandomBytes(n, static_cast<std::uint32_t>(n));
      const auto [copy, digest] = CopyInPieces(payload, {}, isa);
      EXPECT_EQ(copy, payload) << n;
      EXPECT_EQ(digest, Xxh3(payload)) << "length " << n << (isa == PayloadCopier::Isa::kScalar ? " scalar" : "");
    }
  }
}

TEST(PayloadCopierTest, PiecesOfEveryShapeGiveTheSameCopyAndDigest) {
  // 4 KiB pages reached at a stripe-aligned offset (the fused path), at odd
  // offsets (stripes straddle pieces), and pieces shorter than a stripe.
  const std::vector<std::vector<std::size_t>> shapes = {
      {4096, 4096, 4096}, {4032, 4096, 4096}, {100, 4096, 4096}, {1, 1, 1, 61, 64, 65, 7}, {63, 1, 63, 1, 30000},
      {512, 512, 512, 512}, {3000, 5000}};
  std::mt19937 rng(7);
  for (const std::size_t n : {std::size_t{241}, std::size_t{5000}, std::size_t{70001}, std::size_t{1} << 20}) {
    const auto payload = RandomBytes(n, static_cast<std::uint32_t>(n) + 1);
    auto all_shapes = shapes;
    std::vector<std::size_t> random_pieces;
    for (int i = 0; i < 200; ++i) random_pieces.push_back(1 + rng() % 9000);
    all_shapes.push_back(random_pieces);
    for (const auto& shape : all_shapes) {
      const auto [copy, digest] = CopyInPieces(payload, shape, PayloadCopier::Isa::kBest);
      EXPECT_EQ(copy, payload) << n;
      EXPECT_EQ(digest, Xxh3(payload)) << "length " << n << ", first piece " << shape[0];
    }
  }
}

TEST(PayloadCopierTest, WithoutHashItOnlyCopies) {
  const auto payload = RandomBytes(10000, 3);
  std::vector<std::byte> out(payload.size());
  PayloadCopier copier(payload, /*hash=*/false);
  copier.CopyNext({out.data(), 4000});
  copier.CopyNext({out.data() + 4000, 6000});
  EXPECT_EQ(out, payload);
}

}  // namespace
}  // namespace diofs
