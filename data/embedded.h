/* Files embedded in the binary at build time (cmake/EmbedGen.cmake): the technique
 * catalog, the bundled scenarios and lessons, so that an installed breakout works anywhere. */
#ifndef BREAKOUT_EMBEDDED_H
#define BREAKOUT_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *path; /* relative to the source tree, e.g. "scenarios/shared-node.json" */
    const char *data; /* NUL-terminated */
    size_t size;      /* without the NUL */
} EmbeddedFile;

/* Tables end with an entry whose path is NULL. */
extern const EmbeddedFile embedded_scenarios[];
extern const EmbeddedFile embedded_catalog[];
extern const EmbeddedFile embedded_lessons[]; /* the JSON files of scenarios/lessons/ */

#endif
