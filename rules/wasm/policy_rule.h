/*
 * policy_rule.h — write agent-policy WASM rules in C (ABI v1, docs/wasm-abi.md).
 *
 * A rule is one C file that includes this header and defines
 *
 *     long long policy_rule(pr_json input);
 *
 * returning pr_allow(msg), pr_ask(msg), pr_deny(msg) or pr_abstain().
 * `input` is the ABI v1 input: {"abi":1, "rule":{"id","config"}, "now",
 * "call", "actions", "session"}. The header provides the exports the host
 * needs (memory, alloc, evaluate, abi_version), a bump allocator, a small
 * JSON reader that never recurses and never reads outside the input, and a
 * verdict writer that escapes the message.
 *
 * Build (Debian: apt-get install clang lld), no libc:
 *
 *     clang --target=wasm32 -O2 -nostdlib -mbulk-memory -fno-builtin \
 *           -Wl,--no-entry -Wl,--strip-all -o rule.wasm rule.c
 *
 * Only import a rule may have: env.log(ptr, len), through pr_log().
 */
#ifndef POLICY_RULE_H
#define POLICY_RULE_H

#define PR_ABI_VERSION 1

/* Helpers are static and may go unused by a rule. */
#define PR_FN static __attribute__((unused))

/* ---------------------------------------------------------------- memory */

extern unsigned char __heap_base;
static unsigned int pr_heap_top;

/* The host calls alloc(len) once, for the input. Traps when memory cannot grow. */
__attribute__((export_name("alloc"))) void *pr_alloc(int len) {
    if (pr_heap_top == 0) pr_heap_top = (unsigned int)&__heap_base;
    unsigned int start = (pr_heap_top + 7u) & ~7u;
    unsigned int end = start + (unsigned int)len;
    if (len < 0 || end < start) __builtin_trap();
    unsigned int have = (unsigned int)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        unsigned int pages = (end - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (__SIZE_TYPE__)-1) __builtin_trap();
    }
    pr_heap_top = end;
    return (void *)start;
}

__attribute__((export_name("abi_version"))) int pr_abi_version(void) { return PR_ABI_VERSION; }

/* clang may emit calls to these; with -mbulk-memory the builtins become
 * memory.copy / memory.fill instructions (no libc needed). */
void *memcpy(void *d, const void *s, __SIZE_TYPE__ n) { return __builtin_memcpy(d, s, n); }
void *memmove(void *d, const void *s, __SIZE_TYPE__ n) { return __builtin_memmove(d, s, n); }
void *memset(void *d, int c, __SIZE_TYPE__ n) { return __builtin_memset(d, c, n); }

/* ------------------------------------------------------------------- log */

__attribute__((import_module("env"), import_name("log"))) void pr_log_raw(const char *p, int n);

PR_FN int pr_strlen(const char *s) {
    int n = 0;
    while (s[n]) n++;
    return n;
}

/* Writes a line to the host's log (shown with AGENT_POLICY_WASM_LOG=1). */
PR_FN void pr_log(const char *s) { pr_log_raw(s, pr_strlen(s)); }

/* ------------------------------------------------------------------ JSON */

/* A JSON value inside the input: p points at its first byte, end at the end
 * of the input. p == 0 means "absent". */
typedef struct {
    const char *p;
    const char *end;
} pr_json;

static const pr_json PR_NONE = {0, 0};

PR_FN int pr_ok(pr_json v) { return v.p != 0 && v.p < v.end; }

static const char *pr_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* Past the end of the value at p (strings, numbers, literals, nested
 * objects and arrays with a depth counter); end on malformed input. */
static const char *pr_skip(const char *p, const char *end) {
    int depth = 0;
    p = pr_ws(p, end);
    do {
        if (p >= end) return end;
        char c = *p;
        if (c == '"') {
            p++;
            while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
            p++;
        } else if (c == '{' || c == '[') {
            depth++;
            p++;
        } else if (c == '}' || c == ']') {
            depth--;
            p++;
        } else if (c == ',' || c == ':' || c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            p++;
        } else {
            while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
        }
    } while (depth > 0);
    return p > end ? end : p;
}

/* Does the JSON string at v equal the C string lit? (Escapes in v compare
 * unequal unless lit has the same escape: keys and names rarely have any.) */
PR_FN int pr_eq(pr_json v, const char *lit) {
    if (!pr_ok(v) || *v.p != '"') return 0;
    const char *p = v.p + 1;
    while (*lit) {
        if (p >= v.end || *p != *lit) return 0;
        p++;
        lit++;
    }
    return p < v.end && *p == '"';
}

/* Does the JSON string at v start with the bytes of prefix (length n)? */
PR_FN int pr_starts_with(pr_json v, const char *prefix, int n) {
    if (!pr_ok(v) || *v.p != '"') return 0;
    const char *p = v.p + 1;
    for (int i = 0; i < n; i++) {
        if (p + i >= v.end || p[i] == '"' || p[i] != prefix[i]) return 0;
    }
    return 1;
}

/* The member `key` of object obj, or PR_NONE. */
PR_FN pr_json pr_get(pr_json obj, const char *key) {
    if (!pr_ok(obj)) return PR_NONE;
    const char *p = pr_ws(obj.p, obj.end);
    if (p >= obj.end || *p != '{') return PR_NONE;
    p = pr_ws(p + 1, obj.end);
    while (p < obj.end && *p == '"') {
        pr_json k = {p, obj.end};
        p = pr_ws(pr_skip(p, obj.end), obj.end);
        if (p >= obj.end || *p != ':') return PR_NONE;
        p = pr_ws(p + 1, obj.end);
        if (pr_eq(k, key)) return (pr_json){p, obj.end};
        p = pr_ws(pr_skip(p, obj.end), obj.end);
        if (p < obj.end && *p == ',') p = pr_ws(p + 1, obj.end);
        else break;
    }
    return PR_NONE;
}

