#include "migration/ram/page_content.h"

#include <cerrno>
#include <cstring>

namespace mrm::ram {
namespace {

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a of the idstr mixed with the other coordinates.
uint64_t Key(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass, uint64_t purpose) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : idstr) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  uint64_t state = h ^ spec.seed;
  SplitMix(state);
  state ^= page * 0xd6e8feb86659fd93ULL;
  SplitMix(state);
  state ^= (static_cast<uint64_t>(pass) << 8) ^ purpose;
  return SplitMix(state);
}

bool Draw(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass, uint64_t purpose,
          double fraction) {
  if (fraction <= 0.0) return false;
  if (fraction >= 1.0) return true;
  const double u = static_cast<double>(Key(spec, idstr, page, pass, purpose) >> 11) * 0x1.0p-53;
  return u < fraction;
}

}  // namespace

bool IsDirtiedAt(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass) {
  return pass == 0 || Draw(spec, idstr, page, pass, /*purpose=*/1, spec.dirty_fraction);
}

uint32_t CurrentVersion(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass) {
  for (uint32_t p = pass; p > 0; --p) {
    if (IsDirtiedAt(spec, idstr, page, p)) return p;
  }
  return 0;
}

bool IsZeroVersion(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t version) {
  return Draw(spec, idstr, page, version, /*purpose=*/2, spec.zero_fraction);
}

void FillExpectedPage(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass, uint8_t* out) {
  const uint32_t version = CurrentVersion(spec, idstr, page, pass);
  if (IsZeroVersion(spec, idstr, page, version)) {
    std::memset(out, 0, kPageSize);
    return;
  }
  uint64_t state = Key(spec, idstr, page, version, /*purpose=*/3);
  for (uint64_t i = 0; i < kPageSize; i += 8) {
    uint64_t v = SplitMix(state);
    if (i == 0) v |= 1;  // a data page is never all zero
    std::memcpy(out + i, &v, 8);
  }
}

dioh::Status VerifyPage(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass,
                        const uint8_t* actual) {
  alignas(64) uint8_t expected[kPageSize];
  FillExpectedPage(spec, idstr, page, pass, expected);
  if (std::memcmp(expected, actual, kPageSize) == 0) return dioh::Status::Ok();
  size_t first = 0;
  while (expected[first] == actual[first]) ++first;
  const bool zero = IsZeroVersion(spec, idstr, page, CurrentVersion(spec, idstr, page, pass));
  return dioh::Status::Error(EIO, "RAM block " + std::string(idstr) + " page " + std::to_string(page) +
                                      " differs from the source at byte " + std::to_string(first) +
                                      " (expected a " + (zero ? "zero" : "data") + " page of pass " +
                                      std::to_string(pass) + ")");
}

}  // namespace mrm::ram
