# make install (cmake --install BUILD --prefix PREFIX, DESTDIR honoured):
# the programs in PREFIX/bin, libdiocheck.so in PREFIX/lib (diocheck_run and
# dioharness find it at ../lib beside themselves, dioharness finds diofs and
# mrmigrate beside itself), the man pages in PREFIX/share/man/man1.
# mount -t fuse.diofs runs mount.fuse3, whose sh(1) gets no PATH from
# mount(8) and so looks in its default path: PREFIX /usr/local (the
# default) or /usr is where `diofs` is found.
install(TARGETS diofs dioharness mrmigrate diocheck_run RUNTIME DESTINATION bin)
install(TARGETS diocheck LIBRARY DESTINATION lib)
install(FILES ${PROJECT_SOURCE_DIR}/man/diofs.1 ${PROJECT_SOURCE_DIR}/man/dioharness.1 DESTINATION share/man/man1)
