// Linux calls that Swift's Glibc module does not expose (they sit behind _GNU_SOURCE).
#ifndef CRAWLER_CLINUX_SHIM_H
#define CRAWLER_CLINUX_SHIM_H

// Flushes every dirty page of the filesystem holding `fd`: one call makes a whole batch of
// freshly written documents durable, where fsync per file costs a journal commit each.
extern int syncfs(int fd);

static inline int crawler_syncfs(int fd) {
    return syncfs(fd);
}
#endif
