//! Taint: which PostToolUse events bring third-party content into the
//! session, and the escalation while it is there.

use crate::action::{Action, NetDirection};
use crate::call::ToolCall;

use super::config::TaintConfig;
use super::session::TaintSource;

/// Longest `detail` kept for a taint source.
pub const MAX_DETAIL: usize = 200;

/// True for hosts on this machine: `localhost`, `*.localhost`, 127.0.0.0/8,
/// `::1`, `0.0.0.0`.
///
/// ```
/// use policy_core::state::taint::is_loopback;
/// assert!(is_loopback("localhost") && is_loopback("127.0.0.53") && is_loopback("[::1]"));
/// assert!(!is_loopback("example.com") && !is_loopback("127.example.com"));
/// ```
pub fn is_loopback(host: &str) -> bool {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.');
    let h = h.to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") || h == "::1" || h == "0.0.0.0" {
        return true;
    }
    match h.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

fn cap(s: &str) -> String {
    if s.len() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut end = MAX_DETAIL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Whether a network action's `via` (`pip: pip install package`) names one
/// of `programs`.
fn ignored(via: &str, programs: &[String]) -> bool {
    let program = via.split(':').next().unwrap_or("");
    programs.iter().any(|p| p == program)
}

/// Whether `exec` runs `command`: a program followed by its first arguments.
fn runs(exec: &crate::action::Exec, command: &str) -> bool {
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else {
        return false;
    };
    if exec.program.as_deref() != Some(program) {
        return false;
    }
    let args = exec.args_text();
    words
        .enumerate()
        .all(|(i, w)| args.get(i).map(String::as_str) == Some(w))
}

fn tool_glob_matches(globs: &[String], tool: &str) -> bool {
    globs.iter().any(|g| super::config::tool_glob(g, tool))
}

/// What in `call` (a PostToolUse, with its normalized `actions`) taints the
/// session under `config`, if anything.
///
/// * the tool is a configured source (`WebFetch`, `WebSearch`, `mcp__*__fetch*`);
/// * an action fetches from (or searches) a host that is not loopback and not
///   trusted (`curl`, `wget`, `git clone URL`, an MCP tool's `url`
///   argument), unless a program in `ignore_programs` (package managers)
///   does it; a fetch whose host is unknown counts too;
/// * a command runs a configured program (`gh api`: the program and its
///   first arguments).
pub fn source_of(
    call: &ToolCall,
    actions: &[Action],
    config: &TaintConfig,
    now_ms: u64,
) -> Option<TaintSource> {
    if !config.enabled {
        return None;
    }
    let source = |detail: &str| TaintSource {
        tool: cap(&call.tool),
        detail: cap(detail),
        at_ms: now_ms,
    };
    if tool_glob_matches(&config.tools, &call.tool) {
        let input = &call.input;
        let detail = ["url", "query", "uri", "href"]
            .iter()
            .find_map(|k| input.get(*k).and_then(|v| v.as_str()))
            .unwrap_or("");
        return Some(source(detail));
    }
    for a in actions {
        match a {
            Action::Net(n)
                if config.network_fetch
                    && matches!(n.direction, NetDirection::Fetch | NetDirection::Search)
                    && !ignored(&n.via, &config.ignore_programs) =>
            {
                let trusted = n.host.as_deref().is_some_and(|h| {
                    is_loopback(h)
                        || config
                            .trusted_hosts
                            .iter()
                            .any(|p| crate::policy::host_matches(p, &h.to_ascii_lowercase()))
                });
                if !trusted {
                    let what = n
                        .url
                        .as_deref()
                        .or(n.host.as_deref())
                        .unwrap_or("an unknown host");
                    return Some(source(&format!("{}: {what}", n.via)));
                }
            }
            Action::Exec(e) if config.programs.iter().any(|c| runs(e, c)) => {
                return Some(source(&a.summary()));
            }
            _ => {}
        }
    }
    None
}
