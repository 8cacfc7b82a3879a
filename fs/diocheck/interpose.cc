// The LD_PRELOAD edge of libdiocheck.so: every interposed libc symbol calls
// the next definition (dlsym(RTLD_NEXT)) and tells the Checker what happened,
// or asks it whether a transfer must fail. Nothing else lives here.
//
// glibc 2.36 exports each 64-bit alias (open64, pwrite64, preadv64v2, ...)
// and the _FORTIFY_SOURCE entry points (__open_2, __read_chk, ...) as their
// own symbols; a program calls whichever its headers chose, so each is
// interposed separately.
// glibc declares read(2)'s buffer write-only (attribute access); passing it on
// to the checker, which only looks at its address, makes GCC 12 at -O0 warn
// that it "may be used uninitialized". It is never read.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <new>

#include "fs/diocheck/checker.h"

#define DIOCHECK_EXPORT extern "C" __attribute__((visibility("default")))

namespace diocheck {
namespace {

// The next definition of `name`, looked up once. Calls that arrive before
// the constructor (from other libraries' constructors) look it up themselves;
// two threads racing store the same pointer.
template <typename Function>
Function Next(Function& cache, const char* name) {
  Function function = __atomic_load_n(&cache, __ATOMIC_ACQUIRE);
  if (function == nullptr) {
    function = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
    __atomic_store_n(&cache, function, __ATOMIC_RELEASE);
  }
  return function;
}

#define NEXT(name) Next(next_##name, #name)

using OpenFunction = int (*)(const char*, int, ...);
using OpenatFunction = int (*)(int, const char*, int, ...);
using FcntlFunction = int (*)(int, int, ...);
using ReadFunction = ssize_t (*)(int, void*, size_t);
using WriteFunction = ssize_t (*)(int, const void*, size_t);
using PreadFunction = ssize_t (*)(int, void*, size_t, off_t);
using PwriteFunction = ssize_t (*)(int, const void*, size_t, off_t);
using VectorFunction = ssize_t (*)(int, const struct iovec*, int);
using PvectorFunction = ssize_t (*)(int, const struct iovec*, int, off_t);
using Pvector2Function = ssize_t (*)(int, const struct iovec*, int, off_t, int);

OpenFunction next_open, next_open64;
OpenatFunction next_openat, next_openat64;
int (*next_creat)(const char*, mode_t);
int (*next_creat64)(const char*, mode_t);
int (*next___open_2)(const char*, int);
int (*next___open64_2)(const char*, int);
int (*next___openat_2)(int, const char*, int);
int (*next___openat64_2)(int, const char*, int);
FcntlFunction next_fcntl, next_fcntl64;
int (*next_dup)(int);
int (*next_dup2)(int, int);
int (*next_dup3)(int, int, int);
int (*next_close)(int);
int (*next_close_range)(unsigned, unsigned, int);
ReadFunction next_read;
WriteFunction next_write;
PreadFunction next_pread, next_pread64;
PwriteFunction next_pwrite, next_pwrite64;
VectorFunction next_readv, next_writev;
PvectorFunction next_preadv, next_preadv64, next_pwritev, next_pwritev64;
Pvector2Function next_preadv2, next_preadv64v2, next_pwritev2, next_pwritev64v2;
ssize_t (*next___read_chk)(int, void*, size_t, size_t);
ssize_t (*next___pread_chk)(int, void*, size_t, off_t, size_t);
ssize_t (*next___pread64_chk)(int, void*, size_t, off_t, size_t);
// libaio's io_submit(io_context_t, long, struct iocb**): the context is a
// pointer, the result a count or a negative errno (errno untouched).
using IoSubmitFunction = int (*)(void*, long, struct iocb**);
IoSubmitFunction next_io_submit;

std::atomic<Checker*> active_checker{nullptr};
// Static storage, never destroyed: interposed calls may come after exit()
// has started running destructors.
alignas(Checker) unsigned char checker_storage[sizeof(Checker)];

Checker* Active() { return active_checker.load(std::memory_order_acquire); }

// The fd table covers every descriptor the process may open (the hard
// RLIMIT_NOFILE, since programs such as QEMU raise the soft one), capped.
int TableCapacity() {
  constexpr rlim_t kMin = 1024, kMax = rlim_t{1} << 20;
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return static_cast<int>(kMin);
  const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? kMax : limit.rlim_max;
  return static_cast<int>(std::clamp(wanted, kMin, kMax));
}

const char* GetEnv(const char* name) { return getenv(name); }

__attribute__((constructor)) void Initialize() {
  OsCalls os{NEXT(open), NEXT(read), NEXT(write), NEXT(close), NEXT(fcntl)};
  // backtrace(3) loads libgcc's unwinder on its first call (dlopen, malloc):
  // done here, so that a report inside an interposed call allocates nothing.
  void* warm_up[2];
  if (backtrace(warm_up, 2) > 0) {
    Dl_info self{};
    if (dladdr(reinterpret_cast<const void*>(&Initialize), &self) != 0) {
      os.backtrace = backtrace;
      os.dladdr1 = dladdr1;
      os.self_base = reinterpret_cast<uintptr_t>(self.dli_fbase);
    }
  }
  if (!os.open || !os.read || !os.write || !os.close || !os.fcntl) return;
  const char* problem = nullptr;
  const Config config = ConfigFromEnvironment(GetEnv, &problem);
  if (problem != nullptr) {
    char message[256];
    LineBuffer text(message, sizeof(message));
    text.Append("libdiocheck: ");
    text.Append(problem);
    text.Append("\n");
    (void)os.write(STDERR_FILENO, message, text.size());
  }
  const int capacity = TableCapacity();
  // Zero-filled anonymous pages, touched only where fds are used.
  void* storage = mmap(nullptr, DescriptionTable::BytesFor(capacity), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (storage == MAP_FAILED) return;
  auto* checker = new (checker_storage) Checker(config, os, DescriptionTable(storage, capacity));
  active_checker.store(checker, std::memory_order_release);
}

// Runs the bookkeeping after a call with the call's errno preserved.
class ErrnoKeeper {
 public:
  ErrnoKeeper() : saved_(errno) {}
  ~ErrnoKeeper() { errno = saved_; }
  ErrnoKeeper(const ErrnoKeeper&) = delete;
  ErrnoKeeper& operator=(const ErrnoKeeper&) = delete;

 private:
  int saved_;
};

int AfterOpen(int fd, int flags) {
  if (fd >= 0) {
    if (Checker* checker = Active()) {
      ErrnoKeeper keep;
      checker->OnOpened(fd, flags);
    }
  }
  return fd;
}

int AfterDuplicate(int old_fd, int new_fd) {
  if (new_fd >= 0 && new_fd != old_fd) {
    if (Checker* checker = Active()) checker->OnDuplicated(old_fd, new_fd);
  }
  return new_fd;
}

void BeforeClose(int fd) {
  if (Checker* checker = Active()) checker->OnClosing(fd);
}

// The mode argument of open is read only when the flags say it was passed
// (O_CREAT or O_TMPFILE), as glibc does.
bool NeedsMode(int flags) { return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE; }

// True if the transfer must fail with EINVAL; errno is EINVAL then, and
// unchanged otherwise.
bool Reject(int fd, const char* call, const struct iovec* segments, int count, bool positioned,
            off_t offset) {
  Checker* checker = Active();
  if (checker == nullptr) return false;
  bool reject;
  {
    ErrnoKeeper keep;
    reject = checker->ShouldReject(Transfer{fd, call, segments, count, positioned, offset});
  }
  if (reject) errno = EINVAL;
  return reject;
}

bool RejectOne(int fd, const char* call, const void* buffer, size_t length, bool positioned,
               off_t offset) {
  const struct iovec segment{const_cast<void*>(buffer), length};
  return Reject(fd, call, &segment, 1, positioned, offset);
}

int Fcntl(FcntlFunction next, int fd, int command, void* argument) {
  const int result = next(fd, command, argument);
  if (result < 0) return result;
  Checker* checker = Active();
  if (checker == nullptr) return result;
  ErrnoKeeper keep;
  switch (command) {
    case F_GETFL:
      checker->OnStatusFlags(fd, result);
      break;
    case F_SETFL:
      // The kernel ignores flags it cannot change: record what it kept.
      if (const int kept = next(fd, F_GETFL); kept >= 0) checker->OnStatusFlags(fd, kept);
      break;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      checker->OnDuplicated(fd, result);
      break;
    default:
      break;
  }
  return result;
}

}  // namespace
}  // namespace diocheck

using namespace diocheck;  // NOLINT: the exported C symbols below

#define VARIADIC_MODE(flags)                       \
  mode_t mode = 0;                                 \
  if (NeedsMode(flags)) {                          \
    va_list arguments;                             \
    va_start(arguments, flags);                    \
    mode = static_cast<mode_t>(va_arg(arguments, int)); \
    va_end(arguments);                             \
  }

DIOCHECK_EXPORT int open(const char* path, int flags, ...) {
  VARIADIC_MODE(flags)
  return AfterOpen(NEXT(open)(path, flags, mode), flags);
}
DIOCHECK_EXPORT int open64(const char* path, int flags, ...) {
  VARIADIC_MODE(flags)
  return AfterOpen(NEXT(open64)(path, flags, mode), flags);
}
DIOCHECK_EXPORT int openat(int dir_fd, const char* path, int flags, ...) {
  VARIADIC_MODE(flags)
  return AfterOpen(NEXT(openat)(dir_fd, path, flags, mode), flags);
}
DIOCHECK_EXPORT int openat64(int dir_fd, const char* path, int flags, ...) {
  VARIADIC_MODE(flags)
  return AfterOpen(NEXT(openat64)(dir_fd, path, flags, mode), flags);
}
DIOCHECK_EXPORT int creat(const char* path, mode_t mode) {
  return AfterOpen(NEXT(creat)(path, mode), O_CREAT | O_WRONLY | O_TRUNC);
}
DIOCHECK_EXPORT int creat64(const char* path, mode_t mode) {
  return AfterOpen(NEXT(creat64)(path, mode), O_CREAT | O_WRONLY | O_TRUNC);
}
DIOCHECK_EXPORT int __open_2(const char* path, int flags) {
  return AfterOpen(NEXT(__open_2)(path, flags), flags);
}
DIOCHECK_EXPORT int __open64_2(const char* path, int flags) {
  return AfterOpen(NEXT(__open64_2)(path, flags), flags);
}
DIOCHECK_EXPORT int __openat_2(int dir_fd, const char* path, int flags) {
  return AfterOpen(NEXT(__openat_2)(dir_fd, path, flags), flags);
}
DIOCHECK_EXPORT int __openat64_2(int dir_fd, const char* path, int flags) {
  return AfterOpen(NEXT(__openat64_2)(dir_fd, path, flags), flags);
}

// fcntl's third argument is an int or a pointer depending on the command;
// like glibc, take it as a pointer-sized value and pass it on unchanged.
DIOCHECK_EXPORT int fcntl(int fd, int command, ...) {
  va_list arguments;
  va_start(arguments, command);
  void* argument = va_arg(arguments, void*);
  va_end(arguments);
  return Fcntl(NEXT(fcntl), fd, command, argument);
}
DIOCHECK_EXPORT int fcntl64(int fd, int command, ...) {
  va_list arguments;
  va_start(arguments, command);
  void* argument = va_arg(arguments, void*);
  va_end(arguments);
  return Fcntl(NEXT(fcntl64), fd, command, argument);
}

DIOCHECK_EXPORT int dup(int fd) noexcept { return AfterDuplicate(fd, NEXT(dup)(fd)); }
DIOCHECK_EXPORT int dup2(int fd, int new_fd) noexcept {
  return AfterDuplicate(fd, NEXT(dup2)(fd, new_fd));
}
DIOCHECK_EXPORT int dup3(int fd, int new_fd, int flags) noexcept {
  return AfterDuplicate(fd, NEXT(dup3)(fd, new_fd, flags));
}
DIOCHECK_EXPORT int close(int fd) {
  BeforeClose(fd);
  return NEXT(close)(fd);
}
DIOCHECK_EXPORT int close_range(unsigned first, unsigned last, int flags) noexcept {
  if ((flags & CLOSE_RANGE_CLOEXEC) == 0) {
    if (Checker* checker = Active()) checker->OnClosingRange(first, last);
  }
  return NEXT(close_range)(first, last, flags);
}

#define CHECK_ONE_SEGMENT(name, ...)                                          \
  if (RejectOne(fd, #name, buffer, count, POSITIONED, OFFSET)) return -1; \
  return NEXT(name)(__VA_ARGS__)

#define POSITIONED false
#define OFFSET 0
DIOCHECK_EXPORT ssize_t read(int fd, void* buffer, size_t count) {
  CHECK_ONE_SEGMENT(read, fd, buffer, count);
}
DIOCHECK_EXPORT ssize_t write(int fd, const void* buffer, size_t count) {
  CHECK_ONE_SEGMENT(write, fd, buffer, count);
}
DIOCHECK_EXPORT ssize_t __read_chk(int fd, void* buffer, size_t count, size_t buffer_size) {
  CHECK_ONE_SEGMENT(__read_chk, fd, buffer, count, buffer_size);
}
DIOCHECK_EXPORT ssize_t readv(int fd, const struct iovec* segments, int count) {
  if (Reject(fd, "readv", segments, count, false, 0)) return -1;
  return NEXT(readv)(fd, segments, count);
}
DIOCHECK_EXPORT ssize_t writev(int fd, const struct iovec* segments, int count) {
  if (Reject(fd, "writev", segments, count, false, 0)) return -1;
  return NEXT(writev)(fd, segments, count);
}
#undef POSITIONED
#undef OFFSET

#define POSITIONED true
#define OFFSET offset
DIOCHECK_EXPORT ssize_t pread(int fd, void* buffer, size_t count, off_t offset) {
  CHECK_ONE_SEGMENT(pread, fd, buffer, count, offset);
}
DIOCHECK_EXPORT ssize_t pread64(int fd, void* buffer, size_t count, off_t offset) {
  CHECK_ONE_SEGMENT(pread64, fd, buffer, count, offset);
}
DIOCHECK_EXPORT ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  CHECK_ONE_SEGMENT(pwrite, fd, buffer, count, offset);
}
DIOCHECK_EXPORT ssize_t pwrite64(int fd, const void* buffer, size_t count, off_t offset) {
  CHECK_ONE_SEGMENT(pwrite64, fd, buffer, count, offset);
}
DIOCHECK_EXPORT ssize_t __pread_chk(int fd, void* buffer, size_t count, off_t offset,
                                    size_t buffer_size) {
  CHECK_ONE_SEGMENT(__pread_chk, fd, buffer, count, offset, buffer_size);
}
DIOCHECK_EXPORT ssize_t __pread64_chk(int fd, void* buffer, size_t count, off_t offset,
                                      size_t buffer_size) {
  CHECK_ONE_SEGMENT(__pread64_chk, fd, buffer, count, offset, buffer_size);
}
#undef POSITIONED
#undef OFFSET

#define VECTOR_AT(name)                                                        \
  DIOCHECK_EXPORT ssize_t name(int fd, const struct iovec* segments, int count, off_t offset) { \
    if (Reject(fd, #name, segments, count, true, offset)) return -1;           \
    return NEXT(name)(fd, segments, count, offset);                            \
  }
VECTOR_AT(preadv)
VECTOR_AT(preadv64)
VECTOR_AT(pwritev)
VECTOR_AT(pwritev64)

// The v2 calls take offset -1 to mean "at the file position".
#define VECTOR_AT2(name)                                                                  \
  DIOCHECK_EXPORT ssize_t name(int fd, const struct iovec* segments, int count, off_t offset, \
                               int flags) {                                               \
    if (Reject(fd, #name, segments, count, offset != -1, offset)) return -1;              \
    return NEXT(name)(fd, segments, count, offset, flags);                                \
  }
VECTOR_AT2(preadv2)
VECTOR_AT2(preadv64v2)
VECTOR_AT2(pwritev2)
VECTOR_AT2(pwritev64v2)

// Linux AIO through libaio (fio's libaio engine, QEMU's linux-aio, InnoDB):
// each iocb of a transfer is checked as pwrite/pread/pwritev/preadv are.
// A strict device reports a misaligned O_DIRECT iocb as res -EINVAL in its
// completion event; the library cannot make one, so it refuses at
// submission instead: the iocbs before the bad one are submitted and their
// count returned, or -EINVAL when it is the first (io_submit(2): "fewer
// than nr" or the error). Callers that check either way see the failure.
namespace diocheck {
namespace {

bool IocbTransfer(const struct iocb& cb, struct iovec& one, Transfer& transfer) {
  transfer.fd = static_cast<int>(cb.aio_fildes);
  transfer.positioned = true;
  transfer.offset = cb.aio_offset;
  switch (cb.aio_lio_opcode) {
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREAD:
      one = {reinterpret_cast<void*>(static_cast<uintptr_t>(cb.aio_buf)), static_cast<size_t>(cb.aio_nbytes)};
      transfer.segments = &one;
      transfer.segment_count = 1;
      transfer.call = cb.aio_lio_opcode == IOCB_CMD_PWRITE ? "io_submit:pwrite" : "io_submit:pread";
      return true;
    case IOCB_CMD_PWRITEV:
    case IOCB_CMD_PREADV:
      transfer.segments = reinterpret_cast<const struct iovec*>(static_cast<uintptr_t>(cb.aio_buf));
      // The checker lets a count the kernel refuses (over IOV_MAX) through to it.
      transfer.segment_count = cb.aio_nbytes > INT32_MAX ? -1 : static_cast<int>(cb.aio_nbytes);
      transfer.call = cb.aio_lio_opcode == IOCB_CMD_PWRITEV ? "io_submit:pwritev" : "io_submit:preadv";
      return true;
    default:
      return false;  // fsync, poll, noop: no buffer
  }
}

int NextIoSubmit(void* context, long count, struct iocb** iocbs) {
  if (IoSubmitFunction next = NEXT(io_submit)) return next(context, count, iocbs);
  // A program that defines no libaio: the system call, with libaio's result convention.
  const long result = syscall(SYS_io_submit, context, count, iocbs);
  return result < 0 ? -errno : static_cast<int>(result);
}

}  // namespace
}  // namespace diocheck

DIOCHECK_EXPORT int io_submit(void* context, long count, struct iocb** iocbs) {
  Checker* checker = Active();
  if (checker == nullptr || count <= 0 || iocbs == nullptr) return NextIoSubmit(context, count, iocbs);
  for (long i = 0; i < count; ++i) {
    if (iocbs[i] == nullptr) break;  // the kernel answers EFAULT for it
    struct iovec one;
    Transfer transfer;
    if (!IocbTransfer(*iocbs[i], one, transfer)) continue;
    bool reject;
    {
      ErrnoKeeper keep;
      reject = checker->ShouldReject(transfer);
    }
    if (reject) return i == 0 ? -EINVAL : NextIoSubmit(context, i, iocbs);
  }
  return NextIoSubmit(context, count, iocbs);
}

// io_uring cannot be checked from here (DIOCHECK.md, Limits): transfers are
// entries in a ring shared with the kernel. Its setup is seen, so that the
// program and a report learn that its buffers went unchecked. fio's io_uring
// engine calls syscall(__NR_io_uring_setup); liburing makes the system call
// itself, inside io_uring_queue_init*, which are dynamic symbols.
namespace diocheck {
namespace {

long (*next_syscall)(long, ...);
int (*next_io_uring_queue_init)(unsigned, void*, unsigned);
int (*next_io_uring_queue_init_params)(unsigned, void*, void*);

void NoteIoUring(const char* call) {
  if (Checker* checker = Active()) {
    ErrnoKeeper keep;
    checker->NoteIoUring(call);
  }
}

// Looked up at start: syscall() may first be called where dlsym must not
// run (libstdc++'s futex waits).
__attribute__((constructor)) void ResolveSyscall() { (void)NEXT(syscall); }

}  // namespace
}  // namespace diocheck

// glibc's syscall(2) reads six argument registers whatever the call needs;
// so does this, and passes them on.
DIOCHECK_EXPORT long syscall(long number, ...) noexcept {
  va_list list;
  va_start(list, number);
  long a[6];
  for (long& argument : a) argument = va_arg(list, long);
  va_end(list);
  if (number == SYS_io_uring_setup) NoteIoUring("io_uring_setup");
  return NEXT(syscall)(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

DIOCHECK_EXPORT int io_uring_queue_init(unsigned entries, void* ring, unsigned flags) {
  NoteIoUring("io_uring_queue_init");
  auto next = NEXT(io_uring_queue_init);
  return next != nullptr ? next(entries, ring, flags) : -ENOSYS;
}

DIOCHECK_EXPORT int io_uring_queue_init_params(unsigned entries, void* ring, void* params) {
  NoteIoUring("io_uring_queue_init_params");
  auto next = NEXT(io_uring_queue_init_params);
  return next != nullptr ? next(entries, ring, params) : -ENOSYS;
}
