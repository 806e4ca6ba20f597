/* SPDX-License-Identifier: ISC */
/* ixpd: the route-server daemon.  The main thread owns the configuration,
 * signals and the control socket; the session engine (se.c) and the route
 * decision engine (rde.c) run in their own threads and talk through
 * message queues (ipc.h).  See ARCHITECTURE.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "archive.h"
#include "control.h"
#include "datasrc.h"
#include "errbuf.h"
#include "hash.h"
#include "fetch.h"
#include "http_worker.h"
#include "peeringdb.h"
#include "privdrop.h"
#include "sandbox.h"
#include "log.h"
#include "monotime.h"
#include "rde.h"
#include "se.h"
#include "version.h"
#include "xalloc.h"

/* Peer ids are stable for the life of the process: a member keeps its id
 * across reloads (matched by address) and ids are never reused, so a late
 * message about a removed peer can never reach a new one. */
struct registry_entry {
	struct ip_addr addr;
	uint32_t id;
	struct rde_peer_cfg cfg;
};

struct daemon {
	struct ixpd_config *cfg;
	struct registry_entry *reg;
	size_t nreg;
	uint32_t next_id;
	struct ipc_queue q_se, q_rde, q_main;
	struct se se;
	struct rde rde;
	struct control ctl;
	struct datasrc *data;
	struct pdb *pdb;             /* PeeringDB data, or NULL */
	pid_t http_pid;              /* the HTTP server's process, or 0: http.listen is empty */
	struct archive *archive;     /* MRT files */
	const char *user;            /* --user: run as this user once bound, or NULL */
	enum sandbox_mode sandbox;   /* --sandbox */
	int64_t started, last_reload;
	uint64_t reloads[2];         /* [0] refused, [1] applied */
	bool reload_ok;              /* the last one was applied (or none yet) */
	uint64_t reload_ms;          /* how long the last one took */
	bool restarting;             /* started within the restart time of `ixpctl restart` */
	bool graceful_exit;          /* `ixpctl restart` asked: stop without NOTIFICATIONs */
};

static void usage(FILE *out)
{
	fprintf(out,
	    "usage: ixpd [-n] [-d] [-u USER] [--sandbox on|log|off] -c FILE\n"
	    "  -c, --config FILE  ixpd.yml to load\n"
	    "  -n, --check        check the configuration, print it canonically, exit\n"
	    "  -d, --daemon       detach and log to syslog\n"
	    "  -u, --user USER    once the sockets are bound, run as USER (no capabilities,\n"
	    "                     no_new_privs); cache_dir and mrt.dir become USER's\n"
	    "      --sandbox MODE on (default): files limited to what the config names\n"
	    "                     (Landlock), system calls to an allow-list (seccomp);\n"
	    "                     log: calls outside the list are let through and logged\n"
	    "                     by the kernel (dmesg); off: neither\n"
	    "  -V, --version      print the version\n"
	    "  -h, --help         this text\n"
	    "Signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop.\n");
}

/* The registry entry of the member at addr, or d->nreg. */
static size_t registry_find(const struct daemon *d, const struct ip_addr *addr)
{
	size_t k = 0;
	while (k < d->nreg && !ip_addr_equal(&d->reg[k].addr, addr))
		k++;
	return k;
}

static void peer_cfg_from(const struct ixpd_config *cfg, const struct policy_global *g,
    const struct pdb *pdb, const struct cfg_member *m, struct rde_peer_cfg *out)
{
	memset(out, 0, sizeof(*out));
	out->session.asn = m->asn;
	out->session.addr = m->addr;
	out->session.passive = m->passive;
	out->session.add_path = m->add_path;
	if (m->description)
		snprintf(out->session.description, sizeof(out->session.description), "%s", m->description);
	out->session.gtsm = m->client && m->client->policy.gtsm;
	out->session.multihop = m->client ? (uint8_t)m->client->policy.multihop : 0;
	if (m->client && m->client->policy.filtering.roles.enabled)
		out->session.roles = m->client->policy.filtering.roles.strict_mode ? ROLES_STRICT : ROLES_ON;
	if (m->client && m->client->password)
		snprintf(out->session.password, sizeof(out->session.password), "%s", m->client->password);
	policy_from_config(cfg, g, pdb, m, &out->policy);
}

