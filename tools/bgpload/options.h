/* SPDX-License-Identifier: ISC */
/* options: bgpload's command line and config files, into `opt`.
 *
 * A config file (--config FILE, nested up to four deep) holds the same
 * options without the dashes, one per line: "name value", "name=value" or
 * "name"; '#' starts a comment.  A wrong option or value is a usage
 * error: die() (exit status 2).  The --session values are kept as text
 * (opt.specs) for setup(), so that defaults such as --prefixes apply
 * whatever their place on the command line.  Main thread, before anything
 * else runs. */
#ifndef BGPLOAD_OPTIONS_H
#define BGPLOAD_OPTIONS_H
#include <stdint.h>
#include <sys/socket.h>

/* Parses the command line (and the config files it names) into opt. */
void options_parse(int argc, char **argv);

/* A decimal number up to max; dies with "bad WHAT: S" otherwise. */
uint64_t parse_u64(const char *what, const char *s, uint64_t max);
/* An IPv4 or IPv6 address with port into *ss (and its length into *len if
 * not NULL); returns its family (FAM_IPV4, FAM_IPV6) or -1. */
int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len);
#endif
