#ifndef FRONTDESK_CMICROHTTPD_SHIM_H
#define FRONTDESK_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon is variadic; Swift cannot call it. Options go in an MHD_OPTION_ARRAY. */
static inline struct MHD_Daemon *fd_mhd_start_daemon(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *handler_cls, struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}
#endif
