/* uring_probe syscall|liburing: sets up io_uring as programs do, for the
 * preload tests (libdiocheck cannot check io_uring buffers; it says so).
 *   syscall   two io_uring_setup system calls through syscall(2), as fio's
 *             io_uring engine makes them: "setup <ok|errno>" each
 *   liburing  io_uring_queue_init(40, ..., 2) of (fake) liburing: "init 42"
 *   none      a getpid through syscall(2): "pid <ok>" (not io_uring) */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int io_uring_queue_init(unsigned entries, void* ring, unsigned flags);

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  if (strcmp(argv[1], "syscall") == 0) {
    for (int i = 0; i < 2; ++i) {
      struct io_uring_params params;
      memset(&params, 0, sizeof params);
      const long fd = syscall(SYS_io_uring_setup, 4, &params);
      /* io_uring may be disabled (sysctl, seccomp): the setup was still made. */
      printf("setup %s\n", fd >= 0 ? "ok" : strerror(errno));
      if (fd >= 0) close((int)fd);
    }
  } else if (strcmp(argv[1], "liburing") == 0) {
    char ring[256];
    printf("init %d\n", io_uring_queue_init(40, ring, 2));
  } else {
    printf("pid %s\n", syscall(SYS_getpid) == getpid() ? "ok" : "wrong");
  }
  return 0;
}
