// Linux calls that Swift's Glibc module does not expose (they sit behind _GNU_SOURCE).
#ifndef CRAWLER_CLINUX_SHIM_H
#define CRAWLER_CLINUX_SHIM_H

// Flushes every dirty page of the filesystem holding `fd`: one call makes a whole batch of
// freshly written documents durable, where fsync per file costs a journal commit each.
extern int syncfs(int fd);

static inline int crawler_syncfs(int fd) {
    return syncfs(fd);
}

#include <malloc.h>

// Caps glibc's malloc arenas. By default each thread that meets a busy arena gets a new one,
// up to 8 per core, and every arena keeps its own freed memory: a crawl's pool, fetch and
// writer threads passing bodies and documents between them held several MB more than they used.
static inline void crawler_limit_malloc_arenas(int count) {
    mallopt(M_ARENA_MAX, count);
}
#endif
