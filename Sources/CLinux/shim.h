// Linux calls that Swift's Glibc module does not expose (they sit behind _GNU_SOURCE).
#ifndef CRAWLER_CLINUX_SHIM_H
#define CRAWLER_CLINUX_SHIM_H

// Flushes every dirty page of the filesystem holding `fd`: one call makes a whole batch of
// freshly written documents durable, where fsync per file costs a journal commit each.
extern int syncfs(int fd);

static inline int crawler_syncfs(int fd) {
    return syncfs(fd);
}

#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>

// Both sit behind _GNU_SOURCE; the values are Linux's own.
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

// An unnamed file in the folder open as `folder` (O_TMPFILE): it gets a name only when linked,
// so a crash leaves nothing behind, and putting it in place costs one directory entry where a
// temp file costs three changes (its entry, the entry's removal, the new entry).
static inline int crawler_open_unnamed(int folder) {
    return openat(folder, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
}

// Names an unnamed file `name` in the folder open as `folder`; fails with EEXIST if the name is
// taken (even by a symbolic link: linkat never follows the new name). Directly (AT_EMPTY_PATH)
// when the process may (CAP_DAC_READ_SEARCH), else through /proc, which costs a path walk per file.
static inline int crawler_link_unnamed(int fd, int folder, const char *name, int through_proc) {
    if (!through_proc) return linkat(fd, "", folder, name, AT_EMPTY_PATH);
    char source[40];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, source, folder, name, AT_SYMLINK_FOLLOW);
}

// Raises the soft limit on open files to the hard one: a store batch holds one descriptor per
// document until its files are durable (systemd's soft default is 1,024; its hard one far more).
static inline void crawler_raise_open_file_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The soft limit on open files (0 when unknown).
static inline long crawler_open_file_limit(void) {
    struct rlimit limit;
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 ? (long)limit.rlim_cur : 0;
}

// The soft limits on address space and on this user's processes and threads, in bytes and in
// tasks; -1 when unlimited or unknown. RLIMIT_NPROC is not exported by Swift's Glibc module in
// every build configuration, so both are read here.
static inline long long crawler_soft_limit(int resource) {
    struct rlimit limit;
    if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
    return (long long)limit.rlim_cur;
}

static inline long long crawler_address_space_limit(void) {
    return crawler_soft_limit(RLIMIT_AS);
}

static inline long long crawler_process_limit(void) {
    return crawler_soft_limit(RLIMIT_NPROC);
}

#include <signal.h>
#include <string.h>

// SIGBUS comes when a page of a memory-mapped file cannot be backed: SQLite's shared-memory
// file (index.sqlite-shm) on a full filesystem whose blocks are smaller than a page (ext4 made
// with 1 KiB blocks, as mkfs makes a small one): SQLite allocates one block of each page and
// writes the rest through the mapping. Said, with exit status 3, rather than a bare "Bus error".
static void crawler_on_bus_error(int signal) {
    static const char message[] = "crawler: bus error: a memory-mapped file could not be backed by the disk; most likely "
        "the store index's shared-memory file (index.sqlite-shm) on a full filesystem whose blocks are smaller than "
        "4 KB (ext4 made with 1 KiB blocks, as mkfs makes a small one): free space on the filesystem holding the store "
        "and run again (nothing stored was lost)\n";
    (void)signal;
    ssize_t written = write(2, message, sizeof message - 1);
    (void)written;
    _exit(3);
}

static inline void crawler_say_bus_errors(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = crawler_on_bus_error;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, NULL);
}

#include <malloc.h>

// Caps glibc's malloc arenas. By default each thread that meets a busy arena gets a new one,
// up to 8 per core, and every arena keeps its own freed memory: a crawl's pool, fetch and
// writer threads passing bodies and documents between them held several MB more than they used.
static inline void crawler_limit_malloc_arenas(int count) {
    mallopt(M_ARENA_MAX, count);
}

// Fixes the size above which malloc maps a block of its own (and unmaps it when freed) at
// `bytes`. By default glibc raises that size each time such a block is freed, up to 32 MB, so
// a daemon that has read one large feed body keeps every later body in its heap, where freed
// bodies leave holes that stay resident: 7 MB more over a few polls of 10,000 feeds.
static inline void crawler_fix_malloc_mmap_threshold(int bytes) {
    mallopt(M_MMAP_THRESHOLD, bytes);
}

// Fixes the size of free memory at the top of the heap that malloc keeps instead of giving it
// back, at `bytes`. Fixing it also ends glibc's raising of the mmap threshold (as above): a pass
// whose bodies pass 128 KB no longer keeps them in the heap, where their holes stay resident.
static inline void crawler_fix_malloc_trim_threshold(int bytes) {
    mallopt(M_TRIM_THRESHOLD, bytes);
}

#include <spawn.h>

// Closes every descriptor from `lowest` up in a child started with posix_spawn (glibc 2.34).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int lowest);

static inline int crawler_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

extern int pipe2(int fds[2], int flags);

// A pipe whose ends are close-on-exec from the start: no child spawned meanwhile inherits them.
static inline int crawler_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

#include <sys/syscall.h>
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#endif

// A file in memory of `size` bytes that can neither grow nor shrink, for a child's stderr:
// a child that writes more than that gets EPERM rather than costing the crawler memory, and
// one left running in the background can hold it open without holding anything up (a pipe
// would have to be read for as long as it lives). What was written ends at the file offset.
static inline int crawler_bounded_memory_file(const char *name, long size) {
    int fd = (int)syscall(SYS_memfd_create, name, 0x0001U | 0x0002U);  // MFD_CLOEXEC | MFD_ALLOW_SEALING
    if (fd < 0) return -1;
    if (ftruncate(fd, size) != 0 || fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
#include <linux/stat.h>
#include <sys/syscall.h>

// The mount that the file open as `fd` lies on (statx's STATX_MNT_ID, Linux 5.8): a bind mount
// beneath the store has the store's device number, but a mount of its own. -1 when unknown.
static inline int crawler_mount_id(int fd, unsigned long long *id) {
    struct statx info;
    if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &info) != 0) return -1;
    if (!(info.stx_mask & STATX_MNT_ID)) return -1;
    *id = info.stx_mnt_id;
    return 0;
}

// The access list (ACL) of feeds.yaml, kept when the file is written whole again.
#include <sys/xattr.h>

// A byte string's first occurrence in another (glibc's two-way search, far cheaper than a walk
// from one candidate first byte to the next over HTML full of `<`).
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

static inline const void *crawler_memmem(const void *haystack, size_t haystack_length, const void *needle,
                                         size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

// Flushes stdout: 0 when all it was given is written, else the error (errno, or EIO when unknown).
static inline int crawler_flush_standard_output(void) {
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
    return errno != 0 ? errno : EIO;
}

#endif
