/*
 * Framing: a 4-byte big-endian length, then that many bytes of one
 * protobuf Frame.  The length is checked against the limit before any
 * memory is set aside for the body.
 */
#ifndef SAMEN_FRAME_H
#define SAMEN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "samen.pb-c.h"

struct evbuffer;

#define FRAME_HEADER_LEN	4
#define FRAME_DEFAULT_MAX	(1024 * 1024)
#define FRAME_UNPACK_FACTOR	16	/* memory to read a frame, at most
					   this times its size ... */
#define FRAME_UNPACK_MIN	(64 * 1024)	/* ... plus this */
#define FRAME_ZSTD_LEVEL	1	/* fast; a page shrinks ~10x */
#define FRAME_ZSTD_MIN		8192	/* smaller pages go as they are */

enum frame_result {
	FRAME_OK,		/* *out holds one frame */
	FRAME_AGAIN,		/* not a whole frame yet */
	FRAME_TOO_LARGE,	/* the announced length is above the limit */
	FRAME_INVALID,		/* the body is not a protobuf Frame */
	FRAME_NUL,		/* a string in it holds a NUL byte */
	FRAME_COSTLY,		/* reading it takes too much memory */
};

int	frame_append(struct evbuffer *, const Samen__V1__Frame *, size_t);
enum frame_result frame_cut(struct evbuffer *, size_t, Samen__V1__Frame **,
	    uint32_t *);
int	frame_append_sync(struct evbuffer *, const Samen__V1__Frame *,
	    struct evbuffer *, size_t);
void	frame_sync_change(struct evbuffer *, uint64_t, int, const char *,
	    const void *, size_t);
int	frame_sync_compress(struct evbuffer *, Samen__V1__SyncResponse *);
void	frame_free(Samen__V1__Frame *);
const char *frame_result_str(enum frame_result);

#endif
