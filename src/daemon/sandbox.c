/* SPDX-License-Identifier: ISC */
/* sandbox: Landlock and the seccomp allow-list.  See sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "xalloc.h"

int sandbox_mode_parse(const char *text, enum sandbox_mode *out)
{
	static const char *const names[] = { [SANDBOX_ON] = "on", [SANDBOX_LOG] = "log", [SANDBOX_OFF] = "off" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0) {
			*out = (enum sandbox_mode)i;
			return 0;
		}
	return -1;
}

/* --- Landlock ----------------------------------------------------------------- */

/* Debian 12's kernel headers (6.1) predate Landlock ABI 3; the value is the
 * kernel's ABI, so a newer kernel honours it. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

struct sandbox_fs {
	int fd;            /* the rule set; -1: no Landlock in this kernel */
	int abi;
	uint64_t handled;  /* the access rights this kernel's ABI knows, all denied unless allowed */
	unsigned rules;
};

#define FS_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* writable directories: files and directories, no devices, FIFOs or symlinks */
#define FS_WRITE (FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_REFER)

/* The rights each Landlock ABI version handles (version 2 added REFER,
 * 3 TRUNCATE; later ones add rights this code does not use). */
static uint64_t rights_of_abi(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;      /* version 1: bits 0..12 */
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return r;
}

struct sandbox_fs *sandbox_fs_new(char *err, size_t errlen)
{
	struct sandbox_fs *fs = xcalloc(1, sizeof(*fs));
	fs->fd = -1;
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return fs;           /* ENOSYS or EOPNOTSUPP: warned on entering */
	fs->abi = abi;
	fs->handled = rights_of_abi(abi);
	struct landlock_ruleset_attr attr = { .handled_access_fs = fs->handled };
	fs->fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fs->fd < 0) {
		errbuf_set(err, errlen, "Landlock: %s", strerror(errno));
		free(fs);
		return NULL;
	}
	return fs;
}

static int add_rule(struct sandbox_fs *fs, const char *path, uint64_t rights, char *err, size_t errlen)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : errbuf_set(err, errlen, "Landlock: %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= FS_FILE_RIGHTS;
	struct landlock_path_beneath_attr pb = { .allowed_access = rights & fs->handled, .parent_fd = fd };
	int rc = (int)syscall(SYS_landlock_add_rule, fs->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	int e = errno;
	close(fd);
	if (rc < 0)
		return errbuf_set(err, errlen, "Landlock: %s: %s", path, strerror(e));
	fs->rules++;
	return 0;
}

int sandbox_fs_allow(struct sandbox_fs *fs, const char *path, enum sandbox_access access, bool dir_of,
    char *err, size_t errlen)
{
	if (!path || fs->fd < 0)
		return 0;
	char dir[4096];
	if (dir_of) {
		const char *slash = strrchr(path, '/');
		if (!slash)
			path = ".";
		else if (slash == path)
			path = "/";
		else {
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
			path = dir;
		}
	}
	return add_rule(fs, path, access == SANDBOX_WRITE ? FS_WRITE : FS_READ, err, errlen);
}

int sandbox_fs_allow_system(struct sandbox_fs *fs, char *err, size_t errlen)
{
	/* /bin, /lib ... are symbolic links into /usr on Debian 12; a rule
	 * follows them to the directory they name. */
	static const char *const system_read[] = {
		"/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/localtime",
		"/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/nsswitch.conf", "/etc/gai.conf",
		"/etc/services", "/etc/protocols", "/etc/passwd", "/etc/group", "/etc/ssl",
		"/etc/ca-certificates", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/dev/urandom", "/dev/random",
	};
	for (size_t i = 0; i < sizeof(system_read) / sizeof(system_read[0]); i++)
		if (sandbox_fs_allow(fs, system_read[i], SANDBOX_READ, false, err, errlen) < 0)
			return -1;
	return sandbox_fs_allow(fs, "/dev/null", SANDBOX_WRITE, false, err, errlen);
}

void sandbox_fs_free(struct sandbox_fs *fs)
{
	if (!fs)
		return;
	if (fs->fd >= 0)
		close(fs->fd);
	free(fs);
}

int sandbox_fs_enter(struct sandbox_fs *fs, char *err, size_t errlen)
{
	int rc = 0;
	if (fs->fd < 0) {
		log_warn("sandbox: this kernel has no Landlock: the file system is not limited");
		rc = 1;
	} else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, fs->fd, 0) < 0) {
		rc = errbuf_set(err, errlen, "Landlock: %s", strerror(errno));
	} else {
		log_info("sandbox: the file system is limited to %u places (Landlock ABI %d)", fs->rules, fs->abi);
	}
	sandbox_fs_free(fs);
	return rc;
}

