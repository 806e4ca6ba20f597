/* SPDX-License-Identifier: ISC */
/* sandbox: what ixpd may still do once it runs.  Two kernel mechanisms, both
 * inherited by every thread and child (bgpq4) created afterwards:
 *  - Landlock: the file system is limited to what the config names -- read
 *    (and execute) below the config and data directories and the system's
 *    libraries and resolver files, write below cache_dir, mrt.dir and the
 *    control sockets' directory, nothing else.  Landlock applies to the
 *    calling thread and what it starts, so it is entered before any thread.
 *  - seccomp-BPF: an allow-list of the system calls ixpd, its libraries and
 *    bgpq4 make; any other kills the process with a log line naming the
 *    call.  Loaded on every thread at once (TSYNC) once the privileges are
 *    dropped, so setuid and its kin are not in the list.
 * A kernel without Landlock gets a warning, not a refusal (containers may
 * lack it); one without seccomp is refused unless the mode is SANDBOX_OFF. */
#ifndef IXPD_SANDBOX_H
#define IXPD_SANDBOX_H
#include <stdbool.h>
#include <stddef.h>

enum sandbox_mode {
	SANDBOX_ON,     /* a forbidden system call kills, files outside the rules are refused */
	SANDBOX_LOG,    /* a forbidden system call is let through and logged by the kernel
	                   (audit, dmesg): to find what a new library needs; Landlock as ON */
	SANDBOX_OFF,
};
int sandbox_mode_parse(const char *text, enum sandbox_mode *out);

enum sandbox_access {
	SANDBOX_READ,   /* read files, list directories, execute programs */
	SANDBOX_WRITE,  /* that, and create, write, rename and remove files and directories */
};

/* A Landlock rule set being built.  Paths that do not exist are skipped:
 * the rules are made of what is there when ixpd starts. */
struct sandbox_fs;
/* NULL with err on failure; a set that ignores its rules (and says so in
 * the log once entered) when the kernel has no Landlock. */
struct sandbox_fs *sandbox_fs_new(char *err, size_t errlen);
/* Allows access below path (a directory) or to path (a file).  With
 * dir_of, below the directory path is in instead: files such as the config
 * are replaced by rename, and a rule on the old file would not cover the new. */
int sandbox_fs_allow(struct sandbox_fs *fs, const char *path, enum sandbox_access access, bool dir_of,
    char *err, size_t errlen);
/* The system's part: libraries, programs (bgpq4), the resolver's and TLS's
 * files in /etc, /dev/null and /dev/urandom. */
int sandbox_fs_allow_system(struct sandbox_fs *fs, char *err, size_t errlen);
/* Enters the rules for the calling thread and what it starts; frees fs. */
int sandbox_fs_enter(struct sandbox_fs *fs, char *err, size_t errlen);
void sandbox_fs_free(struct sandbox_fs *fs);

/* Loads the system call allow-list on every thread of the process. */
int sandbox_syscalls(enum sandbox_mode mode, char *err, size_t errlen);
#endif
