/* Normalising and comparing host paths: see hostpath.h. */
#include "hostpath.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char *hostpath_normalize(const char *path, Os os)
{
    const char sep = os == OS_WINDOWS ? '\\' : '/';
    size_t len = strlen(path);
    char *buf = xmalloc(len + 2);
    const char *p = path;
    if (os == OS_WINDOWS && (strncmp(p, "\\\\?\\", 4) == 0 || strncmp(p, "//?/", 4) == 0)) p += 4;

    /* Split into components; keep a root prefix (a drive such as "c:" or "" for "/"). */
    size_t out = 0;
    bool absolute = (*p == '/' || (os == OS_WINDOWS && *p == '\\'));
    size_t root_len = 0; /* length of the part ".." may not climb above */
    if (os == OS_WINDOWS && isalpha((unsigned char)p[0]) && p[1] == ':') {
        buf[out++] = (char)tolower((unsigned char)p[0]);
        buf[out++] = ':';
        p += 2;
        absolute = (*p == '/' || *p == '\\');
    }
    if (absolute) buf[out++] = sep;
    root_len = out;

    while (*p) {
        while (*p == '/' || (os == OS_WINDOWS && *p == '\\'))
            p++;
        if (!*p) break;
        const char *start = p;
        while (*p && *p != '/' && !(os == OS_WINDOWS && *p == '\\'))
            p++;
        size_t n = (size_t)(p - start);
        if (n == 1 && start[0] == '.') continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            /* drop the last component, never the root */
            while (out > root_len && buf[out - 1] != sep)
                out--;
            if (out > root_len) out--; /* the separator before it */
            continue;
        }
        if (out > 0 && buf[out - 1] != sep) buf[out++] = sep;
        for (size_t i = 0; i < n; i++)
            buf[out++] = os == OS_WINDOWS ? (char)tolower((unsigned char)start[i]) : start[i];
    }
    if (out == 0) buf[out++] = '.';
    buf[out] = '\0';

    if (os == OS_LINUX && (strcmp(buf, "/var/run") == 0 || strncmp(buf, "/var/run/", 9) == 0)) {
        memmove(buf, buf + 4, strlen(buf + 4) + 1); /* "/var/run..." -> "/run..." */
    }
    return buf;
}

bool hostpath_covers(const char *outer, const char *inner)
{
    size_t n = strlen(outer);
    if (strncmp(outer, inner, n) != 0) return false;
    if (inner[n] == '\0') return true;
    /* outer is a root such as "/" or "c:\" and already ends with a separator */
    if (n > 0 && (outer[n - 1] == '/' || outer[n - 1] == '\\')) return true;
    return inner[n] == '/' || inner[n] == '\\';
}

char *hostpath_key_file(Os os, const char *user, bool admin)
{
    char *raw;
    if (os == OS_WINDOWS)
        raw = admin ? xstrdup("C:\\ProgramData\\ssh\\administrators_authorized_keys")
                    : xasprintf("C:\\Users\\%s\\.ssh\\authorized_keys", user);
    else
        raw = strcmp(user, "root") == 0 ? xstrdup("/root/.ssh/authorized_keys")
                                        : xasprintf("/home/%s/.ssh/authorized_keys", user);
    char *norm = hostpath_normalize(raw, os);
    free(raw);
    return norm;
}
