#include "fs/core/payload_copier.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace diofs {
namespace {
constexpr std::size_t kStripe = 64;
constexpr std::size_t kShortMax = 240;  // XXH3_64bits hashes up to this many bytes without stripes
}  // namespace

bool PayloadCopier::HasAvx2() {
  static const bool kAvx2 = __builtin_cpu_supports("avx2");
  return kAvx2;
}

PayloadCopier::PayloadCopier(std::span<const std::byte> payload, bool hash, Isa isa)
    : payload_(payload), fused_(hash && isa == Isa::kBest && payload.size() > kShortMax && HasAvx2()) {
  if (fused_) payload_copier_avx2::Init(acc_);
}

void PayloadCopier::CopyNext(std::span<std::byte> dst) {
  if (dst.empty()) return;  // memcpy must not see the null data() of an empty span
  const std::size_t begin = copied_, end = copied_ + dst.size();
  copied_ = end;
  if (!fused_) {
    std::memcpy(dst.data(), payload_.data() + begin, dst.size());
    return;
  }
  // The main loop takes stripes [0, (size - 1) / 64); the last 64 bytes are
  // hashed apart at Digest() (XXH3_hashLong_internal_loop).
  const std::size_t main_stripes = (payload_.size() - 1) / kStripe;
  // A stripe begun in an earlier piece: hashed from the payload, its bytes
  // here copied below with the head.
  const std::size_t straddling_end = std::min(main_stripes, end / kStripe);
  if (stripes_done_ < straddling_end && stripes_done_ * kStripe < begin) {
    payload_copier_avx2::Accumulate(acc_, payload_.data(), nullptr, 0, &stripes_done_, stripes_done_ + 1);
  }
  std::size_t fused_begin = end, fused_end = end;  // payload bytes copied by the fused loop
  if (stripes_done_ < straddling_end && stripes_done_ * kStripe >= begin) {
    fused_begin = stripes_done_ * kStripe;
    payload_copier_avx2::Accumulate(acc_, payload_.data(), dst.data(), begin, &stripes_done_, straddling_end);
    fused_end = stripes_done_ * kStripe;
  }
  if (fused_begin > begin) std::memcpy(dst.data(), payload_.data() + begin, fused_begin - begin);
  if (end > fused_end) std::memcpy(dst.data() + (fused_end - begin), payload_.data() + fused_end, end - fused_end);
}

std::uint64_t PayloadCopier::Digest() {
  if (payload_.empty()) return 0;
  if (!fused_) return XXH3_64bits(payload_.data(), payload_.size());
  payload_copier_avx2::Accumulate(acc_, payload_.data(), nullptr, 0, &stripes_done_, (payload_.size() - 1) / kStripe);
  return payload_copier_avx2::Finish(acc_, payload_.data(), payload_.size());
}

}  // namespace diofs
