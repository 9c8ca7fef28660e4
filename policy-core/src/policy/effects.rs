//! Program effects as actions: the normalizer gives each simple command's
//! expanded argv; the program table ([`crate::programs`]) says which operands
//! are paths read, written or deleted, URLs fetched or sent to, hosts
//! connected to, or code. Before rules run, each exec is followed by those
//! effects as ordinary file, network and code actions, so one rule on
//! `file_read` of `~/.aws/**` covers `Read`, `cat`, `cp`, `tar`, `scp`, `curl -d @…`.

use crate::action::{Action, CodeExec, CodeSource, FileAccess, NetAccess, NetDirection};
use crate::programs::{self, ParsedArgs, Role};

/// Host and port of a network target: a URL, `user@host:path`, `host:port` or a host.
fn host_of(target: &str) -> (Option<String>, Option<u16>, Option<String>) {
    if target.contains("://") {
        let (h, p) = crate::normalize::host_port(target);
        return (h.filter(|h| !h.is_empty()), p, Some(target.to_string()));
    }
    let t = target.rsplit_once('@').map_or(target, |(_, h)| h);
    if let Some(v6) = t.strip_prefix('[') {
        let (h, rest) = v6.split_once(']').unwrap_or((v6, ""));
        return (
            Some(h.to_ascii_lowercase()),
            rest.strip_prefix(':').and_then(|p| p.parse().ok()),
            None,
        );
    }
    match t.split_once(':') {
        Some((h, rest)) => (Some(h.to_ascii_lowercase()), rest.parse().ok(), None),
        None => (Some(t.to_ascii_lowercase()), None, None),
    }
}

/// The effects of one exec as actions.
pub fn effects_of(exec: &crate::action::Exec) -> Vec<Action> {
    let Some(program) = exec.program.as_deref() else {
        return Vec::new();
    };
    let Some(spec) = programs::lookup(program) else {
        return Vec::new();
    };
    let parsed = programs::args::parse_with(spec, &exec.args);
    effects_parsed(exec, program, spec, &parsed)
}

/// The effects of `exec` of `program` (whose row is `spec`), its arguments
/// parsed as `parsed`.
fn effects_parsed(
    exec: &crate::action::Exec,
    program: &str,
    spec: &'static programs::ProgramSpec,
    parsed: &ParsedArgs,
) -> Vec<Action> {
    let effects = programs::effects::effects_with(spec, parsed);
    // A relative symlink target is relative to the link's directory, not to
    // the cwd (`ln -s ../target/x bin/x` points at <cwd>/target/x).
    let symlink_base = (program == "ln" && parsed.has(&["-s", "--symbolic"]))
        .then(|| {
            let link = effects.iter().find(|e| e.role == Role::Write)?;
            let text = link.target.as_literal()?;
            let abs = crate::paths::absolutize(&text, exec.origin.cwd.as_deref())?;
            if text.ends_with('/') {
                Some(abs)
            } else {
                Some(crate::paths::parent(&abs))
            }
        })
        .flatten();
    let mut out = Vec::new();
    for e in effects {
        let origin = exec.origin.clone();
        let via = format!("{program}: {}", e.via);
        match e.role {
            Role::Read | Role::Write | Role::Delete => {
                let base = match (&symlink_base, e.role) {
                    (Some(b), Role::Read) => Some(b.as_str()),
                    _ => origin.cwd.as_deref(),
                };
                let resolved = e
                    .target
                    .as_literal()
                    .and_then(|p| crate::paths::absolutize(&p, base));
                let access = FileAccess {
                    path: e.target,
                    resolved,
                    recursive: e.recursive,
                    via,
                    origin,
                };
                out.push(match e.role {
                    Role::Read => Action::FileRead(access),
                    Role::Write => Action::FileWrite(access),
                    _ => Action::FileDelete(access),
                });
            }
            Role::Fetch | Role::Send | Role::Connect => {
                let text = e.target.text();
                let (host, port, url) = if e.target.is_dynamic() {
                    (None, None, Some(text))
                } else {
                    host_of(&text)
                };
                let direction = match e.role {
                    Role::Fetch => NetDirection::Fetch,
                    Role::Send => NetDirection::Send,
                    _ => NetDirection::Connect,
                };
                out.push(Action::Net(NetAccess {
                    url,
                    host,
                    port,
                    direction,
                    via,
                    origin,
                }));
            }
            Role::Code => out.push(Action::CodeExec(CodeExec {
                interpreter: program.to_string(),
                language: code_language(program).into(),
                source: CodeSource::Argument,
                code: e.target.as_literal(),
                file: None,
                producer: e.target.producers().next().map(str::to_string),
                origin,
            })),
        }
    }
    out
}

fn code_language(program: &str) -> &'static str {
    match program {
        "psql" | "mysql" | "mariadb" | "sqlite3" => "sql",
        "redis-cli" | "valkey-cli" => "redis",
        "sed" | "gsed" => "sed",
        _ => "shell",
    }
}

