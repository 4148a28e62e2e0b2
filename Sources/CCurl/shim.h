// Typed wrappers for libcurl's variadic calls, which Swift cannot call directly.
#ifndef CRAWLER_CCURL_SHIM_H
#define CRAWLER_CCURL_SHIM_H
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef size_t (*crawler_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode crawler_easy_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode crawler_easy_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode crawler_easy_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode crawler_easy_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode crawler_easy_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode crawler_easy_set_data_callback(CURL *handle, CURLoption option,
                                                      crawler_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
typedef curl_socket_t (*crawler_curl_opensocket_callback)(void *context, curlsocktype purpose,
                                                          struct curl_sockaddr *address);
typedef int (*crawler_curl_prereq_callback)(void *context, char *primary_ip, char *local_ip,
                                           int primary_port, int local_port);

static inline CURLcode crawler_easy_set_opensocket_callback(CURL *handle, crawler_curl_opensocket_callback value) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, value);
}
static inline CURLcode crawler_easy_set_prereq_callback(CURL *handle, crawler_curl_prereq_callback value) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
}
typedef int (*crawler_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                              curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode crawler_easy_set_xferinfo_callback(CURL *handle, crawler_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
typedef int (*crawler_curl_closesocket_callback)(void *context, curl_socket_t socket);
static inline CURLcode crawler_easy_set_closesocket_callback(CURL *handle, crawler_curl_closesocket_callback value) {
    return curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, value);
}

/* The peer of a socket libcurl is about to open: copies its 4 or 16 address bytes into `bytes`
   and its port into `port`; returns the byte count, or 0 for another family. `addr` is the
   start of a sockaddr as long as `addrlen`, which may be longer than struct sockaddr. */
static inline int crawler_sockaddr_peer(const struct curl_sockaddr *address, unsigned char bytes[16], int *port) {
    if (address->family == AF_INET && address->addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&address->addr;
        memcpy(bytes, &in->sin_addr, 4);
        *port = ntohs(in->sin_port);
        return 4;
    }
    if (address->family == AF_INET6 && address->addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address->addr;
        memcpy(bytes, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
        return 16;
    }
    return 0;
}

/* What libcurl would have done without an open-socket callback. Close-on-exec: a crawler that
   starts a process must not hand it a connection. */
static inline curl_socket_t crawler_open_socket(const struct curl_sockaddr *address) {
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

static inline CURLcode crawler_easy_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode crawler_easy_get_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode crawler_easy_get_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode crawler_easy_get_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode crawler_multi_set_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
/* CURLAUTH_BASIC is a cast expression Swift does not import. */
static const long crawler_auth_basic = (long)CURLAUTH_BASIC;

#endif
