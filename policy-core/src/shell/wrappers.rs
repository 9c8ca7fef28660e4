//! The wrapper table: programs that run another command given in their
//! arguments (`sudo`, `env`, `nice`, `timeout`, ...). One row per wrapper, as
//! data; adding a wrapper means adding a row.
//!
//! Programs with a richer structure (`xargs`, `find`, shells, interpreters,
//! `git`, `ssh`, `docker exec`) are handled in `command.rs`; their option
//! tables live there too.

use crate::action::Word;

/// How a wrapper finds the command it runs.
pub(crate) struct Wrapper {
    /// Program names.
    pub names: &'static [&'static str],
    /// Options that take a value (`-u USER`, `--user=USER`).
    pub value_opts: &'static [&'static str],
    /// Options whose value is a shell command string (`su -c CMD`).
    pub shell_opts: &'static [&'static str],
    /// Options that make the program *not* run a command (`command -v`).
    pub inert_opts: &'static [&'static str],
    /// Options whose value is a directory to run in (`env -C DIR`, `sudo -D DIR`).
    pub chdir_opts: &'static [&'static str],
    /// Options whose value is split into more arguments (`env -S "…"`).
    pub split_opts: &'static [&'static str],
    /// `NAME=value` words before the command are environment assignments.
    pub assignments: bool,
    /// Operands to skip before the command (`timeout DURATION cmd`, `chroot DIR cmd`).
    pub skip: usize,
    /// A subcommand that must come first (`direnv exec`, `devbox run`).
    pub subcommand: &'static [&'static str],
    /// The command is all operands joined by spaces and run by `sh -c` (`watch`).
    pub join_as_shell: bool,
    /// When a `--` is present, the command is what follows it (`mise exec node@20 -- node`).
    pub after_dashdash: bool,
}

const fn w(names: &'static [&'static str]) -> Wrapper {
    Wrapper {
        names,
        value_opts: &[],
        shell_opts: &[],
        inert_opts: &[],
        chdir_opts: &[],
        split_opts: &[],
        assignments: false,
        skip: 0,
        subcommand: &[],
        join_as_shell: false,
        after_dashdash: false,
    }
}

