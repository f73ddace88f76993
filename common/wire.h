/* Small facts about the wire messages that both programs need. */
#ifndef SAMEN_WIRE_H
#define SAMEN_WIRE_H

#include "samen.pb-c.h"

Samen__V1__Kind	 wire_entity_kind(const Samen__V1__Entity *);
const char	*wire_code_name(Samen__V1__Status__Code);
int		 wire_mkdir_p(const char *, char **);
int		 wire_text_ok(const char *, int);
void		 wire_clean_text(char *);

#endif
