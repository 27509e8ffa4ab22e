/*
 * vsnprintf: the formatter behind printk and snprintf.
 *
 * Supports the C conversions the kernel uses (%d %i %u %x %X %o %c %s %p
 * %%), the flags '-', '0', '+', ' ' and '#', a width and a precision
 * (either may be '*'), and the length modifiers hh h l ll z t. As in
 * Linux, %pS prints a code address as "function+0xoff/0xsize".
 */
#include <kernel/ksyms.h>
#include <kernel/string.h>

struct out {
	char *buf;
	size_t size;
	size_t pos;             /* may run past size: the would-be length */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision;          /* -1 when absent */
};

static void put_padded(struct out *o, const char *s, size_t len, const struct spec *sp)
{
	size_t pad = sp->width > 0 && (size_t)sp->width > len ? (size_t)sp->width - len : 0;

	if (!sp->left)
		while (pad--)
			put(o, ' ');
	for (size_t i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		while (pad--)
			put(o, ' ');
}

static void put_number(struct out *o, unsigned long long v, bool negative, unsigned int base,
		       bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = 0;
	const char *prefix = "";
	int len, pad, zeros = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->precision > n)
		zeros = sp->precision - n;
	if (negative)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (sp->alt && base == 16)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && tmp[n - 1] != '0')
		prefix = "0";
	len = n + zeros + (sign ? 1 : 0) + (int)strlen(prefix);
	pad = sp->width > len ? sp->width - len : 0;
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		while (pad-- > 0)
			put(o, ' ');
	if (sign)
		put(o, sign);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	while (zeros-- > 0)
		put(o, '0');
	while (n--)
		put(o, tmp[n]);
	if (sp->left)
		while (pad-- > 0)
			put(o, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	return f;
}

/* Length modifier -> size in bytes of the integer argument. */
static const char *parse_length(const char *f, int *lsize)
{
	*lsize = sizeof(int);
	if (f[0] == 'h' && f[1] == 'h') {
		*lsize = 1;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*lsize = 8;
		return f + 2;
	}
	switch (*f) {
	case 'h': *lsize = 2; return f + 1;
	case 'l': case 'z': case 't': *lsize = 8; return f + 1;
	}
	return f;
}

static unsigned long long get_unsigned(va_list *ap, int lsize)
{
	switch (lsize) {
	case 1: return (unsigned char)va_arg(*ap, unsigned int);
	case 2: return (unsigned short)va_arg(*ap, unsigned int);
	case 4: return va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned long long);
	}
}

static long long get_signed(va_list *ap, int lsize)
{
	switch (lsize) {
	case 1: return (signed char)va_arg(*ap, int);
	case 2: return (short)va_arg(*ap, int);
	case 4: return va_arg(*ap, int);
	default: return va_arg(*ap, long long);
	}
}

static void format_pointer(struct out *o, const char **fp, void *p, struct spec *sp)
{
	const char *f = *fp;

	if (f[1] == 'S') {                      /* %pS: symbol+off/size */
		char sym[128];

		ksym_format((unsigned long)p, sym, sizeof(sym));
		put_padded(o, sym, strlen(sym), sp);
		*fp = f + 1;
		return;
	}
	sp->alt = true;
	if (!sp->width) {
		sp->width = 18;
		sp->zero = true;
	}
	put_number(o, (unsigned long)p, false, 16, false, sp);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;
	int lsize;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &ap);
		f = parse_length(f, &lsize);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = get_signed(&ap, lsize);

			put_number(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
				   v < 0, 10, false, &sp);
			break;
		}
		case 'u': put_number(&o, get_unsigned(&ap, lsize), false, 10, false, &sp); break;
		case 'x': put_number(&o, get_unsigned(&ap, lsize), false, 16, false, &sp); break;
		case 'X': put_number(&o, get_unsigned(&ap, lsize), false, 16, true, &sp); break;
		case 'o': put_number(&o, get_unsigned(&ap, lsize), false, 8, false, &sp); break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, &sp);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t len;

			if (!s)
				s = "(null)";
			len = sp.precision >= 0 ? strnlen(s, (size_t)sp.precision) : strlen(s);
			put_padded(&o, s, len, &sp);
			break;
		}
		case 'p': format_pointer(&o, &f, va_arg(ap, void *), &sp); break;
		case '%': put(&o, '%'); break;
		case '\0': f--; break;          /* a lone '%' at the end */
		default:                        /* unknown: print it as it stands */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
