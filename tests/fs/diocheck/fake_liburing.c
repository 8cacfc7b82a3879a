/* A stand-in for liburing's io_uring_queue_init (liburing-dev is not a
 * build dependency): uring_probe links it, so that libdiocheck's
 * interposer of the real symbol can be seen to run and pass the call on. */
int io_uring_queue_init(unsigned entries, void* ring, unsigned flags);

int io_uring_queue_init(unsigned entries, void* ring, unsigned flags) {
  (void)ring;
  return (int)(entries + flags); /* what the caller can check it got */
}
