/* SPDX-License-Identifier: ISC */
/* bogons: the bogon prefix list arouteserver ships (its config.d/bogons.yml),
 * built in so that ixpd filters bogons without a bogons file.  Same entries,
 * comments and order as arouteserver's list: the default routes exactly,
 * and every other entry with its more specifics.  Compile it with
 * prefix_list_compile(). */
#ifndef IXPD_BOGONS_H
#define IXPD_BOGONS_H
#include "config.h"

/* Built on first use (thread-safe), never freed, never changes. */
const struct cfg_prefix_list *bogons_builtin(void);
#endif
