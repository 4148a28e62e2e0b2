#ifndef CRAWLER_CGUMBO_SHIM_H
#define CRAWLER_CGUMBO_SHIM_H
#include <gumbo.h>
#include <setjmp.h>
#include <stdlib.h>

// Every allocation of one parse comes from an arena that is freed in one go, so that the tree
// never goes through gumbo_destroy_output: its node walk recurses once per level of nesting,
// and a body of 60,000 nested tags would overflow a thread's stack. Frees during the parse are
// ignored (the arena goes soon after); the arena also saves gumbo's many small mallocs.
typedef struct crawler_gumbo_chunk {
    struct crawler_gumbo_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} crawler_gumbo_chunk;

// `limit` bounds what one parse may allocate: past it the parse is abandoned (a jump back to
// crawler_gumbo_parse_bounded, out of gumbo, whose every allocation is in the arena and goes
// with it). Counted in bytes asked for, so the same body is always abandoned, whatever the machine.
typedef struct {
    crawler_gumbo_chunk *head;
    size_t allocated, limit;
    jmp_buf *escape;
} crawler_gumbo_arena;

static void *crawler_gumbo_allocate(void *userdata, size_t size) {
    crawler_gumbo_arena *arena = (crawler_gumbo_arena *)userdata;
    size = (size + 15) & ~(size_t)15;
    arena->allocated += size;
    if (arena->allocated > arena->limit && arena->escape != NULL) longjmp(*arena->escape, 1);
    crawler_gumbo_chunk *chunk = arena->head;
    if (chunk == NULL || chunk->size - chunk->used < size) {
        size_t capacity = size > 32768 ? size : 32768;
        if (chunk != NULL && chunk->size * 2 > capacity && chunk->size < ((size_t)1 << 24)) capacity = chunk->size * 2;
        chunk = (crawler_gumbo_chunk *)malloc(sizeof(crawler_gumbo_chunk) + capacity);
        if (chunk == NULL) abort();   // as gumbo's own allocator would fail: it never checks for NULL
        chunk->next = arena->head;
        chunk->used = 0;
        chunk->size = capacity;
        arena->head = chunk;
    }
    void *pointer = chunk->data + chunk->used;
    chunk->used += size;
    return pointer;
}

static void crawler_gumbo_deallocate(void *userdata, void *pointer) {
    (void)userdata; (void)pointer;
}

static inline void crawler_gumbo_arena_free(crawler_gumbo_arena *arena) {
    crawler_gumbo_chunk *chunk = arena->head;
    while (chunk != NULL) {
        crawler_gumbo_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    arena->head = NULL;
}

// The parse, or NULL with `*exceeded` set when it would allocate more than the arena's limit.
static inline GumboOutput *crawler_gumbo_parse_bounded(const GumboOptions *options, crawler_gumbo_arena *arena,
                                                      const char *buffer, size_t length, int *exceeded) {
    jmp_buf escape;
    *exceeded = 0;
    arena->escape = &escape;
    if (setjmp(escape) != 0) {
        arena->escape = NULL;
        *exceeded = 1;
        return NULL;
    }
    GumboOutput *output = gumbo_parse_with_options(options, buffer, length);
    arena->escape = NULL;
    return output;
}

// kGumboDefaultOptions is a global struct, which Swift 6 treats as shared mutable state: hand out
// a copy set up for parsing an item body as the children of a <div>, into `arena`.
static inline GumboOptions crawler_gumbo_div_fragment_options(crawler_gumbo_arena *arena) {
    GumboOptions options = kGumboDefaultOptions;
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    // Parse errors are not read; keeping none saves their allocations.
    options.max_errors = 0;
    options.allocator = crawler_gumbo_allocate;
    options.deallocator = crawler_gumbo_deallocate;
    options.userdata = arena;
    return options;
}
#endif
