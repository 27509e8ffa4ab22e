/*
 * Kernel command-line parsing (see include/kernel/cmdline.h).
 */
#include <kernel/cmdline.h>
#include <kernel/string.h>

struct cmdline kernel_cmdline;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Split @str into words in cl->buf. Each word is copied with its quotes
 * removed and terminated; "key=value" is split at the first '='.
 */
void cmdline_parse(struct cmdline *cl, const char *str)
{
	size_t out = 0;
	const char *p = str;

	cl->nr = 0;
	cl->truncated = false;
	while (*p) {
		struct cmdline_arg *arg;
		bool quoted = false;
		size_t start;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (cl->nr == CMDLINE_MAX_ARGS || out >= CMDLINE_BUF - 1) {
			cl->truncated = true;
			break;
		}
		arg = &cl->args[cl->nr];
		start = out;
		arg->value = NULL;
		for (; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (out >= CMDLINE_BUF - 2) {
				cl->truncated = true;
				break;
			}
			if (*p == '=' && !arg->value) {
				cl->buf[out++] = '\0';
				arg->value = &cl->buf[out];
				continue;
			}
			cl->buf[out++] = *p;
		}
		cl->buf[out++] = '\0';
		arg->key = &cl->buf[start];
		cl->nr++;
		if (cl->truncated)
			break;
	}
}

static const struct cmdline_arg *find_last(const struct cmdline *cl, const char *key)
{
	for (unsigned int i = cl->nr; i-- > 0;)
		if (strcmp(cl->args[i].key, key) == 0)
			return &cl->args[i];
	return NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return find_last(cl, key) != NULL;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const struct cmdline_arg *a = find_last(cl, key);

	return a ? a->value : NULL;
}

unsigned long cmdline_get_ulong(const struct cmdline *cl, const char *key, unsigned long def)
{
	const char *v = cmdline_get(cl, key);
	unsigned long long n;

	if (!v || kstrtoull(v, 0, &n) < 0)
		return def;
	return (unsigned long)n;
}
