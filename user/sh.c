/*
 * sh - Faultline's small shell.
 *
 *   sh                  read commands from stdin ("$ " prompt on a tty)
 *   sh FILE [ARG...]    read commands from FILE (a script)
 *   sh -c COMMANDS      run COMMANDS
 *
 * Grammar, one line at a time (docs/userspace.md has the long version):
 *
 *   line      := [ pipeline { ";" pipeline } ] [ "#" comment ]
 *   pipeline  := command { "|" command }
 *   command   := { word | "<" word | ">" word | ">>" word }
 *   word      := characters other than blanks and | < > ; with
 *                '...' (literal), "..." (only $? expanded inside),
 *                \c (c literal) and $? (the last exit status)
 *
 * A name without a slash is looked for in each directory of $PATH (/bin
 * when PATH is unset). The status of a pipeline is its last command's:
 * the exit code, 128+N if killed by signal N, 127 for "not found", 126 if
 * the file exists but cannot be run, 2 for a syntax error. Builtins: cd,
 * exit, pwd. No job control, no variables other than $?, no globbing.
 *
 * Ctrl-C: the console sends SIGINT to the whole foreground process group
 * (init, this shell and its children alike). The shell catches SIGINT with
 * a handler that only sets a flag - not SIG_IGN, which its children would
 * inherit through execve - so a running command gets the default action
 * and dies, while the shell, back from wait4, notes the interrupted line
 * and prompts again. The prompt is "# " for root and "$ " otherwise, on
 * stderr, and only when stdin is a terminal.
 *
 * The shell reads its input one byte at a time with read(). That is slow
 * but right: a script on stdin is shared with the commands it starts, and
 * a buffered read would swallow lines that a command such as "cat" should
 * see, or lines the shell has yet to run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN	4096
#define MAX_ARGS	64	/* words per command */
#define MAX_CMDS	16	/* commands per pipeline */

/* ---- the lexer ---------------------------------------------------------- */

enum token { T_WORD, T_PIPE, T_IN, T_OUT, T_APPEND, T_SEMI, T_END, T_ERROR };

/*
 * The lexer walks one line. Words are copied, unquoted and expanded, into
 * words[]; each word returned points into it.
 */
struct lexer {
	const char *p;			/* next character of the line */
	int status;			/* the value of $? */
	char words[2 * LINE_MAX_LEN];	/* room for every expanded word */
	size_t used;
	const char *error;		/* why T_ERROR was returned */
};

/* Append one character to the word being built; 0, or -1 if out of room. */
static int put_char(struct lexer *lx, char c)
{
	if (lx->used + 1 >= sizeof(lx->words)) {
		lx->error = "line too long";
		return -1;
	}
	lx->words[lx->used++] = c;
	return 0;
}

/* Append the decimal value of $?. */
static int put_status(struct lexer *lx)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", lx->status);
	for (char *s = num; *s; s++)
		if (put_char(lx, *s) != 0)
			return -1;
	return 0;
}

/* If the input is at "$?", expand it and step over it. 1 if it did. */
static int try_dollar(struct lexer *lx)
{
	if (lx->p[0] != '$' || lx->p[1] != '?')
		return 0;
	lx->p += 2;
	return put_status(lx) == 0 ? 1 : -1;
}

/* Copy a '...' string (the opening quote already consumed). */
static int lex_single_quoted(struct lexer *lx)
{
	while (*lx->p && *lx->p != '\'')
		if (put_char(lx, *lx->p++) != 0)
			return -1;
	if (*lx->p != '\'') {
		lx->error = "unterminated '";
		return -1;
	}
	lx->p++;
	return 0;
}

