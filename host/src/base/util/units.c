#include "units.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int rig_parse_duration_ms(const char *s, long long *out)
{
	char num[32], *end;
	size_t n;
	double v;

	if (!s)
		return RIG_ERR_INVALID;
	/* plain decimal digits only: no sign, exponent, hex, inf or nan
	 * (fuzz_units found "nan" slipping through strtod) */
	n = strspn(s, "0123456789.");
	if (n == 0 || n >= sizeof(num))
		return RIG_ERR_INVALID;
	memcpy(num, s, n);
	num[n] = '\0';
	errno = 0;
	v = strtod(num, &end);
	if (errno || *end != '\0')
		return RIG_ERR_INVALID;
	end = (char *)s + n;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		;
	else if (strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60000;
	else if (strcmp(end, "us") == 0)
		v /= 1000;
	else
		return RIG_ERR_INVALID;
	if (v > 1e12)
		return RIG_ERR_INVALID;
	*out = (long long)(v + 0.5);
	return 0;
}

int rig_parse_count(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v, mul = 1;

	if (!s || !*s)
		return RIG_ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s)
		return RIG_ERR_INVALID;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	if (*end != '\0')
		return RIG_ERR_INVALID;
	if (v > LLONG_MAX / mul || v < LLONG_MIN / mul)
		return RIG_ERR_INVALID;
	v *= mul;
	if (v < min || v > max)
		return RIG_ERR_INVALID;
	*out = v;
	return 0;
}
