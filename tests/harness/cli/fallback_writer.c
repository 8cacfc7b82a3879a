/* fallback_writer FILE: what a program does that "supports" O_DIRECT by
 * falling back: open(O_DIRECT); on EINVAL, open buffered and write two 4 KiB
 * blocks anyway. Exits 0 either way, as such programs do: only the fixture
 * can tell the fallback happened (dioharness exec's no-fallback check). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fallback_writer FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_DIRECT, 0644);
  if (fd < 0 && errno == EINVAL) fd = open(argv[1], O_WRONLY | O_CREAT, 0644); /* the silent fallback */
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  void* buffer = NULL;
  if (posix_memalign(&buffer, 4096, 8192) != 0) return 2;
  memset(buffer, 'f', 8192);
  const int ok = pwrite(fd, buffer, 4096, 0) == 4096 && pwrite(fd, (char*)buffer + 4096, 4096, 4096) == 4096;
  free(buffer);
  close(fd);
  return ok ? 0 : 2;
}
