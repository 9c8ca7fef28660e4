/*
 * watched_paths.c — ask before any command that touches a watched path.
 *
 * Config (the rule's `config:` in the policy):
 *   paths: ["/etc/nginx", "/home/dev/project/deploy/prod", ...]
 *          absolute paths; a path matches itself and everything below it
 *
 * "Touches" means: a file action (read, write, delete) on a path under a
 * watched one, as the engine resolved it, or an exec with an argument that
 * names such a path (programs the engine has no table for still pass their
 * paths as arguments).
 */
#include "policy_rule.h"

/* Does JSON string s name `watched` or a path below it? */
static int under(pr_json s, pr_json watched) {
    char w[512];
    int n = pr_copy(watched, w, sizeof w);
    while (n > 1 && w[n - 1] == '/') w[--n] = 0;
    if (n == 0 || !pr_starts_with(s, w, n)) return 0;
    /* The next byte of s must end the string or start a component. */
    const char *p = s.p + 1 + n;
    return p < s.end && (*p == '"' || *p == '/' || w[n - 1] == '/');
}

static long long ask(pr_json path, pr_json watched) {
    char p[256], w[256], msg[640];
    pr_copy(path, p, sizeof p);
    pr_copy(watched, w, sizeof w);
    pr_buf b = {msg, 0, sizeof msg};
    pr_puts(&b, p);
    pr_puts(&b, " is under ");
    pr_puts(&b, w);
    pr_puts(&b, ", a watched path: confirm this change");
    return pr_ask(msg);
}

long long policy_rule(pr_json input) {
    pr_json paths = pr_get(pr_get(pr_get(input, "rule"), "config"), "paths");
    pr_iter actions = pr_items(pr_get(input, "actions"));
    pr_json a;
    while (pr_next(&actions, &a)) {
        pr_json type = pr_get(a, "type");
        pr_iter ws = pr_items(paths);
        pr_json w;
        while (pr_next(&ws, &w)) {
            if (pr_eq(type, "file_read") || pr_eq(type, "file_write") || pr_eq(type, "file_delete")) {
                pr_json resolved = pr_get(a, "resolved");
                if (under(resolved, w)) return ask(resolved, w);
            } else if (pr_eq(type, "exec")) {
                pr_iter args = pr_items(pr_get(a, "argv"));
                pr_json arg;
                while (pr_next(&args, &arg))
                    if (under(arg, w)) return ask(arg, w);
            }
        }
    }
    return pr_abstain();
}