/* Iterating an array: pr_iter it = pr_items(arr); pr_json x; while (pr_next(&it, &x)) {…} */
typedef struct {
    const char *p;
    const char *end;
} pr_iter;

PR_FN pr_iter pr_items(pr_json arr) {
    pr_iter it = {0, 0};
    if (!pr_ok(arr)) return it;
    const char *p = pr_ws(arr.p, arr.end);
    if (p < arr.end && *p == '[') {
        it.p = pr_ws(p + 1, arr.end);
        it.end = arr.end;
    }
    return it;
}

PR_FN int pr_next(pr_iter *it, pr_json *out) {
    if (it->p == 0 || it->p >= it->end || *it->p == ']') return 0;
    out->p = it->p;
    out->end = it->end;
    const char *p = pr_ws(pr_skip(it->p, it->end), it->end);
    if (p < it->end && *p == ',') p = pr_ws(p + 1, it->end);
    else it->end = p; /* last element (or malformed): stop after this one */
    it->p = p;
    return 1;
}

/* The integer at v (optional sign, digits), or dflt. */
PR_FN long long pr_int(pr_json v, long long dflt) {
    if (!pr_ok(v)) return dflt;
    const char *p = pr_ws(v.p, v.end);
    int neg = 0;
    if (p < v.end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= v.end || *p < '0' || *p > '9') return dflt;
    long long n = 0;
    while (p < v.end && *p >= '0' && *p <= '9' && n < 1000000000000000000LL / 10) n = n * 10 + (*p++ - '0');
    return neg ? -n : n;
}

/* Copies the JSON string at v into buf (decoding \" \\ \/ \n \t; other
 * escapes become '?'), NUL-terminated, at most cap-1 bytes. Returns the length. */
PR_FN int pr_copy(pr_json v, char *buf, int cap) {
    int n = 0;
    if (cap <= 0) return 0;
    if (pr_ok(v) && *v.p == '"') {
        const char *p = v.p + 1;
        while (p < v.end && *p != '"' && n < cap - 1) {
            char c = *p++;
            if (c == '\\' && p < v.end) {
                char e = *p++;
                c = e == 'n' ? '\n' : e == 't' ? '\t' : (e == '"' || e == '\\' || e == '/') ? e : '?';
                if (e == 'u') p += 4;
            }
            buf[n++] = c;
        }
    }
    buf[n] = 0;
    return n;
}

/* --------------------------------------------------------------- verdict */

#ifndef PR_OUT_CAP
#define PR_OUT_CAP 2048
#endif
static char pr_out[PR_OUT_CAP];

PR_FN long long pr_verdict(const char *decision, const char *message) {
    int n = 0;
    const char *head = "{\"decision\":\"";
    while (*head) pr_out[n++] = *head++;
    while (*decision) pr_out[n++] = *decision++;
    const char *mid = "\",\"message\":\"";
    while (*mid) pr_out[n++] = *mid++;
    /* Escape the message; keep room for the closing bytes. */
    while (message && *message && n < PR_OUT_CAP - 8) {
        unsigned char c = (unsigned char)*message++;
        if (c == '"' || c == '\\') {
            pr_out[n++] = '\\';
            pr_out[n++] = (char)c;
        } else if (c < 0x20) {
            pr_out[n++] = ' ';
        } else {
            pr_out[n++] = (char)c;
        }
    }
    pr_out[n++] = '"';
    pr_out[n++] = '}';
    return ((long long)(unsigned int)pr_out << 32) | (unsigned int)n;
}

PR_FN long long pr_allow(const char *message) { return pr_verdict("allow", message); }
PR_FN long long pr_ask(const char *message) { return pr_verdict("ask", message); }
PR_FN long long pr_deny(const char *message) { return pr_verdict("deny", message); }
PR_FN long long pr_abstain(void) { return pr_verdict("abstain", ""); }

/* ------------------------------------------------------------ formatting */

/* A small string builder for messages. */
typedef struct {
    char *buf;
    int len;
    int cap;
} pr_buf;

PR_FN void pr_puts(pr_buf *b, const char *s) {
    while (*s && b->len < b->cap - 1) b->buf[b->len++] = *s++;
    b->buf[b->len] = 0;
}

PR_FN void pr_putn(pr_buf *b, long long n, int width) {
    char tmp[24];
    int i = 0;
    int neg = n < 0;
    unsigned long long u = neg ? (unsigned long long)(-n) : (unsigned long long)n;
    do {
        tmp[i++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && i < 20);
    while (i < width && i < 20) tmp[i++] = '0';
    if (neg) tmp[i++] = '-';
    while (i > 0 && b->len < b->cap - 1) b->buf[b->len++] = tmp[--i];
    b->buf[b->len] = 0;
}

/* ------------------------------------------------------------ the export */

long long policy_rule(pr_json input);

__attribute__((export_name("evaluate"))) long long pr_evaluate(const char *ptr, int len) {
    pr_json input = {ptr, ptr + (len < 0 ? 0 : len)};
    return policy_rule(input);
}

#endif /* POLICY_RULE_H */