/// The table.
pub(crate) static WRAPPERS: &[Wrapper] = &[
    Wrapper {
        value_opts: &[
            "-u",
            "--user",
            "-g",
            "--group",
            "-h",
            "--host",
            "-p",
            "--prompt",
            "-r",
            "--role",
            "-t",
            "--type",
            "-T",
            "--command-timeout",
            "-U",
            "--other-user",
            "-C",
            "--close-from",
            "-R",
            "--chroot",
        ],
        chdir_opts: &["-D", "--chdir"],
        inert_opts: &[
            "-l",
            "--list",
            "-v",
            "--validate",
            "-K",
            "--remove-timestamp",
            "-e",
            "--edit",
            "-V",
            "--version",
        ],
        assignments: true,
        ..w(&["sudo"])
    },
    Wrapper {
        value_opts: &["-u", "-C"],
        ..w(&["doas"])
    },
    Wrapper {
        value_opts: &["-u", "--user"],
        ..w(&["pkexec"])
    },
    Wrapper {
        value_opts: &[
            "-u",
            "--user",
            "-g",
            "--group",
            "-G",
            "--supp-group",
            "-w",
            "--whitelist-environment",
        ],
        shell_opts: &["-c", "--command", "--session-command"],
        ..w(&["runuser"])
    },
    Wrapper {
        value_opts: &[
            "-s",
            "--shell",
            "-g",
            "--group",
            "-G",
            "--supp-group",
            "-w",
            "--whitelist-environment",
        ],
        shell_opts: &["-c", "--command", "--session-command"],
        // `su [options] [user [args]]`: operands are a user name, never a command.
        skip: usize::MAX,
        ..w(&["su"])
    },
    Wrapper {
        value_opts: &[
            "-u",
            "--unset",
            "-P",
            "--default-signal",
            "--ignore-signal",
            "--block-signal",
        ],
        chdir_opts: &["-C", "--chdir"],
        split_opts: &["-S", "--split-string"],
        assignments: true,
        ..w(&["env"])
    },
    Wrapper {
        value_opts: &["-n", "--adjustment"],
        ..w(&["nice"])
    },
    w(&[
        "nohup",
        "noglob",
        "builtin",
        "unbuffer",
        "torsocks",
        "proxychains",
        "proxychains4",
        "tsocks",
        "xvfb-run",
        "dbus-launch",
        "catchsegv",
    ]),
    Wrapper {
        value_opts: &[
            "-c",
            "--class",
            "-n",
            "--classdata",
            "-p",
            "--pid",
            "-P",
            "--pgid",
            "-u",
            "--uid",
        ],
        ..w(&["ionice"])
    },
    Wrapper {
        value_opts: &["-i", "--input", "-o", "--output", "-e", "--error"],
        ..w(&["stdbuf"])
    },
    Wrapper {
        value_opts: &["-s", "--signal", "-k", "--kill-after"],
        skip: 1,
        ..w(&["timeout"])
    },
    Wrapper {
        value_opts: &["-f", "--format", "-o", "--output"],
        ..w(&["time"])
    },
    Wrapper {
        inert_opts: &["-v", "-V"],
        ..w(&["command"])
    },
    Wrapper {
        value_opts: &["-a"],
        ..w(&["exec"])
    },
    w(&["setsid"]),
    Wrapper {
        value_opts: &["-w", "--wait", "--timeout", "-E", "--conflict-exit-code"],
        shell_opts: &["-c", "--command"],
        skip: 1,
        ..w(&["flock"])
    },
    Wrapper {
        value_opts: &["--userspec", "--groups"],
        skip: 1,
        ..w(&["chroot"])
    },
    Wrapper {
        value_opts: &["-c", "--cpu-list"],
        skip: 1,
        ..w(&["taskset"])
    },
    Wrapper {
        skip: 1,
        ..w(&["chrt"])
    },
    Wrapper {
        value_opts: &["-n", "--interval", "-d"],
        join_as_shell: true,
        ..w(&["watch"])
    },
    Wrapper {
        value_opts: &[
            "-E",
            "--echo",
            "-I",
            "--log-in",
            "-O",
            "--log-out",
            "-B",
            "--log-io",
            "-T",
            "--log-timing",
            "-m",
            "--logging-format",
        ],
        shell_opts: &["-c", "--command"],
        skip: usize::MAX,
        ..w(&["script"])
    },
    Wrapper {
        skip: 1,
        subcommand: &["exec"],
        ..w(&["direnv"])
    },
    Wrapper {
        value_opts: &["-c", "--config", "-e", "--environment"],
        subcommand: &["run"],
        ..w(&["devbox"])
    },
    Wrapper {
        value_opts: &["-C", "--cd", "-E", "--env", "-j", "--jobs"],
        subcommand: &["exec", "x"],
        after_dashdash: true,
        ..w(&["mise", "rtx"])
    },
    Wrapper {
        subcommand: &["exec"],
        ..w(&["bundle", "pipenv", "poetry", "uv", "pdm", "rye", "hatch"])
    },
    Wrapper {
        subcommand: &["run"],
        value_opts: &["--with", "-p", "--python", "--directory", "--project"],
        ..w(&["uv", "poetry", "pipenv", "pdm", "hatch", "rye"])
    },
    Wrapper {
        value_opts: &[
            "-o", "--output", "-e", "-p", "-s", "-E", "-P", "-u", "-I", "-S",
        ],
        ..w(&["strace", "ltrace"])
    },
    Wrapper {
        value_opts: &["--log-file", "--tool"],
        ..w(&["valgrind"])
    },
    Wrapper {
        shell_opts: &["--run", "--command"],
        value_opts: &[
            "-p",
            "--packages",
            "-I",
            "--arg",
            "--argstr",
            "-A",
            "--attr",
        ],
        skip: usize::MAX,
        ..w(&["nix-shell"])
    },
];

