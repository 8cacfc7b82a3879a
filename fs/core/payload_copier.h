// PayloadCopier: copies a write's payload into a backend's pages, piece by
// piece, and on request computes XXH3_64bits of it in the same pass: the op
// log's data_hash (fs/oplog/LOG_FORMAT.md), without reading the payload a
// second time.
//
// Why in one pass: XXH3 is compute-bound (from L2, 25 us per MiB with
// AVX2 inlined here; Debian's libxxhash, built for baseline x86-64, takes
// 69-89), and after a 1 MiB copy the payload has left L1: a separate pass
// after the copy cost 115-139 us in diofs. Fused, copy and hash of 1 MiB
// from L2 take 35 us against 26 for memcpy alone; through a 16 MiB window
// of pages the fused pass is faster than memcpy (diofs_write_path_benchmark;
// the table "op log hash on the mem backend's write path" of
// results/bench/summary.md).
//
// The hash is XXH3_64bits exactly (tested against libxxhash for every length
// class): the stripes of the payload are accumulated in order with
// libxxhash's own AVX2 kernels, each stripe copied to its destination as it is
// read. A stripe that straddles two destination pieces (an unaligned write)
// is accumulated from the payload and copied by memcpy. Without AVX2, or for
// payloads of 240 bytes or less (XXH3's short paths), the copier copies with
// memcpy and hashes the payload at Digest().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace diofs {

class PayloadCopier {
 public:
  enum class Isa { kBest, kScalar };  // kScalar: memcpy, then one XXH3 call (tests)

  PayloadCopier(std::span<const std::byte> payload, bool hash, Isa isa = Isa::kBest);

  // Copies the next dst.size() bytes of the payload to dst. The pieces, in
  // order, must add up to the payload.
  void CopyNext(std::span<std::byte> dst);
  // XXH3_64bits(payload), 0 for an empty payload (as fs/oplog HashData).
  // Only with hash = true, after the whole payload was copied.
  std::uint64_t Digest();

  static bool HasAvx2();

 private:
  std::span<const std::byte> payload_;
  bool fused_;              // AVX2 stripes copied while hashed
  std::size_t copied_ = 0;  // payload bytes copied so far
  std::size_t stripes_done_ = 0;
  alignas(64) std::uint64_t acc_[8];
};

namespace payload_copier_avx2 {
// XXH3's accumulators, initialised (XXH3_INIT_ACC).
void Init(std::uint64_t acc[8]);
// Accumulates stripes [*stripe, end_stripe) of `payload` and advances
// *stripe; scrambles after each 16th stripe. Where `dst` is not null, also
// stores stripe s (payload bytes [64 s, 64 s + 64)) at dst + 64 s - dst_offset.
void Accumulate(std::uint64_t acc[8], const std::byte* payload, std::byte* dst, std::size_t dst_offset,
                std::size_t* stripe, std::size_t end_stripe);
// The last stripe and the merge: XXH3_64bits of the `total` bytes of payload.
std::uint64_t Finish(std::uint64_t acc[8], const std::byte* payload, std::size_t total);
}  // namespace payload_copier_avx2

}  // namespace diofs
