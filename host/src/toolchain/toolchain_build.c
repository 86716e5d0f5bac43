/* Detecting a toolchain (its version command) and running a build into the
 * artifact cache. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsize.h"
#include "log.h"
#include "names.h"
#include "paths.h"
#include "toolchain_internal.h"
#include "wasm_module.h"

#define MAX_OUTPUT_TAIL 1500

/* PATH=<the chosen Go's dir>:$PATH, for running a toolchain with go:. */
static void go_path_env(const struct rig_tc_info *info, struct rig_strv *env)
{
	const char *path = getenv("PATH");
	char *kv = rig_xasprintf("PATH=%s%s%s", info->go_dir, path ? ":" : "", path ? path : "");

	rig_strv_push(env, kv);
	free(kv);
}

int rig_toolchain_detect(const struct rig_toolchains *tcs_c, const char *toolchain,
			 const struct rig_target *t, struct rig_tc_info *info,
			 struct rig_error *err)
{
	struct rig_toolchains *tcs = (struct rig_toolchains *)tcs_c;
	const struct toolchain *tc = tc_find(tcs, toolchain);
	const struct tc_target *tt;
	struct vars vs = {0};
	struct rig_strv argv = {0}, goenv = {0};
	struct rig_proc_result res;
	struct rig_error e2 = {0};
	char key[64];
	int rc;

	memset(info, 0, sizeof(*info));
	if (!tc)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "no toolchain named '%s'", toolchain);
	tc_target_key(t, key, sizeof(key));
	if (tc_detect_cached(tcs, toolchain, key, info))
		return 0;
	tt = tc_find_target(tc, t);
	if (!tt) {
		snprintf(info->reason, sizeof(info->reason), "%s cannot build for %s", toolchain,
			 key);
		goto done;
	}
	if (tt->skip[0]) {
		snprintf(info->reason, sizeof(info->reason), "%s", tt->skip);
		goto done;
	}
	tc_build_vars(tc, tt, NULL, t, tcs->sources_root, "", NULL, &vs);
	if ((rc = tc_expand_all(&tc->version, &vs, &argv, tc->file, err))) {
		tc_vars_free(&vs);
		rig_strv_free(&argv);
		return rc;
	}
	if (!argv.n || !argv.v[0][0]) {
		rc = rig_fail(err, RIG_ERR_PARSE,
			      "%s: toolchain '%s': the version command for %s is empty once its "
			      "variables are expanded",
			      tc->file, tc->name, key);
		tc_vars_free(&vs);
		rig_strv_free(&argv);
		return rc;
	}
	if (!rig_which(argv.v[0], info->path, sizeof(info->path))) {
		snprintf(info->reason, sizeof(info->reason), "%s not found on PATH; install: %s",
			 argv.v[0],
			 tc->install[0] ? tc->install : "(the toolchain file says nothing)");
		goto done;
	}
	if (tc->go.set) {
		tc_go_pick((struct toolchain *)tc);
		snprintf(info->go_why, sizeof(info->go_why), "%s", tc->go_pick.why);
		if (!tc->go_pick.found) {
			snprintf(info->reason, sizeof(info->reason), "%s", tc->go_pick.why);
			goto done;
		}
		snprintf(info->go_dir, sizeof(info->go_dir), "%s", tc->go_pick.dir);
		go_path_env(info, &goenv);
	}
	rc = rig_run_capture(argv.v, NULL, goenv.n ? goenv.v : NULL, 20000, &res, &e2);
	if (rc) {
		snprintf(info->reason, sizeof(info->reason), "%s: %s", argv.v[0], e2.msg);
		goto done;
	}
	if (!res.exited || res.status != 0) {
		snprintf(info->reason, sizeof(info->reason), "`%s` failed (status %d): %.200s",
			 argv.v[0], res.status, res.out.data);
	} else {
		size_t n = strcspn(res.out.data, "\r\n");
		snprintf(info->version, sizeof(info->version), "%.*s", (int)n, res.out.data);
		info->present = 1;
	}
	rig_proc_result_free(&res);
done:
	tc_vars_free(&vs);
	rig_strv_free(&argv);
	rig_strv_free(&goenv);
	tc_detect_remember(tcs, toolchain, key, info);
	return 0;
}

static void output_tail(const struct rig_buf *b, char *out, size_t cap)
{
	const char *s = b->data ? b->data : "";
	size_t n = b->len;

	if (n > MAX_OUTPUT_TAIL)
		s += n - MAX_OUTPUT_TAIL, n = MAX_OUTPUT_TAIL;
	snprintf(out, cap, "%.*s", (int)n, s);
}