/* Copy a "..." string, expanding $? and the escapes \" \\ \$. */
static int lex_double_quoted(struct lexer *lx)
{
	while (*lx->p && *lx->p != '"') {
		int r = try_dollar(lx);

		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (lx->p[0] == '\\' && lx->p[1] && strchr("\"\\$", lx->p[1]))
			lx->p++;
		if (put_char(lx, *lx->p++) != 0)
			return -1;
	}
	if (*lx->p != '"') {
		lx->error = "unterminated \"";
		return -1;
	}
	lx->p++;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int ends_word(char c)
{
	return c == '\0' || is_blank(c) || strchr("|<>;&", c) != NULL;
}

/* Lex one word starting at lx->p; *word gets it. T_WORD or T_ERROR. */
static enum token lex_word(struct lexer *lx, char **word)
{
	*word = lx->words + lx->used;
	while (!ends_word(*lx->p)) {
		int r = try_dollar(lx);
		char c;

		if (r > 0)
			continue;
		if (r < 0)
			return T_ERROR;
		c = *lx->p++;
		if (c == '\'')
			r = lex_single_quoted(lx);
		else if (c == '"')
			r = lex_double_quoted(lx);
		else if (c == '\\' && *lx->p)
			r = put_char(lx, *lx->p++);
		else
			r = put_char(lx, c);
		if (r != 0)
			return T_ERROR;
	}
	if (put_char(lx, '\0') != 0)
		return T_ERROR;
	return T_WORD;
}

/* The next token of the line. A word is returned through *word. */
static enum token next_token(struct lexer *lx, char **word)
{
	while (is_blank(*lx->p))
		lx->p++;
	switch (*lx->p) {
	case '\0':
	case '#':		/* a comment runs to the end of the line */
		return T_END;
	case '|':
		lx->p++;
		return T_PIPE;
	case ';':
		lx->p++;
		return T_SEMI;
	case '&':
		/* Not an ordinary character either: say so, rather than
		 * passing "&" to the program as an argument. */
		lx->error = "'&' is not supported (no background jobs, no &&)";
		return T_ERROR;
	case '<':
		lx->p++;
		return T_IN;
	case '>':
		if (*++lx->p == '>') {
			lx->p++;
			return T_APPEND;
		}
		return T_OUT;
	default:
		return lex_word(lx, word);
	}
}

/* ---- the parser --------------------------------------------------------- */

struct command {
	char *argv[MAX_ARGS + 1];
	int argc;
	const char *in;		/* < file, or NULL */
	const char *out;	/* > or >> file, or NULL */
	int append;		/* out is >> */
};

struct pipeline {
	struct command cmds[MAX_CMDS];
	int n;
};

/* After a redirection operator: the file name. */
static int parse_redirect(struct lexer *lx, enum token op, struct command *c)
{
	char *file;

	if (next_token(lx, &file) != T_WORD) {
		lx->error = "missing file name after < or >";
		return -1;
	}
	if (op == T_IN) {
		c->in = file;
	} else {
		c->out = file;
		c->append = op == T_APPEND;
	}
	return 0;
}

static int add_word(struct lexer *lx, struct command *c, char *word)
{
	if (c->argc == MAX_ARGS) {
		lx->error = "too many words";
		return -1;
	}
	c->argv[c->argc++] = word;
	c->argv[c->argc] = NULL;
	return 0;
}

/*
 * Parse one pipeline, up to ";" or the end of the line. *more is set if a
 * ";" ended it (another pipeline follows). 0, or -1 on a syntax error.
 * An empty pipeline (a blank line, a comment) gives pl->n == 0.
 */
static int parse_pipeline(struct lexer *lx, struct pipeline *pl, int *more)
{
	struct command *c = &pl->cmds[0];
	enum token t;
	char *word;

	memset(pl, 0, sizeof(*pl));
	*more = 0;
	for (;;) {
		t = next_token(lx, &word);
		if (t == T_WORD && add_word(lx, c, word) != 0)
			return -1;
		if ((t == T_IN || t == T_OUT || t == T_APPEND) &&
		    parse_redirect(lx, t, c) != 0)
			return -1;
		if (t == T_ERROR)
			return -1;
		if (t != T_PIPE && t != T_SEMI && t != T_END)
			continue;
		/* The end of a command: it must have a name, unless the
		 * whole pipeline is empty (a blank line). */
		if (c->argc == 0 && (t == T_PIPE || pl->n > 0 || c->in || c->out)) {
			lx->error = "missing command";
			return -1;
		}
		if (c->argc > 0)
			pl->n++;
		if (t != T_PIPE) {
			*more = t == T_SEMI;
			return 0;
		}
		if (pl->n == MAX_CMDS) {
			lx->error = "too many commands in a pipeline";
			return -1;
		}
		c = &pl->cmds[pl->n];
	}
}

/* ---- builtins ----------------------------------------------------------- */

/* The shell's state: just the last status and where input comes from. */
struct shell {
	int status;
	int interactive;
};

/* Set by the SIGINT handler; looked at (and cleared) by the input loop. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * Catch SIGINT and SIGQUIT without SA_RESTART: a read() at the prompt then
 * fails with EINTR, and the input loop throws the half-typed line away.
 */
static void catch_console_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

static int builtin_cd(struct shell *sh, struct command *c)
{
	const char *dir = c->argc > 1 ? c->argv[1] : getenv("HOME");

	(void)sh;
	if (!dir || !*dir)
		dir = "/";
	if (chdir(dir) != 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_exit(struct shell *sh, struct command *c)
{
	char *end;
	long code = sh->status;

	if (c->argc > 1) {
		code = strtol(c->argv[1], &end, 10);
		if (*c->argv[1] == '\0' || *end != '\0') {
			fprintf(stderr, "sh: exit: %s: numeric argument required\n",
				c->argv[1]);
			code = 2;
		}
	}
	exit((int)(code & 0xff));
}

static int builtin_pwd(struct shell *sh, struct command *c)
{
	char buf[4096];

	(void)sh;
	(void)c;
	if (!getcwd(buf, sizeof(buf))) {
		fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

/*
 * cd and exit change the shell itself, so they run in the shell process
 * (and only when they are alone on the line: in a pipeline they would run
 * in a child, as in other shells, and change nothing). pwd only prints, so
 * it runs in a child like a program, with its pipes and redirections.
 */
static const struct builtin {
	const char *name;
	int (*fn)(struct shell *, struct command *);
	int in_shell;
} builtins[] = {
	{ "cd", builtin_cd, 1 },
	{ "exit", builtin_exit, 1 },
	{ "pwd", builtin_pwd, 0 },
};

static const struct builtin *find_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

/* ---- running commands --------------------------------------------------- */

/* Open file onto fd target (for < > >>); 0, or -1 with a message. */
static int redirect(const char *file, int flags, int target)
{
	int fd = open(file, flags, 0666);

	if (fd < 0) {
		fprintf(stderr, "sh: %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (fd != target) {
		dup2(fd, target);
		close(fd);
	}
	return 0;
}

static int apply_redirections(const struct command *c)
{
	int out_flags = O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC);

	if (c->in && redirect(c->in, O_RDONLY, 0) != 0)
		return -1;
	if (c->out && redirect(c->out, out_flags, 1) != 0)
		return -1;
	return 0;
}

/*
 * execve() name, searching $PATH when it has no slash. Returns only on
 * failure, with the status the shell should report (127 or 126).
 */
static int exec_program(char *const argv[])
{
	const char *name = argv[0], *path = getenv("PATH");
	int err = ENOENT;

	if (strchr(name, '/')) {
		execve(name, argv, environ);
		fprintf(stderr, "sh: %s: %s\n", name, strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	if (!path)
		path = "/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		char full[4096];

		/* An empty PATH entry means the current directory. */
		if (len == 0)
			snprintf(full, sizeof(full), "./%s", name);
		else
			snprintf(full, sizeof(full), "%.*s/%s", (int)len, path,
				 name);
		execve(full, argv, environ);
		if (errno != ENOENT && errno != ENOTDIR)
			err = errno;	/* found, but it would not run */
		path += len + (path[len] == ':');
	}
	if (err == ENOENT) {
		fprintf(stderr, "sh: %s: not found\n", name);
		return 127;
	}
	fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
	return 126;
}

/* In a child: set up fds, then run the command. Never returns. */
static void run_child(struct shell *sh, struct command *c, int in_fd,
		      int out_fd)
{
	const struct builtin *b = find_builtin(c->argv[0]);

	/* The shell catches Ctrl-C; its commands take the default action
	 * (execve would reset the handler anyway; a builtin run here would not). */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	if (in_fd != 0) {
		dup2(in_fd, 0);
		close(in_fd);
	}
	if (out_fd != 1) {
		dup2(out_fd, 1);
		close(out_fd);
	}
	if (apply_redirections(c) != 0)
		_exit(1);
	if (b) {
		int status = b->fn(sh, c);

		fflush(stdout);
		_exit(status);
	}
	_exit(exec_program(c->argv));
}

/* The status the shell reports for a raw wait status. */
static int shell_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Wait for the n children in pids[]; the status of the last one. */
static int wait_all(const pid_t *pids, int n)
{
	int status = 0, last = 0;

	for (int i = 0; i < n; i++) {
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (i == n - 1)
			last = shell_status(status);
	}
	return last;
}

/*
 * Start each command of the pipeline in its own child, connected by pipes,
 * and wait for all of them. Every pipe is O_CLOEXEC: a child keeps only
 * the ends it dup2()ed onto 0 and 1, so a reader sees EOF as soon as its
 * writer exits.
 */
static int run_pipeline(struct shell *sh, struct pipeline *pl)
{
	pid_t pids[MAX_CMDS];
	int started = 0, in_fd = 0, failed = 0, status;

	fflush(stdout);
	for (int i = 0; i < pl->n && !failed; i++) {
		int p[2] = { 0, 1 };	/* the last command writes to our 1 */
		pid_t pid;

		if (i < pl->n - 1 && pipe2(p, O_CLOEXEC) != 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			failed = 1;
			break;
		}
		pid = fork();
		if (pid == 0)
			run_child(sh, &pl->cmds[i], in_fd, p[1]);
		if (pid < 0) {
			fprintf(stderr, "sh: fork: %s\n", strerror(errno));
			failed = 1;
		} else {
			pids[started++] = pid;
		}
		if (in_fd != 0)
			close(in_fd);
		if (p[1] != 1)
			close(p[1]);
		in_fd = p[0];
	}
	if (in_fd != 0)
		close(in_fd);
	status = wait_all(pids, started);
	return failed ? 1 : status;
}

/* Run one parsed pipeline; returns its status. */
static int run(struct shell *sh, struct pipeline *pl)
{
	const struct builtin *b = find_builtin(pl->cmds[0].argv[0]);

	if (pl->n == 1 && b && b->in_shell)
		return b->fn(sh, &pl->cmds[0]);
	return run_pipeline(sh, pl);
}

/* Run every pipeline of one line, updating $? after each. */
static void run_line(struct shell *sh, const char *line)
{
	struct lexer *lx = malloc(sizeof(*lx));
	struct pipeline *pl = malloc(sizeof(*pl));
	int more = 1;

	if (!lx || !pl) {
		fprintf(stderr, "sh: out of memory\n");
		sh->status = 1;
		goto out;
	}
	lx->p = line;
	while (more) {
		/* $? is expanded as each pipeline is read: "false; echo $?". */
		lx->status = sh->status;
		lx->used = 0;
		lx->error = NULL;
		if (parse_pipeline(lx, pl, &more) != 0) {
			fprintf(stderr, "sh: syntax error: %s\n", lx->error);
			sh->status = 2;
			break;
		}
		if (pl->n > 0)
			sh->status = run(sh, pl);
	}
out:
	free(lx);
	free(pl);
}

/* ---- input -------------------------------------------------------------- */

/*
 * Read one line from fd into buf (without the newline), a byte at a time
 * (see the comment at the top). Returns the length, -1 at end of input,
 * -2 if the line was too long (the rest of it is skipped), or -3 if Ctrl-C
 * interrupted the read.
 */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	int too_long = 0;
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR && interrupted)
			return -3;	/* Ctrl-C: drop the line */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (len == 0 && !too_long)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			too_long = 1;
	}
	buf[len] = '\0';
	return too_long ? -2 : (int)len;
}

/* Read and run lines from fd until end of input; returns the last status. */
static int run_file(struct shell *sh, int fd)
{
	char line[LINE_MAX_LEN];
	int n;

	for (;;) {
		if (sh->interactive) {
			fputs(geteuid() == 0 ? "# " : "$ ", stderr);
			fflush(stderr);
		}
		interrupted = 0;
		n = read_line(fd, line, sizeof(line));
		if (n == -1)
			break;
		if (n == -3) {
			fputc('\n', stderr);
			sh->status = 130;
			continue;
		}
		if (n == -2) {
			fprintf(stderr, "sh: line too long\n");
			sh->status = 2;
			continue;
		}
		run_line(sh, line);
		if (sh->interactive && interrupted)
			fputc('\n', stderr);	/* after "^C", a fresh line */
	}
	if (sh->interactive)
		fputc('\n', stderr);	/* after ^D, end the prompt's line */
	return sh->status;
}

int main(int argc, char **argv)
{
	struct shell sh = { 0, 0 };
	int fd;

	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		run_line(&sh, argv[2]);
		return sh.status;
	}
	if (argc > 1) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
			return 127;
		}
		return run_file(&sh, fd);
	}
	sh.interactive = isatty(0);
	/* Ctrl-C should stop the command, not the shell. */
	catch_console_signals();
	return run_file(&sh, 0);
}
