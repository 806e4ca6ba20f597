/* SPDX-License-Identifier: ISC */
/* libFuzzer target: message framing and OPEN/NOTIFICATION/ROUTE-REFRESH
 * decoding.  Input = a stream of BGP messages. */
#include <stdint.h>
#include <string.h>

#include "bgp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	while (size >= BGP_HEADER_LEN) {
		uint8_t type;
		uint16_t len;
		struct bgp_notify err, n;
		if (bgp_header_check(data, BGP_MAX_EXT_MSG, &type, &len, &err) < 0 || len > size)
			return 0;
		const uint8_t *body = data + BGP_HEADER_LEN;
		size_t blen = len - BGP_HEADER_LEN;
		struct bgp_open o;
		uint16_t afi;
		uint8_t safi, sub;
		char text[256];
		switch (type) {
		case BGP_OPEN:
			if (bgp_open_decode(body, blen, &o, &err) == 0) {
				struct wbuf w = { 0 };
				bgp_open_encode(&w, &o);     /* what we parsed can be said back */
				wbuf_free(&w);
			}
			break;
		case BGP_NOTIFICATION:
			if (bgp_notification_decode(body, blen, &n) == 0)
				bgp_notification_shutdown_msg(&n, text, sizeof(text));
			break;
		case BGP_ROUTE_REFRESH:
			bgp_route_refresh_decode(body, blen, &afi, &safi, &sub);
			break;
		}
		data += len;
		size -= len;
	}
	return 0;
}
