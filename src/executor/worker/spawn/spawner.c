/*
 * rayts-spawner: starts command processes for rayts with vfork and exec, from a process small
 * enough that starting one is cheap (forking the Node process that runs rayts copies its
 * page tables: that, not exec, is what bounds child_process.spawn).
 *
 * Each command runs in a session (and so a process group) of its own, with pipes for stdin,
 * stdout and stderr. The spawner writes the stdin it is given, forwards stdout and stderr
 * as they come, and reports the exit status. It signals nothing by itself but one thing:
 * when its own stdin closes (rayts exited or stopped it), it SIGKILLs the groups it started
 * and exits.
 *
 * Frames, both ways: u32 length (of what follows), u8 op, u32 id, payload; little-endian.
 *   in   'S' spawn:  u32 argc, u32 envc, u32 stdin length, then NUL-ended strings
 *                    (file, cwd, argv..., env...), then the stdin bytes
 *   out  'P' pid:    i32 pid          'F' failed: i32 errno
 *        'O' stdout: bytes            'E' stderr: bytes
 *        'X' exit:   i32 wait status  'C' stdout and stderr both closed (sent after 'X')
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
  uint32_t id;
  pid_t pid; /* 0 once reaped */
  int in, out, err; /* -1 once closed */
  char *stdin_buf;
  size_t stdin_len, stdin_off;
  int exited;
  struct job *next;
};

static struct job *jobs;
static int sigfd;

static void kill_all(void);
/* rayts is gone or talks nonsense: leave nothing behind */
static void die(void) {
  kill_all();
  _exit(1);
}

static void write_all(const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(1, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd pf = {1, POLLOUT, 0};
        poll(&pf, 1, -1);
        continue;
      }
      die(); /* rayts is gone */
    }
    c += w;
    n -= (size_t)w;
  }
}

static void put_u32(char *p, uint32_t v) { memcpy(p, &v, 4); } /* x86/arm Linux: little-endian */
static uint32_t get_u32(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void send_frame(char op, uint32_t id, const void *data, uint32_t n) {
  char head[9];
  put_u32(head, 5 + n);
  head[4] = op;
  put_u32(head + 5, id);
  write_all(head, 9);
  if (n) write_all(data, n);
}

static void send_int(char op, uint32_t id, int32_t v) { send_frame(op, id, &v, 4); }

static void kill_all(void) {
  for (struct job *j = jobs; j; j = j->next)
    if (j->pid > 0) kill(-j->pid, SIGKILL);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* execvp's search, in the command's own PATH (as libuv does), by access() rather than trying */
static int resolve(const char *file, char *const envp[], char *out, size_t cap) {
  if (strchr(file, '/')) {
    if (strlen(file) >= cap) return ENAMETOOLONG;
    strcpy(out, file);
    return 0;
  }
  if (!*file) return ENOENT;
  const char *path = "/usr/local/bin:/usr/bin:/bin";
  for (char *const *e = envp; *e; e++)
    if (!strncmp(*e, "PATH=", 5)) path = *e + 5;
  int found = ENOENT;
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    size_t dl = (size_t)(end - p);
    if (dl + 1 + strlen(file) + 1 <= cap) {
      if (dl == 0) strcpy(out, file); /* an empty entry is the current directory */
      else {
        memcpy(out, p, dl);
        out[dl] = '/';
        strcpy(out + dl + 1, file);
      }
      struct stat st;
      if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
        if (access(out, X_OK) == 0) return 0;
        found = EACCES;
      }
    }
    if (!*end) break;
    p = end;
  }
  return found;
}

/* kernel's struct sigaction (x86-64, arm64): set through the syscall, since glibc refuses its
 * two internal signals, which a child would otherwise inherit ignored */
struct ksigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

/*
 * vfork, then in the child: a new session, the pipes as 0/1/2, the cwd, every signal at its
 * default and none blocked (as libuv does for child_process.spawn), exec. Not posix_spawn:
 * glibc's leaves its internal signals 32 and 33 ignored in the child, which a command
 * started by Node would not inherit. The child reports a failure through `failure`, which
 * it shares with this process until it execs or exits.
 */
