#ifndef CRAWLER_CZLIB_SHIM_H
#define CRAWLER_CZLIB_SHIM_H
#include <zlib.h>
#endif
