#define _GNU_SOURCE
#include "step_supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

// The kernel sends this when the thread that started the supervisor dies.
#define PARENT_GONE SIGUSR2

static void nothing(int sig) { (void)sig; }

int steward_supervise(const char *path, char *const argv[], pid_t parent) {
  sigset_t watched, previous;
  sigemptyset(&watched);
  sigaddset(&watched, SIGCHLD);
  sigaddset(&watched, PARENT_GONE);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGHUP);
  sigaddset(&watched, SIGQUIT);
  // Blocked and waited for rather than handled: no handler runs on a stack
  // the next signal could interrupt.
  sigprocmask(SIG_BLOCK, &watched, &previous);
  // SIGCHLD is discarded while its action is the default; a handler keeps
  // it pending for sigwaitinfo.
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = nothing;
  sigaction(SIGCHLD, &action, NULL);

  if (prctl(PR_SET_PDEATHSIG, PARENT_GONE) != 0 || getppid() != parent) {
    // The runner is already gone (or cannot be watched): run nothing.
    return 137;
  }

  pid_t child = fork();
  if (child < 0) {
    dprintf(STDERR_FILENO, "steward: cannot start %s: %s\n", argv[0], strerror(errno));
    return 126;
  }
  if (child == 0) {
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    execv(path, argv);
    dprintf(STDERR_FILENO, "steward: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&watched, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status;
      pid_t ended;
      // Reap whatever ended; only the command's end ends the supervisor.
      while ((ended = waitpid(-1, &status, WNOHANG)) > 0) {
        if (ended != child) continue;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        int by = WTERMSIG(status);
        // End the same way, so the runner sees "killed by signal N".
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        signal(by, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, by);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        kill(getpid(), by);
        return 128 + by;
      }
    } else if (sig == PARENT_GONE) {
      // Also sent when the runner's thread that started us ended while the
      // runner lives on: then it is reparented to another of its threads.
      if (getppid() == parent) continue;
      kill(0, SIGKILL);  // the whole group, this process included
      return 137;
    }
    // SIGTERM, SIGINT, SIGHUP, SIGQUIT: the runner and the terminal signal
    // the whole group, so the command has it already; the supervisor stays
    // to report how the command ended.
  }
}
