#ifndef CRAWLER_CZSTD_SHIM_H
#define CRAWLER_CZSTD_SHIM_H
#include <zstd.h>
#endif
