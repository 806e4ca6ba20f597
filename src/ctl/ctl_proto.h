/* SPDX-License-Identifier: ISC */
/* ctl_proto: the ixpd control protocol, shared by ixpctl and the daemon.
 *
 * A client connects to the Unix stream socket, sends one JSON object
 * followed by "\n" and shuts down its write side; the server answers with
 * one JSON object {"ok": true, "result": {...}} or {"ok": false,
 * "error": "text"} and closes.  docs/control-protocol.md is the reference.
 *
 * Server side, per accepted connection:
 *
 *	char err[256];
 *	json_t *msg = ctl_recv(fd, CTL_MAX_REQUEST, 5000, true, err, sizeof(err));
 *	struct ctl_request req;
 *	json_t *reply;
 *	if (msg == NULL || ctl_request_parse(msg, &req, err, sizeof(err)) < 0)
 *		reply = ctl_reply_error("%s", err);
 *	else
 *		reply = ctl_reply_ok(run_command(&req));   (the command's result)
 *	ctl_send(fd, reply, 30000, err, sizeof(err));
 *	json_decref(reply); json_decref(msg); close(fd);
 *
 * Every function here is thread-safe and keeps no state. */
#ifndef IXPD_CTL_PROTO_H
#define IXPD_CTL_PROTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "addr.h"
#include "paths.h"
#include "prefix.h"

/* Requests are a command and a few short arguments: a small cap stops a
 * misbehaving client from making the daemon buffer without bound. */
#define CTL_MAX_REQUEST (64u * 1024)
/* A full table dump is large but finite; the cap only guards the client
 * against a runaway or hostile peer. */
#define CTL_MAX_REPLY (512u * 1024 * 1024)
/* RFC 9003: the shutdown communication is at most 255 octets of UTF-8. */
#define CTL_SHUTDOWN_MSG_MAX 255

enum ctl_command {
	CTL_CMD_SHOW_STATUS,        /* "show status" */
	CTL_CMD_SHOW_NEIGHBORS,     /* "show neighbors" */
	CTL_CMD_SHOW_NEIGHBOR,      /* "show neighbor": address */
	CTL_CMD_SHOW_ROUTES,        /* "show routes": [prefix] [neighbor] all rejected */
	CTL_CMD_NEIGHBOR_DOWN,      /* "neighbor down": address [message] [graceful] */
	CTL_CMD_NEIGHBOR_UP,        /* "neighbor up": address */
	CTL_CMD_NEIGHBOR_REFRESH,   /* "neighbor refresh": address */
	CTL_CMD_RELOAD,             /* "reload" */
	CTL_CMD_DUMP_RIB,           /* "dump rib": file (absolute path) */
	CTL_CMD_RESTART,            /* "restart": stop as a restarting speaker (RFC 4724) */
};

/* A validated request.  Fields not used by the command are zero. */
struct ctl_request {
	enum ctl_command command;
	struct ip_addr address;    /* "address": the neighbor acted on */
	bool has_prefix;            /* show routes: "prefix" given */
	struct prefix prefix;       /* the RIB's type; host bits are zero */
	bool has_neighbor;          /* show routes: "neighbor" filter given */
	struct ip_addr neighbor;
	bool all;                   /* show routes: every path, not only the best */
	bool rejected;              /* show routes: only paths the import policy rejected */
	bool graceful;              /* neighbor down: RFC 8326 graceful shutdown first */
	bool has_limit;             /* show routes: "limit" given (0: no limit) */
	uint32_t limit;             /* show routes: at most this many prefixes */
	uint32_t after;             /* show routes: continue where "next" said */
	bool accepted;              /* show routes: only paths the import policy accepted */
	uint8_t afi;                /* show routes "family": AFI_IPV4 or AFI_IPV6; 0: both */
	bool has_match;             /* show routes "match": the longest prefix covering this */
	struct prefix match;
	bool has_not_exported_to;   /* show routes: accepted paths this neighbour may not have */
	struct ip_addr not_exported_to;
	bool restricted;            /* show routes: paths some members may not have */
	uint8_t community_len;      /* show routes "community": 4 standard, 12 large; 0: none */
	uint8_t community[12];      /* wire form */
	bool has_origin_as;         /* show routes: paths whose origin AS is this */
	uint32_t origin_as;
	bool lines;                 /* show routes: a route per line (docs/control-protocol.md) */
	char file[256];             /* dump rib: where (an absolute path) */
	char message[CTL_SHUTDOWN_MSG_MAX + 1]; /* neighbor down: "" when none */
};

