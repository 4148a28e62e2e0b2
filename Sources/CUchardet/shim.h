#ifndef CRAWLER_CUCHARDET_SHIM_H
#define CRAWLER_CUCHARDET_SHIM_H
// Mozilla's universal charset detector, as Debian packages it (libuchardet-dev).
#include <uchardet.h>
#endif