/// Finds the wrapper row for `program` with `args` (rows with a subcommand match only when it is the first argument).
pub(crate) fn lookup(program: &str, args: &[Word]) -> Option<&'static Wrapper> {
    // Most programs are no wrapper: the first argument is looked at (and
    // its text borrowed) only for those that are.
    let named = |w: &&Wrapper| w.names.contains(&program);
    if !WRAPPERS.iter().any(|w| named(&w)) {
        return None;
    }
    let first = args.first().and_then(Word::literal_cow);
    WRAPPERS.iter().find(|w| {
        w.names.contains(&program)
            && (w.subcommand.is_empty()
                || first.as_deref().is_some_and(|f| w.subcommand.contains(&f)))
    })
}

/// What a wrapper invocation runs.
#[derive(Debug, Default)]
pub(crate) struct Unwrapped {
    /// The wrapped command (may be empty: the wrapper runs nothing, or a shell).
    pub command: Vec<Word>,
    /// Environment assignments for the command.
    pub assignments: Vec<(String, Word)>,
    /// Shell strings run by the wrapper (`su -c`, `flock -c`, `watch`).
    pub shell: Vec<Word>,
    /// A directory the command runs in.
    pub chdir: Option<Word>,
    /// The wrapper does not run the command (`command -v`).
    pub inert: bool,
}

/// True for an environment assignment word `NAME=value`.
pub(crate) fn assignment_name(text: &str) -> Option<&str> {
    let (name, _) = text.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    if (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        Some(name)
    } else {
        None
    }
}

/// Splits `--opt=value` / `-xVALUE` / bundles, per the option lists; returns the
/// options seen (with values) and the index of the first operand.
pub(crate) fn scan_options(
    args: &[Word],
    value_opts: &[&str],
    mut on_opt: impl FnMut(&str, Option<&Word>),
) -> usize {
    let mut i = 0;
    while i < args.len() {
        let Some(text) = args[i].as_literal() else {
            return i;
        };
        if text == "--" {
            return i + 1;
        }
        if !text.starts_with('-') || text == "-" {
            return i;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (text.clone(), None),
            };
            if let Some(v) = inline {
                on_opt(&name, Some(&Word::literal(v)));
            } else if value_opts.contains(&name.as_str()) {
                on_opt(&name, args.get(i + 1));
                i += 1;
            } else {
                on_opt(&name, None);
            }
            i += 1;
            continue;
        }
        // A short bundle: -abc, -uUSER, -u USER.
        let body: Vec<char> = text.chars().skip(1).collect();
        let mut j = 0;
        let mut consumed_next = false;
        while j < body.len() {
            let opt = format!("-{}", body[j]);
            if value_opts.contains(&opt.as_str()) {
                let rest: String = body[j + 1..].iter().collect();
                if rest.is_empty() {
                    on_opt(&opt, args.get(i + 1));
                    consumed_next = true;
                } else {
                    on_opt(&opt, Some(&Word::literal(rest)));
                }
                break;
            }
            on_opt(&opt, None);
            j += 1;
        }
        i += if consumed_next { 2 } else { 1 };
    }
    i.min(args.len())
}