/* The size of a shared library the program needs at run time (libgo.so),
 * found with the compiler's -print-file-name. */
static void runtime_lib_size(const struct toolchain *tc, const struct vars *vs,
			     const struct profile *p, struct rig_sizes *sz)
{
	struct rig_strv words = {0}, argv = {0};
	struct rig_proc_result res;
	char real[4096];
	struct stat st;

	if (!p->runtime_lib[0] || tc_expand_all(&tc->version, vs, &words, tc->file, NULL) ||
	    !words.n || !words.v[0][0])
		goto out;
	/* the compiler alone, asked where the library is */
	rig_strv_push(&argv, words.v[0]);
	rig_strv_pushf(&argv, "-print-file-name=%s", p->runtime_lib);
	if (rig_run_capture(argv.v, NULL, NULL, 10000, &res, NULL) == 0) {
		res.out.data[strcspn(res.out.data, "\r\n")] = '\0';
		if (res.exited && res.status == 0 && realpath(res.out.data, real) &&
		    stat(real, &st) == 0) {
			snprintf(sz->extra_name, sizeof(sz->extra_name), "%s", p->runtime_lib);
			sz->extra_bytes = st.st_size;
		}
		rig_proc_result_free(&res);
	}
out:
	rig_strv_free(&words);
	rig_strv_free(&argv);
}

static void fill_sizes(struct rig_artifact *a)
{
	struct rig_error e = {0};
	struct stat st;

	if (rig_elf_sizes(a->path, &a->sizes, &e) == 0)
		return;
	memset(&a->sizes, 0, sizeof(a->sizes));
	if (stat(a->path, &st) == 0)
		a->sizes.file_bytes = st.st_size;
	if (strcmp(a->target.os, "wasip1") == 0)
		rig_wasm_sizes(a->path, &a->sizes, &e);
}

