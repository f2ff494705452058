#ifndef FRONTDESK_CPSL_SHIM_H
#define FRONTDESK_CPSL_SHIM_H
// libpsl (https://rockdaboot.github.io/libpsl/): the Public Suffix List, for organizational domains (RFC 7489 §3.2).
#include <libpsl.h>
#endif