/// Applies a wrapper row to the wrapper's arguments.
pub(crate) fn unwrap(spec: &Wrapper, args: &[Word]) -> Unwrapped {
    let mut out = Unwrapped::default();
    let sub_args = if spec.subcommand.is_empty() {
        args
    } else {
        &args[1.min(args.len())..]
    };
    if spec.after_dashdash {
        if let Some(dd) = sub_args
            .iter()
            .position(|a| a.as_literal().as_deref() == Some("--"))
        {
            out.command = sub_args[dd + 1..].to_vec();
            return out;
        }
    }
    let args = if spec.subcommand.is_empty() {
        args
    } else {
        &args[1.min(args.len())..]
    };
    let mut extra: Vec<Word> = Vec::new();
    let all_value_opts: Vec<&str> = spec
        .value_opts
        .iter()
        .chain(spec.shell_opts)
        .chain(spec.chdir_opts)
        .chain(spec.split_opts)
        .copied()
        .collect();
    // Wrappers like `su` and `flock` accept options after operands too.
    let mut i = 0;
    let mut operands: Vec<Word> = Vec::new();
    loop {
        let start = scan_options(&args[i..], &all_value_opts, |opt, value| {
            if spec.inert_opts.contains(&opt) {
                out.inert = true;
            }
            if let Some(v) = value {
                if spec.shell_opts.contains(&opt) {
                    out.shell.push(v.clone());
                } else if spec.chdir_opts.contains(&opt) {
                    out.chdir = Some(v.clone());
                } else if spec.split_opts.contains(&opt) {
                    extra.extend(v.text().split_whitespace().map(Word::literal));
                }
            }
        });
        let ended_by_dashdash =
            start > 0 && args[i + start - 1].as_literal().as_deref() == Some("--");
        i += start;
        if i >= args.len() {
            break;
        }
        // Assignments (env, sudo) come before the command.
        if spec.assignments && !ended_by_dashdash {
            if let Some(text) = args[i].as_literal() {
                if let Some(name) = assignment_name(&text) {
                    let value = text[name.len() + 1..].to_string();
                    out.assignments
                        .push((name.to_string(), Word::literal(value)));
                    i += 1;
                    continue;
                }
            }
        }
        if operands.len() < spec.skip && spec.skip != usize::MAX {
            operands.push(args[i].clone());
            i += 1;
            continue;
        }
        if spec.skip == usize::MAX {
            // Operands are not a command (su USER, script FILE); keep scanning for options.
            operands.push(args[i].clone());
            i += 1;
            continue;
        }
        break;
    }
    if spec.skip == usize::MAX {
        return out;
    }
    let mut command: Vec<Word> = extra;
    command.extend_from_slice(&args[i.min(args.len())..]);
    if spec.join_as_shell {
        if !command.is_empty() {
            out.shell.push(crate::shell::words::join_words(command));
        }
    } else {
        out.command = command;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Word> {
        s.split_whitespace().map(Word::literal).collect()
    }

    fn run(program: &str, args: &str) -> Unwrapped {
        let a = words(args);
        match lookup(program, &a) {
            Some(spec) => unwrap(spec, &a),
            None => Unwrapped::default(),
        }
    }

    fn cmd(u: &Unwrapped) -> Vec<String> {
        u.command.iter().map(Word::text).collect()
    }

    #[test]
    fn sudo_env_nice_timeout() {
        assert_eq!(
            cmd(&run("sudo", "-u dev -- rm -rf /home/dev")),
            ["rm", "-rf", "/home/dev"]
        );
        assert_eq!(cmd(&run("sudo", "-Eu root rm x")), ["rm", "x"]);
        let e = run("env", "-i -u PATH FOO=1 -- rm x");
        assert_eq!(cmd(&e), ["rm", "x"]);
        assert_eq!(e.assignments.len(), 1);
        assert_eq!(cmd(&run("nice", "-n 19 rm -rf ~")), ["rm", "-rf", "~"]);
        assert_eq!(
            cmd(&run("timeout", "-s KILL 30 rm -rf ~")),
            ["rm", "-rf", "~"]
        );
        let split = vec![
            Word::literal("-S"),
            Word::literal("rm -rf"),
            Word::literal("x"),
        ];
        let u = unwrap(lookup("env", &split).unwrap_or(&WRAPPERS[0]), &split);
        assert_eq!(cmd(&u), ["rm", "-rf", "x"]);
        assert!(run("command", "-v rm").inert);
    }

    #[test]
    fn shell_string_wrappers() {
        let su = run("su", "root -c id");
        assert!(su.command.is_empty());
        assert_eq!(su.shell.len(), 1);
        let fl = run("flock", "/tmp/l -c id");
        assert_eq!(fl.shell.len(), 1);
        let watch = run("watch", "-n 1 rm -rf x");
        assert_eq!(watch.shell[0].text(), "rm -rf x");
    }
}