int rig_build(const struct rig_toolchains *tcs_c, const struct rig_build_req *req,
	      struct rig_artifact *out, struct rig_error *err)
{
	struct rig_toolchains *tcs = (struct rig_toolchains *)tcs_c;
	const struct profile *p = tc_find_profile(tcs, req->profile);
	const struct toolchain *tc;
	const struct tc_target *tt;
	struct rig_tc_info info;
	struct vars vs = {0};
	struct rig_strv argv = {0}, env = {0}, envkeep = {0}, dirv = {0};
	struct rig_proc_result res;
	char *cmd = NULL, *envs = NULL, dir_s[1024], tmp[1200], tkey[64];
	const char *ext, *root = req->source_root ? req->source_root : rig_data_dir();
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rig_name_check(NULL, "workload", req->workload, err)))
		return rc;
	if (!p)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"no build profile named '%s' (see rig doctor)", req->profile);
	tc = tc_find(tcs, p->toolchain);
	snprintf(out->toolchain, sizeof(out->toolchain), "%s", tc->name);
	snprintf(out->profile, sizeof(out->profile), "%s", p->name);
	snprintf(out->workload, sizeof(out->workload), "%s", req->workload);
	snprintf(out->lang, sizeof(out->lang), "%s", tc->lang);
	out->target = *req->target;
	tc_target_key(req->target, tkey, sizeof(tkey));
	tc_sources_hash(tcs, root);
	tt = tc_find_target(tc, req->target);
	if (!tt)
		return rig_fail(err, RIG_ERR_SKIPPED, "toolchain %s cannot build for %s", tc->name,
				tkey);
	if (tc_profile_skip(p, tkey))
		return rig_fail(err, RIG_ERR_SKIPPED, "%s", tc_profile_skip(p, tkey));
	if ((rc = rig_toolchain_detect(tcs, tc->name, req->target, &info, err)))
		return rc;
	if (!info.present)
		return rig_fail(err, RIG_ERR_SKIPPED, "%s", info.reason);
	snprintf(out->tc_version, sizeof(out->tc_version), "%s", info.version);

	tc_build_vars(tc, tt, p, req->target, root, req->workload, NULL, &vs);
	if ((rc =
		 tc_expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &argv, tc->file, err)) ||
	    (rc = tc_expand_word(tt->dir[0] ? tt->dir : tc->dir, &vs, &dirv, tc->file, err)) ||
	    (rc = tc_expand_all(&tc->env, &vs, &env, tc->file, err)) ||
	    (rc = tc_expand_all(&p->env, &vs, &env, tc->file, err)))
		goto out;
	if (dirv.n != 1) {
		rc =
		    rig_fail(err, RIG_ERR_PARSE,
			     "%s: toolchain '%s': field 'dir' must expand to one directory for %s, "
			     "got %zu words",
			     tc->file, tc->name, tkey, dirv.n);
		goto out;
	}
	if (!argv.n || !argv.v[0][0]) {
		/* a command that is one list variable can expand to nothing */
		rc = rig_fail(err, RIG_ERR_PARSE,
			      "%s: toolchain '%s': the build command for %s is empty once its "
			      "variables are expanded",
			      tc->file, tc->name, tkey);
		goto out;
	}
	snprintf(dir_s, sizeof(dir_s), "%s", dirv.v[0]);
	for (size_t i = 0; i < env.n; i++) {
		const char *eq = strchr(env.v[i], '=');
		if (eq && eq[1] != '\0') /* "GOARM=" with nothing: leave it out */
			rig_strv_push(&envkeep, env.v[i]);
	}
	cmd = rig_strv_join_quoted(&argv);
	envs = rig_strv_join_quoted(&envkeep);
	if (info.go_dir[0]) {
		/* recorded as a shell would take it; the key stays independent of
		 * the rest of the user's PATH */
		char *rec =
		    rig_xasprintf("%s%sPATH=\"%s:$PATH\"", envs, envs[0] ? " " : "", info.go_dir);
		free(envs);
		envs = rec;
		go_path_env(&info, &envkeep);
	}
	/* {out} stays a placeholder so the key does not depend on where it lands. */
	tc_cache_key(tcs, cmd, envs, dir_s, info.version, tkey, p->name, out->key);

	ext = strcmp(req->target->os, "wasip1") == 0 ? ".wasm"
	      : strcmp(req->target->os, "none") == 0 ? ".elf"
						     : "";
	/* One image can serve every workload (bare-metal firmware takes the
	 * workload name over its console): then it is named for the profile. */
	snprintf(out->path, sizeof(out->path), "%s/%.16s/%s-%s%s", req->cache_dir, out->key,
		 tc_template_uses(tc, tt, "{workload}") ? req->workload : "image", p->name, ext);
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out->path, (int)getpid());
	/* now expand again with the real output path (the temporary one) */
	rig_strv_free(&argv);
	tc_vars_set(&vs, "out", tmp);
	if ((rc = tc_expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &argv, tc->file, err)))
		goto out;
	free(cmd);
	tc_vars_set(&vs, "out", out->path);
	{
		struct rig_strv shown = {0};
		tc_expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &shown, tc->file, NULL);
		cmd = rig_strv_join_quoted(&shown);
		rig_strv_free(&shown);
	}
	snprintf(out->command, sizeof(out->command), "%s", cmd);
	snprintf(out->env, sizeof(out->env), "%s", envs);

	if (rig_file_exists(out->path)) {
		out->cached = 1;
	} else {
		char *d =
		    rig_xasprintf("%.*s", (int)(strrchr(out->path, '/') - out->path), out->path);
		rc = rig_mkdirs(d, err);
		free(d);
		if (rc)
			goto out;
		rig_dbg("build: (cd %s && %s %s)", dir_s, envs, cmd);
		rc = rig_run_capture(argv.v, dir_s, envkeep.v, 600000, &res, err);
		if (rc == RIG_ERR_NOT_FOUND) {
			rc = rig_fail(err, RIG_ERR_SKIPPED, "%s", err ? err->msg : "not found");
			goto out;
		}
		if (rc)
			goto out;
		if (!res.exited || res.status != 0 || !rig_file_exists(tmp)) {
			char tail[MAX_OUTPUT_TAIL + 1];
			output_tail(&res.out, tail, sizeof(tail));
			rc = rig_fail(err, RIG_ERR_BUILD,
				      "%s %s for %s failed%s (status %d): %s\n%s", p->name,
				      req->workload, tkey, res.timed_out ? " (timed out)" : "",
				      res.status, cmd, tail);
			rig_proc_result_free(&res);
			unlink(tmp);
			goto out;
		}
		out->build_ns = res.wall_ns;
		rig_proc_result_free(&res);
		if (rename(tmp, out->path)) {
			rc = rig_fail(err, RIG_ERR_IO, "rename %s: %s", tmp, strerror(errno));
			goto out;
		}
	}
	if ((rc = rig_sha256_file(out->path, out->sha256, err)))
		goto out;
	fill_sizes(out);
	runtime_lib_size(tc, &vs, p, &out->sizes);
	rc = 0;
out:
	free(cmd);
	free(envs);
	tc_vars_free(&vs);
	rig_strv_free(&argv);
	rig_strv_free(&env);
	rig_strv_free(&envkeep);
	rig_strv_free(&dirv);
	return rc;
}