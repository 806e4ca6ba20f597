/* SPDX-License-Identifier: ISC */
/* tcp_md5: TCP-MD5 keys on sockets.  See tcp_md5.h. */
#include "tcp_md5.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

int tcp_md5_set(int fd, const struct ip_addr *peer, const char *key)
{
	struct tcp_md5sig sig;
	int domain;
	socklen_t dl = sizeof(domain);
	size_t klen = strlen(key);
	if (klen > TCP_MD5SIG_MAXKEYLEN || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) < 0) {
		errno = klen > TCP_MD5SIG_MAXKEYLEN ? EINVAL : errno;
		return -1;
	}
	memset(&sig, 0, sizeof(sig));
	struct ip_addr a = *peer;
	if (domain == AF_INET6 && a.family == AF_INET) {     /* ::ffff:a.b.c.d */
		struct in_addr v4 = a.u.v4;
		a.family = AF_INET6;
		memset(&a.u.v6, 0, sizeof(a.u.v6));
		a.u.v6.s6_addr[10] = a.u.v6.s6_addr[11] = 0xff;
		memcpy(&a.u.v6.s6_addr[12], &v4, 4);
	}
	ip_addr_to_sockaddr(&a, 0, &sig.tcpm_addr);
	sig.tcpm_keylen = (uint16_t)klen;
	memcpy(sig.tcpm_key, key, klen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig));
}

const char *tcp_md5_strerror(int err)
{
	if (err == ENOMEM)
		return "the socket's memory for options is full (net.core.optmem_max): raise it, "
		    "about 136 bytes per key, e.g. sysctl -w net.core.optmem_max=1048576";
	if (err == ENOPROTOOPT)
		return "the kernel has no TCP-MD5 (CONFIG_TCP_MD5SIG)";
	return strerror(err);
}
