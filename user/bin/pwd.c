/*
 * pwd - print the current working directory (the shell has a builtin too).
 */
#include <stdio.h>

#include "util.h"

int main(void)
{
	char buf[4096];

	if (!getcwd(buf, sizeof(buf)))
		return report_error("pwd", ".");
	printf("%s\n", buf);
	return 0;
}
