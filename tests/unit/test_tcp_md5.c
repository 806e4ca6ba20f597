/* SPDX-License-Identifier: ISC */
/* TCP-MD5 keys (RFC 2385) on sockets: many keys on one listener hit the
 * kernel's net.core.optmem_max, and the error says so with the remedy.
 * Runs in a network namespace of its own (needs root), where the ceiling
 * can be lowered without touching the host's. */
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>

#include "tcp_md5.h"
#include "testlib.h"

static int set_optmem_max(const char *value)
{
	int fd = open("/proc/sys/net/core/optmem_max", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

TEST(keys_beyond_optmem_max_fail_with_the_remedy_rfc2385)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 || set_optmem_max("2048") < 0) {
		fprintf(stderr, "  skipped: needs root and a network namespace of its own\n");
		return;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	int rc = 0, i;
	for (i = 0; i < 1000 && rc == 0; i++) {
		struct ip_addr peer;
		char text[32];
		snprintf(text, sizeof(text), "192.0.2.%d", i % 250 + 1);
		if (i >= 250)
			snprintf(text, sizeof(text), "198.51.100.%d", i % 250 + 1);
		ip_addr_parse(text, &peer);
		rc = tcp_md5_set(fd, &peer, "a-member-key");
	}
	int e = errno;
	CHECK(rc < 0);
	CHECK_EQ_INT(e, ENOMEM);
	fprintf(stderr, "  %d keys fit under optmem_max 2048\n", i - 1);
	CHECK_CONTAINS(tcp_md5_strerror(ENOMEM), "net.core.optmem_max");
	CHECK_CONTAINS(tcp_md5_strerror(ENOMEM), "sysctl -w");
	close(fd);
}

TEST(a_key_longer_than_80_bytes_is_refused_rfc2385)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct ip_addr peer;
	ip_addr_parse("192.0.2.11", &peer);
	char key[82];
	memset(key, 'k', 81);
	key[81] = '\0';
	CHECK(tcp_md5_set(fd, &peer, key) < 0);
	CHECK_EQ_INT(errno, EINVAL);
	key[80] = '\0';
	CHECK(tcp_md5_set(fd, &peer, key) == 0);
	close(fd);
}
