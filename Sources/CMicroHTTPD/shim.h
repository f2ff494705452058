#ifndef FRONTDESK_CMICROHTTPD_SHIM_H
#define FRONTDESK_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* Typed settings for fd_mhd_start; zero means "MHD's default" for every count and size. */
struct fd_mhd_settings {
    unsigned int flags;
    /* Used when bind_address is NULL. */
    uint16_t port;
    /* A sockaddr_in (or sockaddr_in6 with MHD_USE_IPv6 in flags); MHD binds during the call. */
    const struct sockaddr *bind_address;
    unsigned int thread_pool_size;
    unsigned int connection_limit;
    unsigned int per_ip_connection_limit;
    unsigned int connection_timeout_seconds;
    size_t connection_memory_limit;
    size_t connection_memory_increment;
    unsigned int listen_backlog;
};

/* MHD_OPTION_URI_LOG_CALLBACK's function: sees the request target exactly as sent (path and query, still
 * percent-encoded) before parsing; its return value becomes the request's first `*con_cls`. */
typedef void *(*fd_mhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/* MHD_start_daemon is variadic; Swift cannot call it. Starts a daemon with the settings above.
 * "For options that expect two pointer arguments, the first argument must be cast to intptr_t"
 * (microhttpd.h, MHD_OPTION_ARRAY), so the callback pairs are built here in C rather than by
 * bit-casting function pointers in Swift. The external logger is listed first because "otherwise
 * some messages may be printed by standard MHD logger during daemon startup". */
static inline struct MHD_Daemon *fd_mhd_start(const struct fd_mhd_settings *s,
        MHD_AccessHandlerCallback handler, MHD_RequestCompletedCallback completed,
        MHD_LogCallback logger, fd_mhd_uri_log_callback uri_logger,
        MHD_NotifyConnectionCallback notify_connection, MHD_AcceptPolicyCallback accept_policy, void *cls) {
    struct MHD_OptionItem ops[16];
    int n = 0;
    if (logger != NULL) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t) logger, cls };
    }
    if (completed != NULL) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t) completed, cls };
    }
    if (uri_logger != NULL) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t) uri_logger, cls };
    }
    if (notify_connection != NULL) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t) notify_connection, cls };
    }
    if (s->bind_address != NULL) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, (void *) s->bind_address };
    }
    if (s->thread_pool_size > 1) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t) s->thread_pool_size, NULL };
    }
    if (s->connection_limit > 0) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t) s->connection_limit, NULL };
    }
    if (s->per_ip_connection_limit > 0) {
        ops[n++] = (struct MHD_OptionItem){
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t) s->per_ip_connection_limit, NULL };
    }
    if (s->connection_timeout_seconds > 0) {
        ops[n++] = (struct MHD_OptionItem){
            MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t) s->connection_timeout_seconds, NULL };
    }
    if (s->connection_memory_limit > 0) {
        ops[n++] = (struct MHD_OptionItem){
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t) s->connection_memory_limit, NULL };
    }
    if (s->connection_memory_increment > 0) {
        ops[n++] = (struct MHD_OptionItem){
            MHD_OPTION_CONNECTION_MEMORY_INCREMENT, (intptr_t) s->connection_memory_increment, NULL };
    }
    if (s->listen_backlog > 0) {
        ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, (intptr_t) s->listen_backlog, NULL };
    }
    ops[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    /* The accept policy is not an option but MHD_start_daemon's third and fourth arguments. */
    return MHD_start_daemon(s->flags, s->port, accept_policy, cls, handler, cls, MHD_OPTION_ARRAY, ops,
                            MHD_OPTION_END);
}

/* MHD_get_daemon_info is variadic. Returns 0 when the port is unknown. */
static inline uint16_t fd_mhd_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* MHD_get_connection_info is variadic. The peer's address, or NULL. */
static inline const struct sockaddr *fd_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/* The connection's socket (MHD_CONNECTION_INFO_CONNECTION_FD), or -1. */
static inline int fd_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

#endif
