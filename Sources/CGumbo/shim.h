#ifndef CRAWLER_CGUMBO_SHIM_H
#define CRAWLER_CGUMBO_SHIM_H
#include <gumbo.h>

// kGumboDefaultOptions is a global struct, which Swift 6 treats as shared mutable state:
// hand out a copy set up for parsing an item body as the children of a <div>.
static inline GumboOptions crawler_gumbo_div_fragment_options(void) {
    GumboOptions options = kGumboDefaultOptions;
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    // Parse errors are not read; keeping none saves their allocations.
    options.max_errors = 0;
    return options;
}
#endif
