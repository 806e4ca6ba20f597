/* SPDX-License-Identifier: ISC */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

int dynlib_load(const char *soname, const char *package, const struct dynsym *syms, size_t n,
    char *err, size_t errlen)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(err, errlen, "cannot load %s (Debian package %s): %s", soname, package, dlerror());
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		*syms[i].slot = dlsym(lib, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(err, errlen, "%s has no %s", soname, syms[i].name);
			dlclose(lib);
			return -1;
		}
	}
	return 0;                    /* stays loaded for the process's life */
}