/* --- seccomp ------------------------------------------------------------------ */

/* What ixpd's threads, glibc, libyaml, jansson, libmicrohttpd, rtrlib,
 * libcurl (PeeringDB) and bgpq4 (a child: it inherits the filter) call.
 * Found by running the whole test suite in SANDBOX_LOG mode: a call missing
 * here shows up in dmesg as "audit: type=1326 ... syscall=N". */
static const char *const allowed_syscalls[] = {
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "membarrier",
	/* files */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "open", "openat", "close", "close_range",
	"fstat", "stat", "lstat", "newfstatat", "statx", "lseek", "fcntl", "ioctl", "fsync", "fdatasync",
	"ftruncate", "rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir",
	"getdents64", "readlink", "readlinkat", "access", "faccessat", "faccessat2", "umask", "getcwd",
	"chdir", "fchmod", "dup", "dup2", "dup3", "pipe", "pipe2", "statfs", "fstatfs", "flock",
	/* sockets */
	"socket", "socketpair", "connect", "accept", "accept4", "bind", "listen", "getsockname",
	"getpeername", "setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "shutdown",
	/* waiting */
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "poll", "ppoll", "select", "pselect6",
	"eventfd2", "signalfd4", "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
	"gettimeofday", "time",
	/* threads, signals, processes (bgpq4) */
	"clone", "clone3", "fork", "vfork", "execve", "wait4", "waitid", "kill", "tgkill", "exit",
	"exit_group", "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "gettid",
	"getpid", "getppid", "sched_yield", "sched_getaffinity", "rt_sigaction", "rt_sigprocmask",
	"rt_sigreturn", "rt_sigtimedwait", "sigaltstack", "restart_syscall", "arch_prctl", "prctl",
	/* identity and limits (read only) */
	"getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid", "uname",
	"sysinfo", "getrlimit", "prlimit64", "getrusage", "getrandom", "getpgrp", "setsid",
};

/* The names of all system calls, made before the filter is loaded: the
 * SIGSYS handler must not allocate. */
#define MAX_SYSCALL 512
static const char *syscall_names[MAX_SYSCALL];

static void name_syscalls(void)
{
	for (int n = 0; n < MAX_SYSCALL; n++)
		if (!syscall_names[n])
			syscall_names[n] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, n);
}

/* A forbidden call was made: say which, then die of SIGSYS as
 * SCMP_ACT_KILL_PROCESS would (the signal is blocked in the handler and
 * delivered on its return, before the caller goes on).  log_err only makes
 * allowed system calls, so it cannot trap again. */
static void on_forbidden_syscall(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int n = si->si_syscall;
	const char *name = n >= 0 && n < MAX_SYSCALL && syscall_names[n] ? syscall_names[n] : "?";
	log_err("sandbox: forbidden system call %d (%s): stopping; `ixpd --sandbox log` lets it through "
	    "and logs it", n, name);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int load_filter(scmp_filter_ctx ctx, enum sandbox_mode mode, char *err, size_t errlen)
{
	unsigned n = 0;
	for (size_t i = 0; i < sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed_syscalls[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;            /* not a call of this architecture */
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc < 0)
			return errbuf_set(err, errlen, "seccomp: %s: %s", allowed_syscalls[i], strerror(-rc));
		n++;
	}
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (rc < 0)
		return errbuf_set(err, errlen, "seccomp: cannot load the filter: %s", strerror(-rc));
	log_info("sandbox: %u system calls allowed (seccomp), others %s", n,
	    mode == SANDBOX_LOG ? "logged by the kernel" : "stop ixpd");
	return 0;
}

int sandbox_syscalls(enum sandbox_mode mode, char *err, size_t errlen)
{
	if (mode == SANDBOX_OFF)
		return 0;
	name_syscalls();
	struct sigaction sa = { .sa_sigaction = on_forbidden_syscall, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return errbuf_set(err, errlen, "sigaction SIGSYS: %s", strerror(errno));
	scmp_filter_ctx ctx = seccomp_init(mode == SANDBOX_LOG ? SCMP_ACT_LOG : SCMP_ACT_TRAP);
	if (!ctx)
		return errbuf_set(err, errlen, "seccomp: cannot make a filter");
	int rc = load_filter(ctx, mode, err, errlen);
	seccomp_release(ctx);
	return rc;
}