/* The RDE first: once the SE has a session it may connect, establish and
 * post IPC_PEER_UP at once, and the RDE must know the peer by then (or it
 * drops the UP and then every UPDATE of that session). */
static void post_peer(struct daemon *d, enum ipc_type type, uint32_t id, const struct rde_peer_cfg *c)
{
	ipc_push(&d->q_rde, ipc_msg_new(type, id, 0, c, c ? sizeof(*c) : 0));
	if (type != IPC_PEER_POLICY)      /* the session engine has no policy */
		ipc_push(&d->q_se, ipc_msg_new(type, id, 0, c ? &c->session : NULL, c ? sizeof(c->session) : 0));
}

/* Brings the running peers in line with cfg: adds new members, restarts
 * those whose session settings changed, re-filters those whose policy
 * alone changed, removes those gone; unchanged ones are not disturbed. */
static unsigned apply_members(struct daemon *d, const struct ixpd_config *cfg,
    const struct policy_global *g, unsigned *added, unsigned *removed)
{
	unsigned changed = 0;
	struct registry_entry *reg = xcalloc((size_t)cfg->n_members + 1, sizeof(*reg));
	bool *kept = xcalloc(d->nreg + 1, sizeof(bool));
	*added = *removed = 0;
	for (int i = 0; i < cfg->n_members; i++) {
		struct rde_peer_cfg pc;
		peer_cfg_from(cfg, g, d->pdb, &cfg->members[i], &pc);
		size_t k = registry_find(d, &pc.session.addr);
		reg[i].addr = pc.session.addr;
		reg[i].cfg = pc;
		if (k < d->nreg) {
			kept[k] = true;
			reg[i].id = d->reg[k].id;
			if (memcmp(&d->reg[k].cfg.session, &pc.session, sizeof(pc.session)) != 0) {
				post_peer(d, IPC_PEER_ADD, reg[i].id, &pc);
				changed++;
			} else if (memcmp(&d->reg[k].cfg.policy, &pc.policy, sizeof(pc.policy)) != 0) {
				post_peer(d, IPC_PEER_POLICY, reg[i].id, &pc);
				changed++;
			}
		} else {
			reg[i].id = d->next_id++;
			post_peer(d, IPC_PEER_ADD, reg[i].id, &pc);
			(*added)++;
		}
	}
	for (size_t k = 0; k < d->nreg; k++)
		if (!kept[k]) {
			post_peer(d, IPC_PEER_REMOVE, d->reg[k].id, NULL);
			(*removed)++;
		}
	/* The RDE re-filters once, for every member whose policy changed. */
	ipc_push(&d->q_rde, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	free(kept);
	free(d->reg);
	d->reg = reg;
	d->nreg = (size_t)cfg->n_members;
	return changed;
}

/* Peer ids are never reused, so a long life of reloads that add members
 * can use up the engines' tables: refused with the remedy, never a
 * member silently left out.  NULL if cfg's new members fit. */
static const char *ids_exhausted(const struct daemon *d, const struct ixpd_config *cfg, char *buf,
    size_t len)
{
	uint32_t fresh = 0;
	for (int i = 0; i < cfg->n_members; i++)
		fresh += registry_find(d, &cfg->members[i].addr) == d->nreg;
	if (d->next_id + fresh <= MAX_PEERS)
		return NULL;
	snprintf(buf, len, "%u new neighbors, but only %u of the %u neighbor ids are left "
	    "(ids are not reused while ixpd runs; a restart frees them)", fresh, MAX_PEERS - d->next_id,
	    MAX_PEERS);
	return buf;
}

/* What a reload cannot change without restarting the daemon. */
static bool http_differs(const struct ixpd_config *a, const struct ixpd_config *b)
{
	if (a->http.listen.n != b->http.listen.n || a->http.max_clients != b->http.max_clients ||
	    a->http.max_clients_per_address != b->http.max_clients_per_address ||
	    a->http.requests_per_second != b->http.requests_per_second || a->http.burst != b->http.burst ||
	    a->http.timeout != b->http.timeout)
		return true;
	for (int i = 0; i < a->http.listen.n; i++)
		if (strcmp(a->http.listen.v[i], b->http.listen.v[i]) != 0)
			return true;
	return false;
}

static const char *needs_restart(const struct ixpd_config *a, const struct ixpd_config *b)
{
	if (a->rs_as != b->rs_as)
		return "cfg.rs_as";
	if (a->router_id.s_addr != b->router_id.s_addr)
		return "cfg.router_id";
	if (a->port != b->port || a->n_listen_addrs != b->n_listen_addrs)
		return "listen";
	for (int i = 0; i < a->n_listen_addrs; i++)
		if (!ip_addr_equal(&a->listen_addrs[i], &b->listen_addrs[i]))
			return "listen.addresses";
	if (strcmp(a->control_socket, b->control_socket) != 0)
		return "control_socket";
	if (!a->control_socket_ro != !b->control_socket_ro ||
	    (a->control_socket_ro && strcmp(a->control_socket_ro, b->control_socket_ro) != 0))
		return "control_socket_read_only";
	if (!a->mrt.dir != !b->mrt.dir || (a->mrt.dir && strcmp(a->mrt.dir, b->mrt.dir) != 0) ||
	    a->mrt.rib_interval != b->mrt.rib_interval || a->mrt.updates_interval != b->mrt.updates_interval ||
	    a->mrt.keep != b->mrt.keep)
		return "mrt";
	return http_differs(a, b) ? "http" : NULL;
}

/* The deprecated arouteserver syntaxes the loader converted, each once per
 * load: the operator should rewrite them before arouteserver drops them. */
static void log_config_warnings(const struct ixpd_config *cfg, const char *context)
{
	for (int i = 0; i < cfg->warnings.n; i++)
		log_warn("%s%s", context, cfg->warnings.v[i]);
}

/* What the import policy runs without, said once at start and reload. */
static void log_policy_gaps(const struct ixpd_config *cfg, const struct policy_global *g)
{
	bool rpki = cfg->policy.filtering.rpki_bgp_origin_validation.enabled;
	bool irr = cfg->policy.filtering.irrdb.enforce_origin_in_as_set ||
	    cfg->policy.filtering.irrdb.enforce_prefix_in_as_set;
	for (int i = 0; i < cfg->n_clients; i++) {
		const struct cfg_policy *p = &cfg->clients[i].policy;
		rpki |= p->filtering.rpki_bgp_origin_validation.enabled;
		irr |= p->filtering.irrdb.enforce_origin_in_as_set || p->filtering.irrdb.enforce_prefix_in_as_set;
	}
	if (rpki && !g->rpki_configured)
		log_warn("policy: RPKI origin validation is enabled but no RPKI source is configured: not checked");
	if (irr && !g->irr_configured)
		log_warn("policy: IRR checks are enabled but no IRR source (irr.rpsl, irr.bgpq4) is configured: "
		    "not checked");
	if (g->irr_roas && !g->rpki_configured)
		log_warn("policy: use_rpki_roas_as_route_objects is enabled but no RPKI source (rpki.rtr, "
		    "rpki.vrp_file) is configured: prefixes are checked against route objects only");
}

/* Does anything come from the Internet: PeeringDB's API, a whois dump? */
static bool fetches(const struct ixpd_config *cfg)
{
	if (cfg->peeringdb.api && !cfg->peeringdb.file && config_wants_peeringdb(cfg))
		return true;
	bool url = false;
	for (int i = 0; i < 2; i++) {
		char *src = config_whois_source(cfg, i == 1);
		url |= src && strstr(src, "://");
		free(src);
	}
	return url;
}

/* PeeringDB at start: a local dump, else the last API answer in the cache
 * (the data thread asks the API again in the background). */
static struct pdb *load_pdb(const struct ixpd_config *cfg)
{
	char err[512], path[4096];
	struct pdb *db = NULL;
	if (cfg->peeringdb.file) {
		if (!(db = pdb_load_file(cfg->peeringdb.file, err, sizeof(err))))
			log_err("PeeringDB: %s", err);
	} else if (cfg->peeringdb.api && config_wants_peeringdb(cfg) && cfg->cache_dir) {
		snprintf(path, sizeof(path), "%s/peeringdb/net.json", cfg->cache_dir);
		db = pdb_load_file(path, err, sizeof(err));
	}
	if (db)
		log_info("PeeringDB: %zu networks", db->n);
	else if (!config_wants_peeringdb(cfg))
		return NULL;
	else if (!cfg->peeringdb.api)
		log_info("PeeringDB: no data (peeringdb.file / peeringdb.api unset): max-prefix uses the "
		    "configured limits, never-via-route-servers the configured ASNs, IRR the configured AS-SETs");
	return db;
}

/* Hands a freshly built global policy to the RDE (which owns it from then). */
static void post_global_policy(struct daemon *d, struct policy_global *g)
{
	ipc_push(&d->q_rde, ipc_msg_new(IPC_POLICY_GLOBAL, 0, 0, &g, sizeof(g)));
}

/* The HTTP server, if http.listen asks for one: a process of its own
 * (http_worker.h), a client of the control server through its local
 * channel, bound now (as root, before any thread exists). */
static int start_http(struct daemon *d, char *err, size_t errlen)
{
	const struct ixpd_config *cfg = d->cfg;
	if (cfg->http.listen.n == 0)
		return 0;
	int chan = control_local_channel(&d->ctl, err, errlen);
	if (chan < 0)
		return -1;
	struct http_worker_opts o = { .listen = cfg->http.listen.v, .nlisten = (size_t)cfg->http.listen.n,
		.max_clients = cfg->http.max_clients, .max_per_address = cfg->http.max_clients_per_address,
		.rate = cfg->http.requests_per_second, .burst = cfg->http.burst, .timeout_s = cfg->http.timeout,
		.channel = chan, .user = d->user, .sandbox = d->sandbox, .syslog = cfg->log_syslog,
		.level = cfg->log_level };
	d->http_pid = http_worker_spawn(&o, err, errlen);
	return d->http_pid > 0 ? 0 : -1;
}

/* SIGCHLD: the HTTP server's process ended on its own (bgpq4's are the
 * data thread's to reap: only this pid is waited for). */
static void http_worker_ended(struct daemon *d)
{
	int st;
	if (d->http_pid <= 0 || waitpid(d->http_pid, &st, WNOHANG) != d->http_pid)
		return;
	d->http_pid = 0;
	log_err("http: the HTTP server's process ended (%s %d): the looking glass, the API and the "
	    "metrics are down until ixpd restarts", WIFSIGNALED(st) ? "signal" : "status",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static json_t *reload_config(struct daemon *d, char *err, size_t errlen)
{
	char lerr[1024];
	struct ixpd_config *cfg = config_load(d->cfg->path, lerr, sizeof(lerr));
	if (!cfg) {
		snprintf(err, errlen, "configuration refused, keeping the running one: %s", lerr);
		log_err("reload: %s", err);
		return NULL;
	}
	log_config_warnings(cfg, "reload: ");
	const char *key = needs_restart(d->cfg, cfg);
	if (!key && (key = ids_exhausted(d, cfg, lerr, sizeof(lerr)))) {
		snprintf(err, errlen, "configuration refused, keeping the running one: %s", key);
		log_err("reload: %s", err);
		config_free(cfg);
		return NULL;
	}
	if (key) {
		snprintf(err, errlen, "configuration refused, keeping the running one: changing %s needs a restart", key);
		log_err("reload: %s", err);
		config_free(cfg);
		return NULL;
	}
	struct policy_global *g = policy_global_build(cfg, d->pdb, lerr, sizeof(lerr));
	if (!g) {
		snprintf(err, errlen, "configuration refused, keeping the running one: %s", lerr);
		log_err("reload: %s", err);
		config_free(cfg);
		return NULL;
	}
	struct ipc_settings st = { cfg->hold_time, cfg->connect_retry };
	ipc_push(&d->q_se, ipc_msg_new(IPC_SETTINGS, 0, 0, &st, sizeof(st)));
	log_set_level(cfg->log_level);
	log_policy_gaps(cfg, g);
	datasrc_update(d->data, cfg, g);
	/* The RDE gets the new lists first, the members' policies next, then
	 * the commit apply_members ends with.  g stays valid until the next
	 * reload (the RDE frees a global only when a newer one arrives). */
	post_global_policy(d, g);
	unsigned added, removed, changed = apply_members(d, cfg, g, &added, &removed);
	config_free(d->cfg);
	d->cfg = cfg;
	d->last_reload = (int64_t)time(NULL);
	char msg[200];
	snprintf(msg, sizeof(msg), "configuration reloaded: %u neighbors added, %u removed, %u changed",
	    added, removed, changed);
	log_info("%s", msg);
	json_t *res = json_object();
	json_object_set_new(res, "message", json_string(msg));
	return res;
}

/* Fresh PeeringDB data: the members' policies are derived again from the
 * running configuration (max-prefix limits, never-via-RS, AS-SETs), and
 * only what changed is re-filtered. */
static void new_pdb(struct daemon *d, struct pdb *db)
{
	char err[512];
	pdb_free(d->pdb);
	d->pdb = db;
	struct policy_global *g = policy_global_build(d->cfg, d->pdb, err, sizeof(err));
	if (!g) {
		log_err("PeeringDB: %s", err);
		return;
	}
	datasrc_update(d->data, d->cfg, g);     /* AS-SETs may come from PeeringDB */
	post_global_policy(d, g);
	unsigned added, removed, changed = apply_members(d, d->cfg, g, &added, &removed);
	log_info("PeeringDB: policies of %u neighbors changed", changed);
}

/* A reload (SIGHUP or `ixpctl reload`), counted and timed for the
 * metrics. */
/* `ixpctl restart` leaves this in cache_dir: the next start within the
 * restart time is a graceful restart's (RFC 4724 §4.1). */
#define RESTART_MARK "graceful-restart"

static void restart_mark_path(const struct ixpd_config *cfg, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" RESTART_MARK, cfg->cache_dir ? cfg->cache_dir : ".");
}

static json_t *restart(void *arg, char *err, size_t errlen)
{
	struct daemon *d = arg;
	char path[4096];
	restart_mark_path(d->cfg, path, sizeof(path));
	FILE *f = fopen(path, "w");
	if (!f || fprintf(f, "%lld\n", (long long)time(NULL)) < 0 || fclose(f) != 0) {
		errbuf_set(err, errlen, "%s: %s: not restarting", path, strerror(errno));
		return NULL;
	}
	d->graceful_exit = true;
	log_info("graceful restart: closing every session without a NOTIFICATION; members keep the routes "
	    "for %d s", GR_RESTART_TIME_S);
	json_t *res = json_object();
	char msg[96];
	snprintf(msg, sizeof(msg), "stopping for a graceful restart: start ixpd again within %d s", GR_RESTART_TIME_S);
	json_object_set_new(res, "message", json_string(msg));
	return res;
}

/* Was the last stop `ixpctl restart`, recently enough?  The mark is used once. */
static bool restart_marked(const struct ixpd_config *cfg)
{
	char path[4096];
	long long when = 0;
	restart_mark_path(cfg, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fscanf(f, "%lld", &when) == 1;
	fclose(f);
	unlink(path);
	long long age = (long long)time(NULL) - when;
	return ok && age >= 0 && age <= GR_RESTART_TIME_S;
}

static json_t *reload(void *arg, char *err, size_t errlen)
{
	struct daemon *d = arg;
	uint64_t t0 = now_ms();
	json_t *res = reload_config(d, err, errlen);
	d->reload_ms = now_ms() - t0;
	d->reload_ok = res != NULL;
	d->reloads[d->reload_ok]++;
	return res;
}

static void add_status(void *arg, json_t *status)
{
	struct daemon *d = arg;
	char rid[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &d->cfg->router_id, rid, sizeof(rid));
	json_object_set_new(status, "version", json_string(IXPD_VERSION));
	json_object_set_new(status, "rs_as", json_integer(d->cfg->rs_as));
	json_object_set_new(status, "router_id", json_string(rid));
	json_object_set_new(status, "config", json_string(d->cfg->path));
	json_object_set_new(status, "started", json_integer(d->started));
	json_object_set_new(status, "last_reload", json_integer(d->last_reload));
	json_object_set_new(status, "reloads", json_pack("{s:I, s:I, s:b, s:f}", "succeeded", (json_int_t)d->reloads[1],
	    "failed", (json_int_t)d->reloads[0], "last_ok", d->reload_ok, "last_seconds", d->reload_ms / 1000.0));
}

static int setup_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);        /* the HTTP server's process */
	/* Blocked before the threads start, so they inherit the mask and only
	 * the main thread's signalfd sees these. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	int fd = open("/dev/null", O_RDWR);
	if (setsid() < 0 || fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

/* The directories ixpd writes exist before the file system is limited:
 * making one needs a right on its parent, which the sandbox does not give. */
static void make_dir(const char *path)
{
	if (path && mkdir(path, 0750) < 0 && errno != EEXIST)
		log_warn("%s: %s", path, strerror(errno));
}

/* Landlock from what the config names: its files' and the data files'
 * directories to read, the cache, the MRT archive and the control sockets'
 * directories to write.  Before any thread starts (see sandbox.h). */
static int limit_files(const struct ixpd_config *cfg, enum sandbox_mode mode, char *err, size_t errlen)
{
	if (mode == SANDBOX_OFF)
		return 0;
	make_dir(cfg->cache_dir);
	make_dir(cfg->mrt.dir);
	struct sandbox_fs *fs = sandbox_fs_new(err, errlen);
	if (!fs)
		return -1;
	const char *const read_dirs_of[] = { cfg->path, cfg->general_path, cfg->clients_path, cfg->bogons_path,
		cfg->rpki.vrp_file, cfg->peeringdb.file, cfg->irr.bgpq4.path, cfg->registry.ixf };
	const char *const write_dirs_of[] = { cfg->control_socket, cfg->control_socket_ro };
	char *whois[] = { config_whois_source(cfg, false), config_whois_source(cfg, true) };
	const char *const write_dirs[] = { cfg->cache_dir, cfg->mrt.dir };
	int rc = sandbox_fs_allow_system(fs, err, errlen);
	for (size_t i = 0; rc == 0 && i < sizeof(read_dirs_of) / sizeof(read_dirs_of[0]); i++)
		rc = sandbox_fs_allow(fs, read_dirs_of[i], SANDBOX_READ, true, err, errlen);
	for (int i = 0; rc == 0 && i < cfg->irr.rpsl.n; i++)
		rc = sandbox_fs_allow(fs, cfg->irr.rpsl.v[i], SANDBOX_READ, true, err, errlen);
	for (int i = 0; i < 2; i++) {
		if (rc == 0 && whois[i] && !strstr(whois[i], "://"))
			rc = sandbox_fs_allow(fs, whois[i], SANDBOX_READ, true, err, errlen);
		free(whois[i]);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(write_dirs_of) / sizeof(write_dirs_of[0]); i++)
		rc = sandbox_fs_allow(fs, write_dirs_of[i], SANDBOX_WRITE, true, err, errlen);
	for (size_t i = 0; rc == 0 && i < sizeof(write_dirs) / sizeof(write_dirs[0]); i++)
		rc = sandbox_fs_allow(fs, write_dirs[i], SANDBOX_WRITE, false, err, errlen);
	if (rc < 0) {
		sandbox_fs_free(fs);
		return -1;
	}
	return sandbox_fs_enter(fs, err, errlen) < 0 ? -1 : 0;
}

static int run(struct daemon *d)
{
	char err[512];
	hash_seed_init();            /* before any table holds a member's key */
	int sfd = setup_signals();
	if (sfd < 0) {
		log_err("signals: %s", strerror(errno));
		return 1;
	}
	if (ipc_queue_init(&d->q_se) < 0 || ipc_queue_init(&d->q_rde) < 0 || ipc_queue_init(&d->q_main) < 0)
		return 1;
	d->ctl = (struct control){ .listen_fd = -1, .ro_listen_fd = -1, .to_se = &d->q_se, .to_rde = &d->q_rde,
		.reload = reload, .restart = restart, .add_status = add_status, .arg = d };
	const struct ixpd_config *cfg = d->cfg;
	if (control_open(&d->ctl, cfg->control_socket, cfg->control_socket_ro, err, sizeof(err)) < 0 ||
	    start_http(d, err, sizeof(err)) < 0 || limit_files(cfg, d->sandbox, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	struct archive_settings as = { .dir = cfg->mrt.dir, .rib_interval = cfg->mrt.rib_interval,
		.updates_interval = cfg->mrt.updates_interval, .keep = cfg->mrt.keep,
		.collector_id = ntohl(cfg->router_id.s_addr) };
	if (!(d->archive = archive_start(&as, &d->q_rde, &d->q_main, err, sizeof(err)))) {
		log_err("%s", err);
		return 1;
	}
	d->ctl.to_archive = d->rde.to_archive = archive_queue(d->archive);
	struct se_settings set = { .local_as = cfg->rs_as, .router_id = ntohl(cfg->router_id.s_addr),
		.hold_time = cfg->hold_time, .connect_retry = cfg->connect_retry, .port = cfg->port,
		.listen = cfg->listen_addrs, .nlisten = cfg->n_listen_addrs,
		.archive = archive_logs_updates(d->archive) ? archive_queue(d->archive) : NULL,
		.restarting = d->restarting };
	if (se_start(&d->se, &set, &d->q_se, &d->q_rde, &d->q_main, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	d->pdb = load_pdb(d->cfg);
	struct policy_global *g = policy_global_build(d->cfg, d->pdb, err, sizeof(err));
	if (!g) {
		log_err("%s", err);
		return 1;
	}
	log_policy_gaps(d->cfg, g);
	if (d->cfg->rpki.rtr.n) {
		struct rpki_rtr_opts ro = { .caches = &d->cfg->rpki.rtr };
		if (!(d->rde.rtr = rpki_rtr_start(&ro, err, sizeof(err))))
			log_err("RPKI: RTR: %s", err);
	}
	if (ids_exhausted(d, d->cfg, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	if (d->restarting) {
		d->rde.defer_until = now_ms() + SELECTION_DEFERRAL_S * 1000ull;
		log_info("graceful restart: the members get their tables once every one has sent End-of-RIB, "
		    "or in %d s", SELECTION_DEFERRAL_S);
	}
	rde_start(&d->rde, d->cfg->rs_as, &d->q_rde, &d->q_se, &d->q_main);
	post_global_policy(d, g);
	unsigned added, removed;
	apply_members(d, d->cfg, g, &added, &removed);
	ipc_push(&d->q_se, ipc_msg_new(IPC_LISTEN, 0, 0, NULL, 0));   /* after the members' TCP-MD5 keys */
	d->data = datasrc_start(d->cfg, g, &d->q_rde, &d->q_main);
	const char *const writable[] = { d->cfg->cache_dir, d->cfg->mrt.dir };
	if ((d->user && privdrop(d->user, writable, 2, err, sizeof(err)) < 0) ||
	    sandbox_syscalls(d->sandbox, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	d->started = d->last_reload = (int64_t)time(NULL);
	d->reload_ok = true;
	log_info("ixpd %s started: AS%u, %d neighbors, control socket %s", IXPD_VERSION,
	    d->cfg->rs_as, d->cfg->n_members, d->cfg->control_socket);
	for (bool running = true; running;) {
		/* the signals, the queue, then the control sockets and clients */
		struct pollfd pfd[2 + CTL_POLLFDS] = { { sfd, POLLIN, 0 }, { d->q_main.efd, POLLIN, 0 } };
		size_t nctl = control_pollfds(&d->ctl, pfd + 2, CTL_POLLFDS);
		if (poll(pfd, 2 + nctl, control_timeout_ms(&d->ctl)) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP)
					reload(d, err, sizeof(err));
				else if (si.ssi_signo == SIGCHLD)
					http_worker_ended(d);
				else
					running = false;
			}
		}
		if (pfd[1].revents & POLLIN)
			for (struct ipc_msg *m = ipc_take_all(&d->q_main), *next; m; m = next) {
				next = m->next;
				if (m->type == IPC_PDB_DATA)
					new_pdb(d, *(struct pdb *const *)m->body);
				else
					control_reply_arrived(&d->ctl, m);
				ipc_done(&d->q_main, m);
				ipc_msg_free(m);
			}
		control_events(&d->ctl, pfd + 2, nctl);
		running &= !(d->graceful_exit && !control_writing(&d->ctl));
	}
	log_info("shutting down");
	http_worker_stop(d->http_pid);
	datasrc_stop(d->data);
	se_stop(&d->se, d->graceful_exit);
	rde_stop(&d->rde);
	archive_stop(d->archive);
	control_close(&d->ctl);
	ipc_queue_destroy(&d->q_se);
	ipc_queue_destroy(&d->q_rde);
	ipc_queue_destroy(&d->q_main);
	close(sfd);
	pdb_free(d->pdb);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "sandbox", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = NULL;
	bool check_only = false, detach = false;
	int ch;
	if (argc > 1 && strcmp(argv[1], "--http-worker") == 0)
		return http_worker_main(argc, argv);

	const char *user = NULL;
	enum sandbox_mode sandbox = SANDBOX_ON;
	while ((ch = getopt_long(argc, argv, "c:ndu:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'u': user = optarg; break;
		case 'S':
			if (sandbox_mode_parse(optarg, &sandbox) < 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'n': check_only = true; break;
		case 'd': detach = true; break;
		case 'V': puts("ixpd " IXPD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	char err[1024];
	struct ixpd_config *cfg = config_load(config_path, err, sizeof(err));
	if (cfg == NULL) {
		fprintf(stderr, "ixpd: %s\n", err);
		return 1;
	}
	if (check_only) {
		for (int i = 0; i < cfg->warnings.n; i++)
			fprintf(stderr, "ixpd: warning: %s\n", cfg->warnings.v[i]);
		config_dump(cfg, stdout);
		config_free(cfg);
		return 0;
	}
	log_init("ixpd", detach || cfg->log_syslog, cfg->log_level);
	log_config_warnings(cfg, "");
	if (detach && daemonize() < 0) {
		fprintf(stderr, "ixpd: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	/* libcurl (and its TLS library, several MB) is initialised before any
	 * thread starts, and only if something is to be fetched. */
	if (fetches(cfg) && fetch_init(err, sizeof(err)) < 0)
		fprintf(stderr, "ixpd: fetching PeeringDB's API or a whois dump: %s\n", err);
	static struct daemon d;      /* large (peer tables): not on the stack */
	d.cfg = cfg;
	d.user = user;
	d.sandbox = sandbox;
	d.restarting = restart_marked(cfg);
	int rc = run(&d);
	config_free(d.cfg);
	free(d.reg);
	return rc;
}
