/* SPDX-License-Identifier: ISC */
#include "fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dynlib.h"
#include "errbuf.h"

static struct {
	pthread_once_t once;
	bool ok;
	char err[160];
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} curl = { .once = PTHREAD_ONCE_INIT };

static void curl_load(void)
{
	const struct dynsym syms[] = {
		{ "curl_global_init", (void **)&curl.global_init },
		{ "curl_easy_init", (void **)&curl.easy_init },
		{ "curl_easy_setopt", (void **)&curl.easy_setopt },
		{ "curl_easy_perform", (void **)&curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&curl.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&curl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&curl.easy_strerror },
		{ "curl_slist_append", (void **)&curl.slist_append },
		{ "curl_slist_free_all", (void **)&curl.slist_free_all },
	};
	if (dynlib_load("libcurl.so.4", "libcurl4", syms, sizeof(syms) / sizeof(syms[0]), curl.err,
	    sizeof(curl.err)) < 0)
		return;
	curl.ok = curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	if (!curl.ok)
		snprintf(curl.err, sizeof(curl.err), "curl_global_init failed");
}

int fetch_init(char *err, size_t errlen)
{
	pthread_once(&curl.once, curl_load);
	if (curl.ok)
		return 0;
	errbuf_set(err, errlen, "%s", curl.err);
	return -1;
}

struct sink {
	struct wbuf *body;
	size_t max;
};

static size_t collect_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	if (s->body->len + n > s->max)
		return 0;                /* makes curl fail with CURLE_WRITE_ERROR */
	wbuf_put(s->body, ptr, n);
	return n;
}

long fetch_url(const char *url, const struct fetch_opts *o, struct wbuf *body, char *err, size_t errlen)
{
	if (fetch_init(err, errlen) < 0)
		return -1;
	CURL *c = curl.easy_init();
	if (c == NULL) {
		errbuf_set(err, errlen, "%s: cannot initialise libcurl", url);
		return -1;
	}
	char cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = o->header ? curl.slist_append(NULL, o->header) : NULL;
	struct sink sink = { body, o->max_bytes };
	curl.easy_setopt(c, CURLOPT_URL, url);
	curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, o->protocols);
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);   /* we may run in a thread */
	curl.easy_setopt(c, CURLOPT_TIMEOUT, o->timeout);
	curl.easy_setopt(c, CURLOPT_USERAGENT, "ixpd");
	curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl.easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);

	CURLcode res = curl.easy_perform(c);
	long status = 0;
	if (res == CURLE_OK && strncmp(url, "http", 4) == 0)
		curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (res == CURLE_WRITE_ERROR) {
		errbuf_set(err, errlen, "%s: answer larger than %zu MB", url, o->max_bytes >> 20);
		status = -1;
	} else if (res != CURLE_OK) {
		errbuf_set(err, errlen, "%s: %s", url, cerr[0] ? cerr : curl.easy_strerror(res));
		status = -1;
	}
	curl.slist_free_all(headers);
	curl.easy_cleanup(c);
	return status;
}
