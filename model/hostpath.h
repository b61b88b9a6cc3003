/* Host paths as DESIGN.md compares them: normalised per OS, and "covers" (equal or ancestor). */
#ifndef BREAKOUT_HOSTPATH_H
#define BREAKOUT_HOSTPATH_H

#include <stdbool.h>

#include "scenario.h"

/* Returns an owned normal form of path for a host of the given OS: separators unified
 * (`/` on Linux, `\` and `/` both read as `\` on Windows), duplicates collapsed, trailing
 * ones dropped, `.` and `..` resolved lexically, `\\?\` stripped; Windows lower-cased;
 * Linux `/var/run` read as `/run`. */
char *hostpath_normalize(const char *path, Os os);

/* True when the normalised path `outer` equals or is an ancestor of the normalised `inner`. */
bool hostpath_covers(const char *outer, const char *inner);

/* The normalised path of the key file that authorises SSH logins for user on a host of os:
 * owned. Windows administrators use C:\ProgramData\ssh\administrators_authorized_keys. */
char *hostpath_key_file(Os os, const char *user, bool admin);

#endif
