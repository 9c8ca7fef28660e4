//! Human-readable one-line summaries of actions, used by `policy-cli eval`,
//! explanations and the table-driven tests.
//!
//! Dynamic word parts are shown as `«source»`; words with spaces or quotes are
//! single-quoted.
//!
//! ```
//! use policy_core::{normalize_command, ShellOptions};
//! let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
//! let a = normalize_command("rm -rf \"$BUILD_DIR/\"", &opts);
//! assert_eq!(a[0].summary(), "exec rm -rf «$BUILD_DIR»/");
//! ```

use std::fmt::Write as _;

use crate::action::{Action, CodeSource, Context, NetDirection, Word, WordPart};

/// Escapes control characters so that a summary is always one line.
fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && !s.contains(|c: char| matches!(c, ' ' | '\'' | '"' | '\\') || c.is_control())
    {
        return s.to_string();
    }
    format!(
        "'{}'",
        escape_controls(&s.replace('\\', "\\\\").replace('\'', "\\'"))
    )
}

/// A word for display: literal parts quoted when needed, dynamic parts as `«source»`.
pub fn word(w: &Word) -> String {
    let mut out = String::new();
    let mut lit = String::new();
    for p in &w.parts {
        match p {
            WordPart::Literal(s) => lit.push_str(s),
            WordPart::Dynamic(d) => {
                if !lit.is_empty() {
                    out.push_str(&quote(&lit));
                    lit.clear();
                }
                let _ = write!(out, "«{}»", escape_controls(&d.source));
            }
        }
    }
    if !lit.is_empty() || out.is_empty() {
        out.push_str(&quote(&lit));
    }
    out
}

fn context(c: &Context) -> String {
    match c {
        Context::Subshell => "subshell".into(),
        Context::Substitution => "substitution".into(),
        Context::ProcessSubstitution => "process-substitution".into(),
        Context::Pipeline { index, len } => format!("pipeline {}/{}", index + 1, len),
        Context::Background => "background".into(),
        Context::Conditional => "conditional".into(),
        Context::Function { name } => format!("function {name}"),
        Context::ShellString { via } => format!("{via} -c"),
        Context::Eval => "eval".into(),
        Context::ShellStdin { shell } => format!("stdin of {shell}"),
        Context::Decoded { via } => format!("decoded by {via}"),
        Context::Remote { host } => format!("remote {host}"),
        Context::Container { via, target } => format!("{via} container {target}"),
        Context::Embedded { via } => format!("embedded in {via}"),
    }
}

impl Action {
    /// The action in one line, without its origin.
    pub fn summary(&self) -> String {
        match self {
            Action::Exec(e) => {
                let mut s = String::from("exec");
                for a in &e.assignments {
                    let _ = write!(s, " {}={}", a.name, word(&a.value));
                }
                match &e.program {
                    Some(p) if e.name.as_literal().as_deref() != Some(p.as_str()) => {
                        let _ = write!(s, " {} ({p})", word(&e.name));
                    }
                    _ => {
                        let _ = write!(s, " {}", word(&e.name));
                    }
                }
                for a in &e.args {
                    let _ = write!(s, " {}", word(a));
                }
                if e.trailing_dynamic {
                    s.push_str(" «…»");
                }
                s
            }
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => {
                let verb = match self {
                    Action::FileRead(_) => "read",
                    Action::FileWrite(_) => "write",
                    _ => "delete",
                };
                let mut s = format!("{verb} {}", word(&f.path));
                if let Some(r) = &f.resolved {
                    if r != &f.path.text() {
                        let _ = write!(s, " ({r})");
                    }
                }
                if f.recursive {
                    s.push_str(" recursive");
                }
                s
            }
            Action::Net(n) => {
                let dir = match n.direction {
                    NetDirection::Fetch => "fetch",
                    NetDirection::Send => "send",
                    NetDirection::Connect => "connect",
                    NetDirection::Search => "search",
                };
                let target = match (&n.url, &n.host, n.port) {
                    (Some(u), _, _) => u.clone(),
                    (None, Some(h), Some(p)) => format!("{h}:{p}"),
                    (None, Some(h), None) => h.clone(),
                    (None, None, _) => "?".into(),
                };
                format!("net {dir} {target}")
            }
            Action::CodeExec(c) => {
                let src = match c.source {
                    CodeSource::Argument => "argument",
                    CodeSource::Stdin => "stdin",
                    CodeSource::File => "file",
                    CodeSource::ProcessSubstitution => "process-substitution",
                    CodeSource::Option => "option",
                };
                let mut s = format!("code {} {} {src}", c.language, c.interpreter);
                if let Some(code) = &c.code {
                    let _ = write!(s, " {}", quote(code));
                }
                if let Some(f) = &c.file {
                    let _ = write!(s, " file={}", word(f));
                }
                if let Some(p) = &c.producer {
                    let _ = write!(s, " from={p}");
                }
                if c.code.is_none() && c.file.is_none() {
                    s.push_str(" (unknown code)");
                }
                s
            }
            Action::Mcp(m) => format!("mcp {} {}", m.server, m.tool),
            Action::Tool(t) => format!("tool {}", t.tool),
            Action::Opaque(o) => escape_controls(&format!(
                "opaque {}: {}",
                serde_json::to_value(&o.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                o.detail
            )),
        }
    }

    /// The action in one line with its origin (contexts, wrappers, working directory).
    pub fn describe(&self) -> String {
        self.describe_from(None)
    }

    /// Like [`Action::describe`], leaving out the working directory when it is
    /// `start_cwd` (the call's own), so only changes (`cd`) show.
    ///
    /// ```
    /// use policy_core::{normalize_command, ShellOptions};
    /// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    /// let a = normalize_command("cd /tmp && rm -rf x", &opts);
    /// assert_eq!(a[1].describe_from(Some("/home/dev/project")), "exec rm -rf x   [conditional; cwd /tmp]");
    /// ```
    pub fn describe_from(&self, start_cwd: Option<&str>) -> String {
        let mut s = self.summary();
        if let Some(o) = self.origin() {
            let mut notes: Vec<String> = o.context.iter().map(context).collect();
            if !o.wrappers.is_empty() {
                notes.push(format!("via {}", o.wrappers.join(" → ")));
            }
            if let Action::Exec(e) = self {
                if let Some(i) = &e.stdin {
                    notes.push(match i {
                        crate::action::Input::Pipe {
                            producer,
                            text: Some(_),
                        } => format!("stdin: known output of {producer}"),
                        crate::action::Input::Pipe {
                            producer,
                            text: None,
                        } => format!("stdin: output of {producer}"),
                        crate::action::Input::Here { .. } => "stdin: here-document".into(),
                        crate::action::Input::File { path } => format!("stdin: {}", word(path)),
                    });
                }
            }
            match (&o.cwd, start_cwd) {
                (Some(cwd), Some(start)) if cwd == start => {}
                (Some(cwd), _) => notes.push(format!("cwd {cwd}")),
                (None, Some(_)) => notes.push("cwd unknown".into()),
                (None, None) => {}
            }
            if !notes.is_empty() {
                let _ = write!(s, "   [{}]", notes.join("; "));
            }
        }
        s
    }
}