/// `actions` with every exec followed by its program effects.
///
/// ```
/// use policy_core::policy::effects::with_effects;
/// use policy_core::{normalize_command, Action, ShellOptions};
/// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
/// let actions = with_effects(normalize_command("cat ~/.aws/credentials", &opts));
/// assert!(actions.iter().any(|a| matches!(a, Action::FileRead(f)
///     if f.resolved.as_deref() == Some("/home/dev/.aws/credentials"))));
/// ```
pub fn with_effects(actions: Vec<Action>) -> Vec<Action> {
    with_effects_and_parents(actions).0
}

/// Like [`with_effects_and_parents`], also giving for each action its parsed
/// arguments (an exec with a program name; `None` for the others), so that
/// evaluation does not parse them a second time.
pub(crate) fn with_effects_parsed(actions: Vec<Action>) -> WithEffects {
    let mut parsed = Vec::with_capacity(actions.len());
    // The effects of each action that has some (most have none: then the
    // input list is kept as it is, not moved into a new one).
    let mut extras: Vec<(usize, Vec<Action>)> = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        let (extra, p) = match a {
            Action::Exec(e) => match e.program.as_deref() {
                Some(program) => {
                    let spec = programs::lookup(program);
                    let p = programs::args::parse_with(
                        spec.unwrap_or(&programs::table::GENERIC),
                        &e.args,
                    );
                    let extra = spec
                        .map(|spec| effects_parsed(e, program, spec, &p))
                        .unwrap_or_default();
                    (extra, Some(p))
                }
                None => (Vec::new(), None),
            },
            _ => (Vec::new(), None),
        };
        parsed.push(p);
        if !extra.is_empty() {
            extras.push((i, extra));
        }
    }
    if extras.is_empty() {
        return WithEffects {
            parents: vec![None; actions.len()],
            actions,
            parsed,
        };
    }
    let total = actions.len() + extras.iter().map(|(_, x)| x.len()).sum::<usize>();
    let mut out = WithEffects {
        actions: Vec::with_capacity(total),
        parents: Vec::with_capacity(total),
        parsed: Vec::with_capacity(total),
    };
    let mut extras = extras.into_iter().peekable();
    for (i, (a, p)) in actions.into_iter().zip(parsed).enumerate() {
        let parent = out.actions.len();
        out.actions.push(a);
        out.parents.push(None);
        out.parsed.push(p);
        if let Some((_, extra)) = extras.next_if(|(j, _)| *j == i) {
            for x in extra {
                out.actions.push(x);
                out.parents.push(Some(parent));
                out.parsed.push(None);
            }
        }
    }
    out
}

/// Actions completed with their effects (see [`with_effects_parsed`]); the
/// three lists are parallel.
pub(crate) struct WithEffects {
    /// Each exec followed by its effects.
    pub(crate) actions: Vec<Action>,
    /// For each action, the index of the exec it is an effect of.
    pub(crate) parents: Vec<Option<usize>>,
    /// For each exec with a program name, its parsed arguments.
    pub(crate) parsed: Vec<Option<ParsedArgs>>,
}

/// Like [`with_effects`], also giving for each action the index of the exec it
/// is an effect of (`None` for the original actions).
pub fn with_effects_and_parents(actions: Vec<Action>) -> (Vec<Action>, Vec<Option<usize>>) {
    let fx = with_effects_parsed(actions);
    (fx.actions, fx.parents)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::host_of;

    #[test]
    fn symlink_targets_resolve_against_the_link_directory() {
        let opts = crate::ShellOptions::for_home("/home/dev", "/home/dev/project");
        let reads = |cmd: &str| -> Vec<String> {
            crate::normalize_command(cmd, &opts)
                .iter()
                .filter_map(|a| match a {
                    crate::Action::Exec(e) => Some(super::effects_of(e)),
                    _ => None,
                })
                .flatten()
                .filter_map(|a| match a {
                    crate::Action::FileRead(f) => f.resolved,
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            reads("ln -s ../target/x bin/x"),
            ["/home/dev/project/target/x"]
        );
        assert_eq!(reads("ln -s ../x bin/"), ["/home/dev/project/x"]);
        assert_eq!(reads("ln -s ~/.ssh/id_rsa k"), ["/home/dev/.ssh/id_rsa"]);
        // A hard link's target is relative to the cwd.
        assert_eq!(reads("ln ../x bin/x"), ["/home/dev/x"]);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("user@Host.example:/tmp/x").0.as_deref(),
            Some("host.example")
        );
        assert_eq!(
            host_of("203.0.113.5:4444"),
            (Some("203.0.113.5".into()), Some(4444), None)
        );
        assert_eq!(
            host_of("https://x.example/p").0.as_deref(),
            Some("x.example")
        );
        assert_eq!(host_of("[::1]:80").1, Some(80));
    }
}