/* The protocol name of a command ("show neighbor"). */
const char *ctl_command_name(enum ctl_command command);
/* Commands the read-only socket serves: they change nothing. */
bool ctl_command_is_read_only(enum ctl_command command);

/* Validates a decoded request object and fills *out.  Rejects unknown
 * commands, unknown or misplaced arguments, wrong JSON types, malformed
 * addresses and prefixes, prefixes with host bits set and over-long shutdown
 * messages, so a typo never silently widens a query or an action.  A null
 * value counts as absent.  Returns 0, or -1 with a message for the client
 * in err. */
int ctl_request_parse(const json_t *request, struct ctl_request *out,
    char *err, size_t errlen);

/* ixpctl's grammar: builds a request object from the command words after
 * the global options, e.g. {"show", "ro", "10.0.0.0/8", "--all"}.  Accepts
 * unambiguous abbreviations of keywords; addresses and prefixes are
 * checked and sent in canonical form.  Returns a new reference, or NULL
 * with a message in err. */
json_t *ctl_request_from_argv(int argc, char *const argv[], char *err, size_t errlen);

/* Decodes one message (without its "\n") as a JSON object; an empty,
 * truncated or invalid message, or another value, is an error.  Returns a
 * new reference, or NULL with a message in err. */
json_t *ctl_decode(const char *data, size_t len, char *err, size_t errlen);

/* Reads one message from fd and decodes it as a JSON object.  Reads until
 * EOF, or with stop_at_newline until the first "\n" (the server uses that so
 * a client which never shuts down its write side is still answered; compact
 * JSON never contains a raw newline).  More than max bytes, a timeout
 * (timeout_ms < 0: none; the whole read shares one deadline), an empty,
 * truncated or invalid message, or a value other than an object is an
 * error.  Works with blocking and non-blocking fds and retries on EINTR.
 * Returns a new reference, or NULL with a message in err. */
json_t *ctl_recv(int fd, size_t max, int timeout_ms, bool stop_at_newline,
    char *err, size_t errlen);

/* Writes msg as compact JSON followed by "\n", streaming through a small
 * buffer so a large reply is never held twice.  fd must be a socket: it is
 * written with MSG_NOSIGNAL, so a vanished peer is an EPIPE error rather
 * than a signal.  Handles short writes, EINTR and non-blocking fds; the
 * deadline covers the whole message (timeout_ms < 0: none).  Does not close
 * or shut down fd.  Returns 0, or -1 with a message in err. */
int ctl_send(int fd, const json_t *msg, int timeout_ms, char *err, size_t errlen);

/* Client side, inside the daemon: a new connection to the control server
 * through its local channel (control_local_channel), used like one to its
 * socket.  Thread-safe.  Returns the fd (blocking), or -1 with err. */
int ctl_channel_connect(int channel, char *err, size_t errlen);

/* {"ok": true, "result": result}; steals the reference to result (NULL
 * means an empty object).  Returns NULL only when out of memory. */
json_t *ctl_reply_ok(json_t *result);

/* {"ok": false, "error": formatted text}.  Bytes that are not valid UTF-8
 * are replaced, so any text (a member's description, a path) can be
 * reported.  Returns NULL only when out of memory. */
json_t *ctl_reply_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

enum ctl_reply_status { CTL_REPLY_OK, CTL_REPLY_ERROR, CTL_REPLY_INVALID };

/* Client side: classifies a reply.  CTL_REPLY_OK sets *result to the
 * borrowed "result" value (NULL when absent); otherwise *error is set to
 * the server's message (CTL_REPLY_ERROR) or to a description of what is
 * wrong with the reply (CTL_REPLY_INVALID). */
enum ctl_reply_status ctl_reply_check(const json_t *reply, const json_t **result,
    const char **error);
#endif
