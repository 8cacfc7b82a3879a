// The call site of a refused call: a few frames of the caller's stack, each
// named as dladdr1(3) finds it, "main+0x4f (/tmp/prog+0x1189)" (symbol and
// offset when the object exports one, then the object and the address
// addr2line(1) takes), or "/tmp/prog+0x1189" alone.
//
// Frames come from backtrace(3) (the unwind tables, so programs built
// without frame pointers work too); the library's own frames are skipped,
// and so are a sanitizer runtime's (under ASan, backtrace() and the transfer
// calls are its interceptors: their frames are never the caller's code).
// Each address is the return address less one: inside the call
// instruction, so that addr2line names the line of the call. No
// allocation: the text lives in the CallSite.
#pragma once

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace diocheck {

// dladdr1(address, info, extra, RTLD_DL_LINKMAP): the object, symbol and load bias of an address.
using Dladdr1Function = int (*)(const void* address, Dl_info* info, void** extra, int flags);

class CallSite {
 public:
  static constexpr int kMaxFrames = 4;
  static constexpr size_t kFrameText = 320;  // a frame's text is cut there (a long object path)

  int size() const { return count_; }
  std::string_view frame(int i) const { return {text_[i], lengths_[i]}; }
  // Appends the frame of return address `address`. `program` names the main
  // program (dladdr1 names it as it was started, maybe relative: "fio").
  void Add(uintptr_t address, Dladdr1Function dladdr1, std::string_view program = {});

 private:
  char text_[kMaxFrames][kFrameText] = {};
  size_t lengths_[kMaxFrames] = {};
  int count_ = 0;
};

// Whether `object` (a path as dladdr names it) is a sanitizer runtime:
// libasan.so.8, libtsan.so.2, libclang_rt.asan-x86_64.so ...
bool IsSanitizerRuntime(std::string_view object);

// The call site of the return addresses `frames` (innermost first, as
// backtrace() gives them): the first kMaxFrames that are not inside the
// object loaded at `self_base` (the library itself; 0: skip none) nor in a
// sanitizer runtime. The main program is named `program` (its
// /proc/self/exe), when given.
void DescribeCallSite(void* const* frames, int count, uintptr_t self_base, Dladdr1Function dladdr1,
                      std::string_view program, CallSite& out);

}  // namespace diocheck
