// The AVX2 half of PayloadCopier (this file alone is built with -mavx2; it
// is called only when the CPU has AVX2). The stripe, block and finishing
// rules are XXH3_hashLong_64b's (xxhash.h, XXH3_hashLong_internal_loop and
// XXH3_hashLong_64b_internal) with the default secret; the kernels are
// libxxhash's own, inlined, so the result is XXH3_64bits bit for bit.
#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <immintrin.h>
#include <xxhash.h>

#include <cstring>

#include "fs/core/payload_copier.h"

namespace diofs::payload_copier_avx2 {
namespace {
constexpr std::size_t kStripe = XXH_STRIPE_LEN;                                           // 64
constexpr std::size_t kStripesPerBlock = (sizeof(XXH3_kSecret) - kStripe) / XXH_SECRET_CONSUME_RATE;  // 16
}  // namespace

void Init(std::uint64_t acc[8]) {
  const std::uint64_t init[8] = XXH3_INIT_ACC;
  for (int i = 0; i < 8; ++i) acc[i] = init[i];
}

void Accumulate(std::uint64_t acc_io[8], const std::byte* payload, std::byte* dst, std::size_t dst_offset,
                std::size_t* stripe, std::size_t end_stripe) {
  // The accumulators live in a local copy: a store through `dst` (bytes,
  // which may alias anything) would otherwise make the compiler store and
  // reload them around every stripe, which cost more than the hash itself
  // (60 us per MiB against 25 for XXH3 and 24 for memcpy, from L2).
  alignas(32) std::uint64_t acc[8];
  std::memcpy(acc, acc_io, sizeof(acc));
  for (std::size_t s = *stripe; s < end_stripe; ++s) {
    const std::byte* in = payload + s * kStripe;
    XXH3_accumulate_512_avx2(acc, in, XXH3_kSecret + (s % kStripesPerBlock) * XXH_SECRET_CONSUME_RATE);
    if (dst != nullptr) {
      // The loads above left the stripe in L1: copying it now is the cheap part.
      std::byte* out = dst + (s * kStripe - dst_offset);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32),
                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 32)));
    }
    if (s % kStripesPerBlock == kStripesPerBlock - 1) {
      XXH3_scrambleAcc_avx2(acc, XXH3_kSecret + sizeof(XXH3_kSecret) - kStripe);
    }
  }
  std::memcpy(acc_io, acc, sizeof(acc));
  *stripe = end_stripe > *stripe ? end_stripe : *stripe;
}

std::uint64_t Finish(std::uint64_t acc[8], const std::byte* payload, std::size_t total) {
  XXH3_accumulate_512_avx2(acc, payload + total - kStripe,
                           XXH3_kSecret + sizeof(XXH3_kSecret) - kStripe - XXH_SECRET_LASTACC_START);
  return XXH3_mergeAccs(acc, XXH3_kSecret + XXH_SECRET_MERGEACCS_START, static_cast<xxh_u64>(total) * XXH_PRIME64_1);
}

}  // namespace diofs::payload_copier_avx2
