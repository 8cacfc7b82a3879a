#include "fs/diocheck/call_site.h"

#include <link.h>

#include "fs/diocheck/line_buffer.h"

namespace diocheck {

bool IsSanitizerRuntime(std::string_view object) {
  const size_t slash = object.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? object : object.substr(slash + 1);
  for (const std::string_view runtime : {"libasan.", "libtsan.", "libubsan.", "liblsan.", "libhwasan.", "libclang_rt."}) {
    if (name.starts_with(runtime)) return true;
  }
  return false;
}

void CallSite::Add(uintptr_t address, Dladdr1Function dladdr1, std::string_view program) {
  if (count_ == kMaxFrames) return;
  const uintptr_t call = address - 1;  // inside the call instruction, not after it
  LineBuffer out(text_[count_], kFrameText);
  Dl_info info{};
  link_map* map = nullptr;
  if (dladdr1 == nullptr ||
      dladdr1(reinterpret_cast<const void*>(call), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) == 0 ||
      map == nullptr) {
    out.AppendHex(call);  // unknown object: the bare address
  } else {
    const bool symbol = info.dli_sname != nullptr && info.dli_saddr != nullptr;
    if (symbol) {
      out.Append(info.dli_sname);
      out.Append("+");
      out.AppendHex(call - reinterpret_cast<uintptr_t>(info.dli_saddr));
      out.Append(" (");
    }
    // The main program's link map has an empty name. l_addr is the load
    // bias: what addr2line wants subtracted (0 for a non-PIE program).
    const bool main_program = map->l_name == nullptr || map->l_name[0] == '\0';
    if (main_program && !program.empty()) {
      out.Append(program);
    } else {
      out.Append(info.dli_fname != nullptr && *info.dli_fname != '\0' ? info.dli_fname : "?");
    }
    out.Append("+");
    out.AppendHex(call - map->l_addr);
    if (symbol) out.Append(")");
  }
  lengths_[count_] = out.size();
  ++count_;
}

void DescribeCallSite(void* const* frames, int count, uintptr_t self_base, Dladdr1Function dladdr1,
                      std::string_view program, CallSite& out) {
  for (int i = 0; i < count && out.size() < CallSite::kMaxFrames; ++i) {
    const auto address = reinterpret_cast<uintptr_t>(frames[i]);
    if (dladdr1 != nullptr) {
      Dl_info info{};
      link_map* map = nullptr;
      if (dladdr1(frames[i], &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) != 0) {
        if (self_base != 0 && reinterpret_cast<uintptr_t>(info.dli_fbase) == self_base) continue;  // the library's own
        if (info.dli_fname != nullptr && IsSanitizerRuntime(info.dli_fname)) continue;
      }
    }
    out.Add(address, dladdr1, program);
  }
}

}  // namespace diocheck
