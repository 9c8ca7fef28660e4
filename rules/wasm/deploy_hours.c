/*
 * deploy_hours.c — deny deploy commands outside business hours.
 *
 * Config (the rule's `config:` in the policy):
 *   commands:   ["kubectl apply", "helm upgrade", "terraform apply", ...]
 *               a program name, optionally followed by its first argument
 *   start_hour: first hour of the working day (default 9)
 *   end_hour:   hour the working day ends (default 17)
 *   weekdays:   [1..7] days deploys are allowed, Monday = 1 (default Mon–Fri)
 *   utc_offset_minutes: the team's time zone (default 0)
 *
 * Time is the input's `now` (unix seconds): the hook's clock, which
 * AGENT_POLICY_CLOCK fixes for tests and replays.
 */
#include "policy_rule.h"

static const char *DAY[] = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

/* Does exec action `a` run the command pattern `pattern` ("prog [arg]")? */
static int runs(pr_json a, pr_json pattern) {
    char pat[128];
    pr_copy(pattern, pat, sizeof pat);
    int split = 0;
    while (pat[split] && pat[split] != ' ') split++;
    char *arg = pat[split] ? pat + split + 1 : 0;
    pat[split] = 0;
    if (!pr_eq(pr_get(a, "program"), pat)) return 0;
    if (!arg || !*arg) return 1;
    /* The first argument that is not a flag. */
    pr_iter it = pr_items(pr_get(a, "argv"));
    pr_json w;
    while (pr_next(&it, &w)) {
        if (pr_starts_with(w, "-", 1)) continue;
        return pr_eq(w, arg);
    }
    return 0;
}

long long policy_rule(pr_json input) {
    pr_json config = pr_get(pr_get(input, "rule"), "config");
    long long start = pr_int(pr_get(config, "start_hour"), 9);
    long long end = pr_int(pr_get(config, "end_hour"), 17);
    long long offset = pr_int(pr_get(config, "utc_offset_minutes"), 0);
    long long local = pr_int(pr_get(input, "now"), 0) + offset * 60;
    long long days = local / 86400;
    int weekday = (int)((days + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
    int hour = (int)((local % 86400) / 3600);
    int minute = (int)((local % 3600) / 60);

    int workday = 0;
    pr_json wd = pr_get(config, "weekdays");
    if (pr_ok(wd)) {
        pr_iter it = pr_items(wd);
        pr_json d;
        while (pr_next(&it, &d)) workday |= pr_int(d, 0) == weekday;
    } else {
        workday = weekday <= 5;
    }
    if (workday && hour >= start && hour < end) return pr_abstain();

    pr_iter actions = pr_items(pr_get(input, "actions"));
    pr_json a;
    while (pr_next(&actions, &a)) {
        if (!pr_eq(pr_get(a, "type"), "exec")) continue;
        pr_iter cmds = pr_items(pr_get(config, "commands"));
        pr_json c;
        while (pr_next(&cmds, &c)) {
            if (!runs(a, c)) continue;
            char text[128];
            pr_copy(c, text, sizeof text);
            char msg[256];
            pr_buf b = {msg, 0, sizeof msg};
            pr_puts(&b, "`");
            pr_puts(&b, text);
            pr_puts(&b, "` is a deploy command: deploys run during business hours only (");
            pr_putn(&b, start, 2);
            pr_puts(&b, ":00-");
            pr_putn(&b, end, 2);
            pr_puts(&b, ":00 on working days); it is ");
            pr_puts(&b, DAY[weekday]);
            pr_puts(&b, " ");
            pr_putn(&b, hour, 2);
            pr_puts(&b, ":");
            pr_putn(&b, minute, 2);
            pr_log(msg);
            return pr_deny(msg);
        }
    }
    return pr_abstain();
}
