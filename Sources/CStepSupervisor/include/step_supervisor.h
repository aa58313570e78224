#ifndef STEP_SUPERVISOR_H
#define STEP_SUPERVISOR_H

#include <sys/types.h>

/// Runs `path` with `argv` as a child of the calling process, in the
/// caller's process group, and stays beside it until it ends: returns its
/// exit code, or ends itself by the same signal that ended it. When the
/// process `parent` dies (even by SIGKILL) the whole group is killed.
/// Call it first thing in a fresh process (decision 0027).
int steward_supervise(const char *path, char *const argv[], pid_t parent);

#endif
