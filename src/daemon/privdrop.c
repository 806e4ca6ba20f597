/* SPDX-License-Identifier: ISC */
/* privdrop: from root to an unprivileged user.  See privdrop.h. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"

int privdrop(const char *user, const char *const *dirs, size_t ndirs, char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		errbuf_set(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		errbuf_set(err, errlen, "--user %s: that is root", user);
		return -1;
	}
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i] && chown(dirs[i], pw->pw_uid, pw->pw_gid) < 0 && errno != ENOENT)
			log_warn("%s: cannot give it to %s: %s", dirs[i], user, strerror(errno));
	if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		errbuf_set(err, errlen, "--user %s: %s", user, strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		errbuf_set(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (setresuid(0, 0, 0) == 0) {      /* the change must not be undoable */
		errbuf_set(err, errlen, "--user %s: root could be had back", user);
		return -1;
	}
	log_info("running as %s (uid %u, gid %u), no capabilities, no_new_privs", user,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	return 0;
}
