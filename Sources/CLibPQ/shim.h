#ifndef CRAWLER_CLIBPQ_SHIM_H
#define CRAWLER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
