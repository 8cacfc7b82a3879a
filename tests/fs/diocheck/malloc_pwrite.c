/* malloc_pwrite FILE: what many programs do, and what a strict disk
 * refuses: an O_DIRECT write from a buffer malloc(3) gave, aligned to 16
 * bytes, not to the device. Prints the address's remainder modulo 4096 and
 * what pwrite did; exits 1 when pwrite failed. The preload tests run it and
 * find this file's pwrite line from the call site libdiocheck reports. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: malloc_pwrite FILE\n");
    return 2;
  }
  const int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0644);
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  /* glibc's malloc puts a 4 KiB block 16 bytes past a page boundary; some
   * allocators (ThreadSanitizer's) hand it out page-aligned: then the
   * buffer starts 16 bytes in, as glibc would have placed it. */
  char* block = malloc(4096 + 16);
  char* buffer = (uintptr_t)block % 512 == 0 ? block + 16 : block;
  memset(buffer, 'x', 4096);
  printf("remainder %lu\n", (unsigned long)((uintptr_t)buffer % 4096));
  const ssize_t written = pwrite(fd, buffer, 4096, 0); /* the call site */
  printf("pwrite %zd %d\n", written, written < 0 ? errno : 0);
  free(block);
  close(fd);
  return written < 0 ? 1 : 0;
}