static int start(const char *path, const char *cwd, char **argv, char **envp, int in, int out, int err, pid_t *pid) {
  static volatile int failure;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  failure = 0;
  pid_t child = vfork();
  if (child == 0) {
    struct ksigaction dfl = {SIG_DFL, 0, NULL, 0};
    for (int sig = 1; sig < 65; sig++)
      if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
    if (setsid() < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || chdir(cwd) < 0) {
      failure = errno;
      _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
    execve(path, argv, envp);
    failure = errno;
    _exit(127);
  }
  int error = child < 0 ? errno : failure;
  if (child > 0 && error) waitpid(child, NULL, 0); /* it exited: no 'X' for it */
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  *pid = child;
  return error;
}

static void spawn_job(uint32_t id, const char *payload, uint32_t n) {
  if (n < 12) die();
  uint32_t argc = get_u32(payload), envc = get_u32(payload + 4), inlen = get_u32(payload + 8);
  const char *p = payload + 12, *end = payload + n - inlen;
  char **argv = calloc(argc + 1, sizeof(char *)), **envp = calloc(envc + 1, sizeof(char *));
  if (!argv || !envp) die();
  const char *file = p;
  p += strlen(p) + 1;
  const char *cwd = p;
  p += strlen(p) + 1;
  for (uint32_t i = 0; i < argc; i++, p += strlen(p) + 1) argv[i] = (char *)p;
  for (uint32_t i = 0; i < envc; i++, p += strlen(p) + 1) envp[i] = (char *)p;
  if (p > end) die();

  char path[4096];
  int fds[6] = {-1, -1, -1, -1, -1, -1};
  int error = resolve(file, envp, path, sizeof path);
  if (!error && (pipe2(fds, O_CLOEXEC) || pipe2(fds + 2, O_CLOEXEC) || pipe2(fds + 4, O_CLOEXEC))) error = errno;
  pid_t pid = 0;
  if (!error) error = start(path, cwd, argv, envp, fds[0], fds[3], fds[5], &pid);
  free(argv);
  free(envp);
  close_fd(&fds[0]);
  close_fd(&fds[3]);
  close_fd(&fds[5]);
  if (error) {
    close_fd(&fds[1]);
    close_fd(&fds[2]);
    close_fd(&fds[4]);
    send_int('F', id, error);
    return;
  }
  struct job *j = calloc(1, sizeof *j);
  if (!j) die();
  j->id = id;
  j->pid = pid;
  j->in = fds[1];
  j->out = fds[2];
  j->err = fds[4];
  fcntl(j->in, F_SETFL, O_NONBLOCK);
  if (inlen) {
    j->stdin_buf = malloc(inlen);
    if (!j->stdin_buf) die();
    memcpy(j->stdin_buf, end, inlen);
    j->stdin_len = inlen;
  } else close_fd(&j->in);
  j->next = jobs;
  jobs = j;
  send_int('P', id, pid);
}

static void feed_stdin(struct job *j) {
  while (j->stdin_off < j->stdin_len) {
    ssize_t w = write(j->in, j->stdin_buf + j->stdin_off, j->stdin_len - j->stdin_off);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      break; /* EPIPE: the command does not read its input */
    }
    j->stdin_off += (size_t)w;
  }
  free(j->stdin_buf);
  j->stdin_buf = NULL;
  close_fd(&j->in);
}

static char chunk[65536];

static void forward(struct job *j, int *fd, char op) {
  ssize_t r = read(*fd, chunk, sizeof chunk);
  if (r > 0) send_frame(op, j->id, chunk, (uint32_t)r);
  else if (r == 0 || (errno != EINTR && errno != EAGAIN)) close_fd(fd);
}

static void reap(void) {
  struct signalfd_siginfo si;
  while (read(sigfd, &si, sizeof si) > 0) {}
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    for (struct job *j = jobs; j; j = j->next)
      if (j->pid == pid) {
        j->pid = 0;
        j->exited = 1;
        send_int('X', j->id, status);
        break;
      }
}

/* a job is forgotten once reaped and its output pipes closed */
static void sweep(void) {
  for (struct job **pp = &jobs; *pp;) {
    struct job *j = *pp;
    if (j->exited && j->out < 0 && j->err < 0) {
      send_frame('C', j->id, NULL, 0);
      close_fd(&j->in);
      free(j->stdin_buf);
      *pp = j->next;
      free(j);
    } else pp = &j->next;
  }
}

int main(void) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigfd < 0) return 1;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN); /* rayts decides when commands stop */
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  fcntl(1, F_SETFL, fcntl(1, F_GETFL) & ~O_NONBLOCK);

  size_t cap = 1 << 16, len = 0;
  char *in = malloc(cap);
  struct pollfd *pfs = NULL;
  struct job **owner = NULL;
  size_t pcap = 0;
  int input_open = 1;
  if (!in) return 1;

  while (input_open) {
    size_t n = 2;
    for (struct job *j = jobs; j; j = j->next) n += 3;
    if (n > pcap) {
      pcap = n * 2;
      pfs = realloc(pfs, pcap * sizeof *pfs);
      owner = realloc(owner, pcap * sizeof *owner);
      if (!pfs || !owner) die();
    }
    pfs[0] = (struct pollfd){0, POLLIN, 0};
    pfs[1] = (struct pollfd){sigfd, POLLIN, 0};
    n = 2;
    for (struct job *j = jobs; j; j = j->next) {
      if (j->in >= 0) owner[n] = j, pfs[n++] = (struct pollfd){j->in, POLLOUT, 0};
      if (j->out >= 0) owner[n] = j, pfs[n++] = (struct pollfd){j->out, POLLIN, 0};
      if (j->err >= 0) owner[n] = j, pfs[n++] = (struct pollfd){j->err, POLLIN, 0};
    }
    if (poll(pfs, n, -1) < 0) {
      if (errno == EINTR) continue;
      die();
    }
    for (size_t i = 2; i < n; i++) {
      if (!pfs[i].revents) continue;
      struct job *j = owner[i];
      if (pfs[i].fd == j->in) feed_stdin(j);
      else if (pfs[i].fd == j->out) forward(j, &j->out, 'O');
      else if (pfs[i].fd == j->err) forward(j, &j->err, 'E');
    }
    if (pfs[1].revents) reap();
    if (pfs[0].revents) {
      for (;;) {
        if (len == cap) {
          cap *= 2;
          in = realloc(in, cap);
          if (!in) die();
        }
        ssize_t r = read(0, in + len, cap - len);
        if (r > 0) len += (size_t)r;
        else if (r == 0) {
          input_open = 0;
          break;
        } else if (errno == EINTR) continue;
        else if (errno == EAGAIN) break;
        else {
          input_open = 0;
          break;
        }
      }
      size_t off = 0;
      while (len - off >= 4) {
        uint32_t flen = get_u32(in + off);
        if (flen < 5) die();
        if (len - off - 4 < flen) break;
        const char *f = in + off + 4;
        if (f[0] == 'S') spawn_job(get_u32(f + 1), f + 5, flen - 5);
        else die();
        off += 4 + flen;
      }
      memmove(in, in + off, len - off);
      len -= off;
    }
    sweep();
  }
  kill_all();
  return 0;
}
