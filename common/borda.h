/*
 * The regional priority list: a Borda count over the open agenda items,
 * every municipality weighing the same.  Pure: no I/O, no globals.
 */
#ifndef SAMEN_BORDA_H
#define SAMEN_BORDA_H

#include <stddef.h>

struct borda_ranking {
	const char		*municipality;
	const char *const	*items;		/* most important first */
	size_t			 nitems;
};

struct borda_row {
	const char	*item;		/* one of the open items */
	unsigned int	 points;	/* total */
	unsigned int	 first_places;
	unsigned int	 rank;		/* regional rank, 1 = first */
	unsigned int	*ranks;		/* per ranking: 1-based, 0 unranked */
	unsigned int	*given;		/* per ranking: points it gives */
};

int	borda_count(const char *const *, size_t, const struct borda_ranking *,
	    size_t, struct borda_row *);
void	borda_free(struct borda_row *, size_t);
int	borda_idcmp(const char *, const char *);

#endif
