/* aio_probe FILE: Linux AIO through libaio on an O_DIRECT descriptor, as
 * fio's libaio engine and QEMU's linux-aio submit it. Prints one line per
 * step, "<step> <result> <errno>" (io_submit returns a negative errno, as
 * libaio does; errno is 0 there):
 *   aligned     one IOCB_CMD_PWRITE from a 4096-aligned buffer, then its event's res
 *   misaligned  one IOCB_CMD_PWRITE from malloc()+8
 *   second-bad  two iocbs, the second misaligned: how many were submitted
 *   pwritev     IOCB_CMD_PWRITEV whose second segment is misaligned
 *   fsync       IOCB_CMD_FSYNC (no buffer: never checked) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static io_context_t context;

static void Reap(int expected, const char* step) {
  struct io_event events[4];
  const int got = io_getevents(context, expected, expected, events, NULL);
  printf("%s %ld %d\n", step, got == expected ? (long)events[0].res : -1L, got == expected ? 0 : -got);
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const int fd = open(argv[1], O_RDWR | O_CREAT | O_DIRECT, 0644);
  if (fd < 0 || io_setup(8, &context) != 0) return 2;
  char* aligned = aligned_alloc(4096, 4 * 4096);
  char* heap = malloc(2 * 4096);
  memset(aligned, 'a', 4 * 4096);
  struct iocb first, second;
  struct iocb* iocbs[2] = {&first, &second};

  io_prep_pwrite(&first, fd, aligned, 4096, 0);
  int submitted = io_submit(context, 1, iocbs);
  printf("aligned %d 0\n", submitted);
  if (submitted == 1) Reap(1, "aligned-event");

  io_prep_pwrite(&first, fd, heap + 8, 4096, 0);
  printf("misaligned %d 0\n", io_submit(context, 1, iocbs));

  io_prep_pwrite(&first, fd, aligned, 4096, 4096);
  io_prep_pwrite(&second, fd, heap + 8, 4096, 8192);
  submitted = io_submit(context, 2, iocbs);
  printf("second-bad %d 0\n", submitted);
  if (submitted > 0) Reap(submitted, "second-bad-event");

  struct iovec segments[2] = {{aligned, 4096}, {aligned + 4096 + 8, 4096}};
  io_prep_pwritev(&first, fd, segments, 2, 0);
  printf("pwritev %d 0\n", io_submit(context, 1, iocbs));

  io_prep_fsync(&first, fd);
  submitted = io_submit(context, 1, iocbs);
  printf("fsync %d 0\n", submitted);
  if (submitted == 1) Reap(1, "fsync-event");
  io_destroy(context);
  free(heap);
  free(aligned);
  close(fd);
  return 0;
}
