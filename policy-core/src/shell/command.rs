//! What a simple command means once its words are expanded: builtins that
//! change the walker's state (`cd`, `export`, `set --`, `eval`, `source`),
//! wrappers to unwrap, shells and interpreters that run code, programs that
//! run other programs (`xargs`, `find -exec`, `git -c`, `ssh`, `docker exec`,
//! `tar --to-command`, ...), redirection effects and pipeline output.

use std::rc::Rc;

use crate::action::{
    Action, Assignment, CodeExec, CodeSource, Context, Dynamic, Exec, FileAccess, Input, NetAccess,
    NetDirection, OpaqueReason, Word, WordPart,
};
use crate::paths;
use crate::shell::decode;
use crate::shell::interpreters::{self, CodeFrom, SHELLS};
use crate::shell::scope::Value;
use crate::shell::walk::{
    clip, AssignValue, Enter, Join, Pending, PendingAssign, PendingRedirect, PipeOut, ScopeInit,
    Stdin, StdinInit, Task, Walker,
};
use crate::shell::words;
use crate::shell::wrappers::{self, scan_options};

/// A command about to be analysed, possibly after unwrapping.
#[derive(Clone)]
pub(crate) struct Invocation {
    pub words: Vec<Word>,
    pub assigns: Vec<Assignment>,
    pub wrappers: Vec<String>,
    pub no_functions: bool,
    pub trailing_dynamic: bool,
    pub cwd: Option<Option<String>>,
    pub stdin: Option<Rc<Stdin>>,
    pub offset: usize,
    /// Redirections shown on the Exec (only the outermost command has them).
    pub redirects: Vec<crate::action::Redirect>,
    /// Extra context for the Exec (a container, a host).
    pub ctx: Option<Context>,
}

/// What is known about executed code: its text, its file, or its producer.
#[derive(Default)]
struct Code {
    code: Option<String>,
    file: Option<Word>,
    producer: Option<String>,
}

impl Code {
    fn text(t: Option<String>, producer: Option<String>) -> Code {
        Code {
            code: t,
            file: None,
            producer,
        }
    }
    fn file(f: Word) -> Code {
        Code {
            code: None,
            file: Some(f),
            producer: None,
        }
    }
    fn unknown(producer: Option<String>) -> Code {
        Code {
            code: None,
            file: None,
            producer,
        }
    }
}

/// `$0` and the positional parameters of a child shell (`bash -c CODE NAME ARGS…`).
pub(crate) struct ShellArgs {
    pub arg0: Option<String>,
    pub positional: Option<Vec<String>>,
}

enum Step {
    Continue,
    /// The analysis is done; the last program and its arguments, when the
    /// invocation writes into a pipe (`Walker::keep_last`).
    Done(Option<(String, Vec<Word>)>),
}

/// Environment variables whose value is shell code run by the command (or by git/ssh/pagers).
const CODE_ENV: &[&str] = &[
    "GIT_SSH_COMMAND",
    "GIT_PAGER",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_EXTERNAL_DIFF",
    "GIT_ASKPASS",
    "GIT_SSH",
    "GIT_PROXY_COMMAND",
    "SSH_ASKPASS",
    "PAGER",
    "MANPAGER",
    "EDITOR",
    "VISUAL",
    "LESSOPEN",
    "LESSCLOSE",
    "PROMPT_COMMAND",
    "BASH_ENV",
    "ENV",
    "SUDO_ASKPASS",
];

/// Git configuration keys whose value is run as shell code (lower case; `*` is any subsection).
const GIT_CODE_KEYS: &[&str] = &[
    "core.pager",
    "core.sshcommand",
    "core.fsmonitor",
    "core.editor",
    "core.askpass",
    "core.hookspath",
    "sequence.editor",
    "diff.external",
    "diff.*.textconv",
    "diff.*.command",
    "filter.*.clean",
    "filter.*.smudge",
    "filter.*.process",
    "merge.*.driver",
    "credential.helper",
    "pager.*",
    "gpg.program",
    "gpg.*.program",
    "remote.*.uploadpack",
    "remote.*.receivepack",
    "uploadpack.packobjectshook",
    "alias.*",
    "interactive.difffilter",
    "web.browser",
    "browser.*.cmd",
    "mergetool.*.cmd",
    "difftool.*.cmd",
    "sendemail.sendmailcmd",
    "core.gitproxy",
];

fn git_code_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    GIT_CODE_KEYS.iter().any(|pat| match pat.split_once('*') {
        None => key == *pat,
        Some((pre, post)) => {
            key.starts_with(pre) && key.ends_with(post) && key.len() > pre.len() + post.len()
        }
    })
}

fn producer_of(w: &Word) -> Option<String> {
    w.producers().next().map(str::to_string)
}

/// True for a word that is a process substitution (`<(…)`).
fn procsub(w: &Word) -> Option<Option<String>> {
    match w.parts.as_slice() {
        [WordPart::Dynamic(d)] if d.source.starts_with("<(") || d.source.starts_with(">(") => {
            Some(d.producer.clone())
        }
        _ => None,
    }
}

const SPECIAL_FILES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/stdin",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/tty",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];

impl<'a> Walker<'a> {
    /// Finishes a simple command: effects, unwrapping, code, pipe output.
    pub(crate) fn emit(&mut self, p: Pending) {
        let offset = p.offset;
        let redirect_stdin = self.stdin_from_redirects(&p.redirects);
        let stdin = redirect_stdin
            .map(Rc::new)
            .or_else(|| self.frame().stdin.clone());
        let stdout_redirected = Self::stdout_redirected(&p.redirects);
        self.redirect_effects(&p.redirects, offset);
        if p.words.is_empty() || p.declaration {
            let keyword = p.words.first().and_then(Word::as_literal);
            // `local` outside a function is an error in bash: nothing is assigned.
            let applies = keyword.as_deref() != Some("local") || !self.frame().functions.is_empty();
            for a in &p.assigns {
                let export = p.declaration && keyword.as_deref() == Some("export");
                if applies {
                    self.apply_assign(a, export);
                }
            }
            // `GIT_SSH_COMMAND=…` / `export PAGER=…`: code that later commands run.
            let code_assigns: Vec<Assignment> = p
                .assigns
                .iter()
                .filter_map(|a| match &a.value {
                    AssignValue::Scalar(w) => Some(Assignment {
                        name: a.name.clone(),
                        value: w.clone(),
                    }),
                    AssignValue::Array(_) => None,
                })
                .collect();
            self.code_env(&code_assigns, offset);
            if p.words.is_empty() {
                return;
            }
        }
        let assigns: Vec<Assignment> = if p.declaration {
            Vec::new()
        } else {
            p.assigns
                .iter()
                .map(|a| Assignment {
                    name: a.name.clone(),
                    value: match &a.value {
                        AssignValue::Scalar(w) => w.clone(),
                        AssignValue::Array(items) => words::join_words(items.clone()),
                    },
                })
                .collect()
        };
        let redirects = p
            .redirects
            .iter()
            .map(|r| crate::action::Redirect {
                fd: r.fd,
                op: r.op.clone(),
                target: r.target.clone(),
            })
            .collect();
        let mut words = p.words;
        let coproc = words.first().and_then(Word::literal_cow).as_deref() == Some("coproc")
            && words.len() > 1;
        if coproc {
            words.remove(0);
        }
        let inv = Invocation {
            words,
            assigns,
            wrappers: Vec::new(),
            no_functions: false,
            trailing_dynamic: false,
            cwd: None,
            stdin,
            offset,
            redirects,
            ctx: None,
        };
        if coproc {
            // `coproc cmd`: the command runs in the background with its stdio on pipes.
            let mut e = Enter::new(Join::Isolated, Some(Context::Background));
            e.to_pipe = Some(false);
            self.push_invocation(inv, e);
            return;
        }
        self.invoke(inv, !stdout_redirected);
    }

    /// Analyses an invocation through all its wrappers.
    pub(crate) fn invoke(&mut self, mut inv: Invocation, stdout_to_pipe: bool) {
        self.code_env(&inv.assigns, inv.offset);
        // Only a stage writing into a pipe needs its last program and
        // arguments (copied for each `Step::Done`); the frame does not change
        // while the invocation is analysed (frames are entered by tasks).
        let keep = self.frame().to_pipe && stdout_to_pipe;
        self.keep_last = keep;
        let mut last = None;
        let max = self.opts.limits.max_depth;
        let mut level = 0;
        loop {
            if level >= max {
                self.opaque(
                    OpaqueReason::TooDeep,
                    format!("more than {max} nested wrappers"),
                    inv.offset,
                );
                break;
            }
            level += 1;
            match self.step(&mut inv) {
                Step::Continue => {
                    inv.redirects.clear();
                }
                Step::Done(l) => {
                    last = l;
                    break;
                }
            }
        }
        if keep {
            self.pipe_output(last, inv.stdin.as_deref());
        }
    }

    fn pipe_output(&mut self, last: Option<(String, Vec<Word>)>, stdin: Option<&Stdin>) {
        let out = match last {
            Some((program, args)) => {
                let literal: Option<Vec<String>> = args.iter().map(Word::as_literal).collect();
                let produced = literal.and_then(|a| {
                    decode::produce(&program, &a, stdin.and_then(|s| s.text.as_deref()))
                        .map(|r| (r, a))
                });
                match produced {
                    Some(((text, decoder), a)) => {
                        let (producer, mut decoders) = match (decoder, stdin) {
                            (true, Some(s)) => (s.producer.clone(), s.decoders.clone()),
                            _ => (program.clone(), Vec::new()),
                        };
                        if decoder {
                            decoders.push(
                                std::iter::once(program.clone())
                                    .chain(a)
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            );
                        }
                        PipeOut {
                            text: Some(text),
                            producer,
                            decoders,
                        }
                    }
                    None => PipeOut {
                        text: None,
                        producer: program,
                        decoders: Vec::new(),
                    },
                }
            }
            None => PipeOut {
                text: None,
                producer: "unknown command".into(),
                decoders: Vec::new(),
            },
        };
        self.pipe_out = Some(match self.pipe_out.take() {
            None => out,
            Some(prev) => {
                let text = match (prev.text.as_ref(), out.text.as_ref()) {
                    (Some(a), Some(b)) => Some(format!("{a}{b}")),
                    _ => None,
                };
                let producer = if prev.text.is_some() && out.text.is_none() {
                    out.producer
                } else {
                    prev.producer
                };
                let mut decoders = prev.decoders;
                decoders.extend(out.decoders);
                PipeOut {
                    text,
                    producer,
                    decoders,
                }
            }
        });
    }

    fn apply_assign(&mut self, a: &PendingAssign, export: bool) {
        let value = match &a.value {
            AssignValue::Scalar(w) => match w.as_literal() {
                Some(s) => Value::Str(s),
                None => Value::Dyn(Dynamic {
                    source: format!("${}", a.name),
                    producer: producer_of(w),
                }),
            },
            AssignValue::Array(items) => match items
                .iter()
                .map(Word::as_literal)
                .collect::<Option<Vec<_>>>()
            {
                Some(v) => Value::Array(v),
                None => Value::Dyn(Dynamic {
                    source: format!("${}", a.name),
                    producer: None,
                }),
            },
        };
        let scope = &mut self.frame_mut().scope;
        let value = if a.append {
            match (scope.get(&a.name), value) {
                (Value::Str(x), Value::Str(y)) => Value::Str(x + &y),
                (Value::Unset, v) => v,
                (Value::Array(mut x), Value::Array(y)) => {
                    x.extend(y);
                    Value::Array(x)
                }
                _ => Value::Dyn(Dynamic {
                    source: format!("${}", a.name),
                    producer: None,
                }),
            }
        } else {
            value
        };
        if export {
            scope.set_var(&a.name, value, true);
        } else {
            scope.set(&a.name, value);
        }
    }

    /// File and network effects of redirections.
    fn redirect_effects(&mut self, redirects: &[PendingRedirect], offset: usize) {
        for r in redirects {
            if r.here.is_some() {
                continue;
            }
            let write = match r.op.as_str() {
                "<" => false,
                ">" | ">>" | ">|" | "&>" | "&>>" | "<>" => true,
                ">&" | "<&" | ">&-" | "<&-" => {
                    let t = r.target.as_literal().unwrap_or_default();
                    if t.is_empty()
                        || t == "-"
                        || t.trim_end_matches('-').bytes().all(|b| b.is_ascii_digit())
                    {
                        continue;
                    }
                    r.op.starts_with('>')
                }
                _ => continue,
            };
            let text = r.target.as_literal();
            if let Some(t) = &text {
                if SPECIAL_FILES.contains(&t.as_str())
                    || t.starts_with("/dev/fd/")
                    || t.starts_with("/proc/self/fd/")
                {
                    continue;
                }
                if let Some(rest) = t
                    .strip_prefix("/dev/tcp/")
                    .or_else(|| t.strip_prefix("/dev/udp/"))
                {
                    let (host, port) = rest.split_once('/').unwrap_or((rest, ""));
                    let origin = self.origin(offset);
                    self.push_action(Action::Net(NetAccess {
                        url: None,
                        host: Some(host.to_string()),
                        port: port.parse().ok(),
                        direction: NetDirection::Connect,
                        via: format!("redirect {}", r.op),
                        origin,
                    }));
                    continue;
                }
            }
            let access = self.file_access(
                r.target.clone(),
                false,
                format!("redirect {}", r.op),
                offset,
            );
            self.push_action(if write {
                Action::FileWrite(access)
            } else {
                Action::FileRead(access)
            });
        }
    }

    /// A file access at the current working directory.
    pub(crate) fn file_access(
        &self,
        path: Word,
        recursive: bool,
        via: String,
        offset: usize,
    ) -> FileAccess {
        let origin = self.origin(offset);
        let resolved = path
            .as_literal()
            .and_then(|p| paths::absolutize(&p, origin.cwd.as_deref()));
        FileAccess {
            path,
            resolved,
            recursive,
            via,
            origin,
        }
    }

    fn code_env(&mut self, assigns: &[Assignment], offset: usize) {
        for a in assigns {
            if CODE_ENV.contains(&a.name.as_str()) && !a.value.text().is_empty() {
                let via = a.name.clone();
                self.run_code_string(
                    &a.value,
                    &via,
                    Context::Embedded { via: via.clone() },
                    offset,
                    None,
                );
            }
        }
    }

    /// Runs a shell code string in a child shell (or, for `eval`, in this shell).
    /// A string with unknown parts is still parsed (unknown parts become unknown
    /// variables), and a `CodeExec` with unknown code records that it is dynamic.
    pub(crate) fn run_code_string(
        &mut self,
        code: &Word,
        via: &str,
        ctx: Context,
        offset: usize,
        args: Option<ShellArgs>,
    ) {
        let same_shell = matches!(ctx, Context::Eval);
        let mut text = String::new();
        let mut dyn_vars: Vec<(String, Dynamic)> = Vec::new();
        for p in &code.parts {
            match p {
                WordPart::Literal(s) => text.push_str(s),
                WordPart::Dynamic(d) => {
                    let name = format!("__agent_policy_dynamic_{}", dyn_vars.len());
                    text.push_str(&format!("${{{name}}}"));
                    dyn_vars.push((name, d.clone()));
                }
            }
        }
        if !dyn_vars.is_empty() {
            let producer = dyn_vars.iter().find_map(|(_, d)| d.producer.clone());
            let origin = self.origin(offset);
            self.push_action(Action::CodeExec(CodeExec {
                interpreter: via.to_string(),
                language: "shell".into(),
                source: CodeSource::Argument,
                code: None,
                file: None,
                producer,
                origin,
            }));
            // Entirely unknown code (`eval "$X"`, `bash -c "$(curl …)"`): parsing the
            // placeholder would only add a dynamic command name; the unknown code
            // execution above says it all.
            if code.parts.iter().all(|p| match p {
                WordPart::Dynamic(_) => true,
                WordPart::Literal(s) => s.trim().is_empty(),
            }) {
                return;
            }
        }
        let mut enter = Enter::new(
            if same_shell {
                Join::Shared
            } else {
                Join::Isolated
            },
            Some(ctx),
        );
        let mut scope = if same_shell {
            self.frame().scope.clone()
        } else {
            let args = args.unwrap_or(ShellArgs {
                arg0: None,
                positional: None,
            });
            let mut child = self.frame().scope.child(args.positional);
            child.arg0 = args.arg0;
            child
        };
        for (name, d) in dyn_vars {
            scope.set_var(&name, Value::Dyn(d), true);
        }
        enter.scope = ScopeInit::Given(Box::new(scope));
        self.push_script(text, offset, enter);
    }

    fn code_exec(
        &mut self,
        interpreter: &str,
        language: &str,
        source: CodeSource,
        what: Code,
        offset: usize,
    ) {
        let origin = self.origin(offset);
        self.push_action(Action::CodeExec(CodeExec {
            interpreter: interpreter.to_string(),
            language: language.to_string(),
            source,
            code: what.code,
            file: what.file,
            producer: what.producer,
            origin,
        }));
    }

    /// Code an interpreter or shell reads from its stdin.
    fn code_from_stdin(
        &mut self,
        program: &str,
        language: &str,
        stdin: Option<&Stdin>,
        offset: usize,
    ) {
        let Some(s) = stdin else { return };
        if let Some(f) = &s.file {
            self.code_exec(
                program,
                language,
                CodeSource::File,
                Code::file(f.clone()),
                offset,
            );
            return;
        }
        match &s.text {
            Some(text) if language == "shell" => {
                let mut ctx = Context::ShellStdin {
                    shell: program.to_string(),
                };
                if !s.decoders.is_empty() {
                    // Record the decoding too: the inner frame gets both contexts.
                    let decoded = Context::Decoded {
                        via: s.decoders.join(" | "),
                    };
                    let mut e = Enter::new(Join::Isolated, Some(ctx));
                    e.scope = ScopeInit::Child(None);
                    let mut inner = Enter::new(Join::Isolated, Some(decoded));
                    inner.stdin = StdinInit::Set(None);
                    let src: &'a crate::shell::parse::Source = self
                        .arena
                        .alloc(crate::shell::parse::Source::new(text.clone(), offset));
                    if let Some(tree) = src.tree.as_ref() {
                        let root = tree.root_node();
                        if root.has_error() {
                            self.opaque(
                                OpaqueReason::ParseError,
                                format!(
                                    "decoded text `{}` does not parse as shell",
                                    clip(text, 60)
                                ),
                                offset,
                            );
                        }
                        self.push_block(
                            e,
                            vec![
                                Task::Enter(Box::new(inner)),
                                Task::Stmt(root, src),
                                Task::Leave,
                            ],
                        );
                    }
                    return;
                }
                ctx = Context::ShellStdin {
                    shell: program.to_string(),
                };
                let mut e = Enter::new(Join::Isolated, Some(ctx));
                e.scope = ScopeInit::Child(None);
                e.stdin = StdinInit::Set(None);
                self.push_script(text.clone(), offset, e);
            }
            Some(text) => {
                self.code_exec(
                    program,
                    language,
                    CodeSource::Stdin,
                    Code::text(Some(text.clone()), None),
                    offset,
                );
                self.embedded(program, language, text, offset);
            }
            None => {
                self.code_exec(
                    program,
                    language,
                    CodeSource::Stdin,
                    Code::unknown(Some(s.producer.clone())),
                    offset,
                );
            }
        }
    }

    fn embedded(&mut self, program: &str, language: &str, code: &str, offset: usize) {
        let snippets = if language == "sed" {
            interpreters::sed_exec(code)
        } else {
            interpreters::embedded_shell(language, code)
                .into_iter()
                .map(Some)
                .collect()
        };
        for s in snippets {
            match s {
                Some(cmd) => self.run_code_string(
                    &Word::literal(cmd),
                    program,
                    Context::Embedded {
                        via: format!("{program} {language} code"),
                    },
                    offset,
                    None,
                ),
                None => self.code_exec(
                    program,
                    "shell",
                    CodeSource::Argument,
                    Code::unknown(None),
                    offset,
                ),
            }
        }
    }

    fn push_invocation(&mut self, inv: Invocation, enter: Enter<'a>) {
        self.push_block(enter, vec![Task::Invoke(Box::new(inv))]);
    }

    fn sub_invocation(&self, inv: &Invocation, program: &str, words: Vec<Word>) -> Invocation {
        let mut wrappers = inv.wrappers.clone();
        wrappers.push(program.to_string());
        Invocation {
            words,
            assigns: Vec::new(),
            wrappers,
            no_functions: false,
            trailing_dynamic: false,
            cwd: inv.cwd.clone(),
            stdin: None,
            offset: inv.offset,
            redirects: Vec::new(),
            ctx: None,
        }
    }

    /// [`Step::Done`], with `program` and `args` when they are kept.
    fn done(&self, program: &str, args: &[Word]) -> Step {
        Step::Done(self.keep_last.then(|| (program.to_string(), args.to_vec())))
    }

    /// One level of analysis: emits the Exec and decides what runs inside it.
    fn step(&mut self, inv: &mut Invocation) -> Step {
        // The words are taken, not copied: a wrapper that continues sets
        // the next level's (`inv.words = …`), and nothing else reads them.
        let mut words = std::mem::take(&mut inv.words);
        let args: Vec<Word> = if words.is_empty() {
            return Step::Done(None);
        } else {
            words.split_off(1)
        };
        let Some(name) = words.pop() else {
            return Step::Done(None);
        };
        let offset = inv.offset;
        let name_text = name.literal_cow();
        let program = name_text.as_deref().map(|n| paths::basename(n).to_string());
        // A path (`./x`, `/bin/x`) is never a function.
        let name_has_slash = name_text.as_deref().is_some_and(|n| n.contains('/'));
        drop(name_text);
        let mut origin = self.origin(offset);
        origin.wrappers.extend(inv.wrappers.iter().cloned());
        if let Some(cwd) = &inv.cwd {
            origin.cwd = cwd.clone();
        }
        if let Some(c) = &inv.ctx {
            origin.context.push(c.clone());
        }
        let stdin = inv
            .stdin
            .as_ref()
            .map(|s| match (&s.file, s.producer.as_str()) {
                (Some(f), _) => Input::File { path: f.clone() },
                (None, "heredoc" | "here-string") => Input::Here {
                    text: s.text.clone(),
                },
                (None, p) => Input::Pipe {
                    producer: p.to_string(),
                    text: s.text.clone(),
                },
            });
        // The name goes into the Exec; what a dynamic name's opaque action
        // says of it is written first.
        let dynamic_name = program.is_none().then(|| match producer_of(&name) {
            Some(p) => format!(
                "command name `{}` comes from `{p}` and is not known statically",
                clip(&name.text(), 60)
            ),
            None => format!(
                "command name `{}` is not known statically",
                clip(&name.text(), 60)
            ),
        });
        let at = self.out.len();
        self.push_action(Action::Exec(Exec {
            program: program.clone(),
            name,
            args,
            assignments: inv.assigns.clone(),
            redirects: inv.redirects.clone(),
            stdin,
            trailing_dynamic: inv.trailing_dynamic,
            origin,
        }));
        // The arguments are lent back from the Exec for the rest of the
        // analysis (which reads them; no code reads the Exec meanwhile) and
        // returned after it: no copy of them. An Exec that was not emitted
        // (the walk has stopped) leaves none.
        let args = match self.out.get_mut(at) {
            Some(Action::Exec(e)) => std::mem::take(&mut e.args),
            _ => Vec::new(),
        };
        let step = self.step_program(inv, program, &args, offset, name_has_slash, dynamic_name);
        if let Some(Action::Exec(e)) = self.out.get_mut(at) {
            e.args = args;
        }
        step
    }

    /// The rest of [`Walker::step`] once the Exec is emitted: what runs
    /// inside the program (`args`: its arguments).
    fn step_program(
        &mut self,
        inv: &mut Invocation,
        program: Option<String>,
        args: &[Word],
        offset: usize,
        name_has_slash: bool,
        dynamic_name: Option<String>,
    ) -> Step {
        let Some(program) = program else {
            self.opaque(
                OpaqueReason::DynamicCommand,
                dynamic_name.unwrap_or_default(),
                offset,
            );
            return Step::Done(None);
        };
        let done = self.done(&program, args);
        let stdin = inv.stdin.clone();

        // Functions defined earlier in the script.
        if !inv.no_functions && !name_has_slash {
            if let Some(f) = self.frame().scope.functions.get(&program).copied() {
                if self.frame().functions.contains(&program) {
                    return done;
                }
                let positional: Option<Vec<String>> = args.iter().map(Word::as_literal).collect();
                let saved = self.frame().scope.positional.clone();
                let mut e = Enter::new(
                    Join::Shared,
                    Some(Context::Function {
                        name: program.clone(),
                    }),
                );
                e.function = Some(program.clone());
                let mut scope = self.frame().scope.clone();
                scope.positional = positional;
                e.scope = ScopeInit::Given(Box::new(scope));
                self.tasks.push(Task::SetPositional(saved));
                self.push_block(e, vec![Task::Stmt(f.body, f.src)]);
                return done;
            }
        }

        match program.as_str() {
            "cd" | "pushd" | "chdir" => {
                let operand = args.iter().find(|a| {
                    !a.as_literal()
                        .is_some_and(|t| t.starts_with('-') && t.len() > 1)
                });
                let scope = &mut self.frame_mut().scope;
                let target = match operand {
                    None => match scope.get("HOME") {
                        Value::Str(h) => Some(h),
                        _ => None,
                    },
                    Some(w) => match w.as_literal() {
                        Some(t) if t == "-" => scope.oldpwd.clone(),
                        Some(t) => paths::absolutize(&t, scope.cwd.as_deref()),
                        None => None,
                    },
                };
                scope.oldpwd = scope.cwd.clone();
                scope.cwd = target;
                return done;
            }
            "popd" => {
                self.frame_mut().scope.cwd = None;
                return done;
            }
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                let export = program == "export"
                    || args.iter().any(|a| {
                        a.as_literal()
                            .is_some_and(|t| t.starts_with('-') && t.contains('x'))
                    });
                for a in args {
                    let Some(t) = a.as_literal() else { continue };
                    if t.starts_with('-') || t.contains('=') {
                        continue;
                    }
                    if export {
                        self.frame_mut().scope.export(&t);
                    }
                }
                return done;
            }
            "unset" => {
                let functions = args.iter().any(|a| a.as_literal().as_deref() == Some("-f"));
                for a in args {
                    let Some(t) = a.as_literal() else { continue };
                    if t.starts_with('-') {
                        continue;
                    }
                    let scope = &mut self.frame_mut().scope;
                    if functions {
                        scope.functions.remove(&t);
                    } else {
                        scope.set(&t, Value::Unset);
                    }
                }
                return done;
            }
            "set" => {
                let dashdash = args
                    .iter()
                    .position(|a| a.as_literal().as_deref() == Some("--"));
                let rest = match dashdash {
                    Some(i) => Some(&args[i + 1..]),
                    None if args.first().is_some_and(|a| {
                        !a.as_literal().is_some_and(|t| t.starts_with(['-', '+']))
                    }) =>
                    {
                        Some(args)
                    }
                    None => None,
                };
                if let Some(rest) = rest {
                    self.frame_mut().scope.positional = rest.iter().map(Word::as_literal).collect();
                }
                return done;
            }
            "shift" => {
                let n = args
                    .first()
                    .and_then(Word::as_literal)
                    .and_then(|t| t.parse::<usize>().ok())
                    .unwrap_or(1);
                let scope = &mut self.frame_mut().scope;
                if let Some(p) = scope.positional.as_mut() {
                    p.drain(..n.min(p.len()));
                }
                return done;
            }
            "read" | "mapfile" | "readarray" | "getopts" => {
                let value_opts = [
                    "-a", "-d", "-i", "-n", "-N", "-p", "-t", "-u", "-C", "-c", "-O", "-s",
                ];
                let first = scan_options(args, &value_opts, |_, _| {});
                let mut names: Vec<String> =
                    args[first..].iter().filter_map(Word::as_literal).collect();
                if program == "getopts" && !names.is_empty() {
                    names.remove(0);
                }
                if let Some(i) = args
                    .iter()
                    .position(|a| a.as_literal().as_deref() == Some("-a"))
                {
                    names.extend(args.get(i + 1).and_then(Word::as_literal));
                }
                if names.is_empty() {
                    names.push(if program == "read" {
                        "REPLY".into()
                    } else {
                        "MAPFILE".into()
                    });
                }
                let producer = stdin.as_ref().map(|s| s.producer.clone());
                for n in names {
                    self.frame_mut().scope.set(
                        &n,
                        Value::Dyn(Dynamic {
                            source: format!("${n}"),
                            producer: producer.clone(),
                        }),
                    );
                }
                return done;
            }
            "printf"
                if args
                    .first()
                    .and_then(Word::as_literal)
                    .is_some_and(|t| t.starts_with("-v")) =>
            {
                let first = args.first().and_then(Word::as_literal).unwrap_or_default();
                let (var, rest) = if first == "-v" {
                    (
                        args.get(1).and_then(Word::as_literal),
                        &args[2.min(args.len())..],
                    )
                } else {
                    (Some(first[2..].to_string()), &args[1..])
                };
                if let Some(var) = var {
                    let lits: Option<Vec<String>> = rest.iter().map(Word::as_literal).collect();
                    let value = lits
                        .and_then(|a| decode::produce("printf", &a, None))
                        .map_or_else(
                            || {
                                Value::Dyn(Dynamic {
                                    source: format!("${var}"),
                                    producer: None,
                                })
                            },
                            |(t, _)| Value::Str(t),
                        );
                    self.frame_mut().scope.set(&var, value);
                }
                return Step::Done(None);
            }
            "eval" => {
                if !args.is_empty() {
                    let code = words::join_words(args.to_vec());
                    self.run_code_string(&code, "eval", Context::Eval, offset, None);
                }
                return done;
            }
            "source" | "." => {
                let Some(file) = args.first() else {
                    return done;
                };
                if let Some(producer) = procsub(file) {
                    self.code_exec(
                        &program,
                        "shell",
                        CodeSource::ProcessSubstitution,
                        Code::unknown(producer),
                        offset,
                    );
                } else if matches!(
                    file.as_literal().as_deref(),
                    Some("/dev/stdin" | "-" | "/proc/self/fd/0" | "/dev/fd/0")
                ) {
                    self.code_from_stdin(&program, "shell", stdin.as_deref(), offset);
                } else {
                    self.code_exec(
                        &program,
                        "shell",
                        CodeSource::File,
                        Code::file(file.clone()),
                        offset,
                    );
                }
                return done;
            }
            "trap" => {
                if let Some(code) = args
                    .first()
                    .filter(|a| a.as_literal().is_none_or(|t| !t.starts_with('-')))
                {
                    self.run_code_string(
                        code,
                        "trap",
                        Context::Embedded { via: "trap".into() },
                        offset,
                        None,
                    );
                }
                return done;
            }
            "busybox" | "toybox" if !args.is_empty() => {
                inv.words = args.to_vec();
                inv.wrappers.push(program);
                return Step::Continue;
            }
            "xargs" => return self.xargs(inv, &program, args),
            "find" => return self.find(inv, &program, args),
            "git" => return self.git(inv, &program, args),
            "ssh" => return self.ssh(inv, &program, args),
            "docker" | "podman" | "nerdctl" | "kubectl" | "oc" => {
                return self.container(inv, &program, args)
            }
            "tar" | "bsdtar" | "gtar" | "rsync" | "rg" => {
                return self.code_options(inv, &program, args)
            }
            "parallel" => return self.parallel(inv, &program, args),
            _ => {}
        }

        if SHELLS.contains(&program.as_str()) {
            return self.shell(inv, &program, args);
        }
        if let Some(spec) = interpreters::lookup(&program) {
            match interpreters::code_from(spec, args) {
                CodeFrom::Inline(code) => {
                    let text = code.as_literal();
                    let is_sed = spec.language == "sed";
                    if let Some(t) = &text {
                        if is_sed {
                            if !interpreters::sed_exec(t).is_empty() {
                                self.code_exec(
                                    &program,
                                    spec.language,
                                    CodeSource::Argument,
                                    Code::text(Some(t.clone()), None),
                                    offset,
                                );
                            }
                        } else {
                            self.code_exec(
                                &program,
                                spec.language,
                                CodeSource::Argument,
                                Code::text(Some(t.clone()), None),
                                offset,
                            );
                        }
                        self.embedded(&program, spec.language, t, offset);
                    } else if !is_sed {
                        self.code_exec(
                            &program,
                            spec.language,
                            CodeSource::Argument,
                            Code::unknown(producer_of(&code)),
                            offset,
                        );
                    }
                }
                CodeFrom::File(f) => {
                    if let Some(producer) = procsub(&f) {
                        self.code_exec(
                            &program,
                            spec.language,
                            CodeSource::ProcessSubstitution,
                            Code::unknown(producer),
                            offset,
                        );
                    } else if matches!(
                        f.as_literal().as_deref(),
                        Some("/dev/stdin" | "/proc/self/fd/0" | "/dev/fd/0")
                    ) {
                        self.code_from_stdin(&program, spec.language, stdin.as_deref(), offset);
                    } else if spec.language != "sed" {
                        self.code_exec(
                            &program,
                            spec.language,
                            CodeSource::File,
                            Code::file(f),
                            offset,
                        );
                    }
                }
                CodeFrom::Stdin => {
                    if spec.language != "sed" && spec.language != "awk" {
                        self.code_from_stdin(&program, spec.language, stdin.as_deref(), offset);
                    }
                }
                CodeFrom::Other => {}
            }
            return done;
        }

        if let Some(spec) = wrappers::lookup(&program, args) {
            let u = wrappers::unwrap(spec, args);
            if u.inert {
                return done;
            }
            for s in &u.shell {
                self.run_code_string(
                    s,
                    &program,
                    Context::ShellString {
                        via: program.clone(),
                    },
                    offset,
                    None,
                );
            }
            if let Some(dir) = &u.chdir {
                let base = inv
                    .cwd
                    .clone()
                    .unwrap_or_else(|| self.frame().scope.cwd.clone());
                inv.cwd = Some(
                    dir.as_literal()
                        .and_then(|d| paths::absolutize(&d, base.as_deref())),
                );
            }
            if u.command.is_empty() {
                return done;
            }
            inv.assigns.extend(
                u.assignments
                    .into_iter()
                    .map(|(name, value)| Assignment { name, value }),
            );
            self.code_env(&inv.assigns.clone(), offset);
            inv.words = u.command;
            if matches!(program.as_str(), "command" | "builtin" | "exec") {
                inv.no_functions = program != "exec";
            }
            inv.wrappers.push(program);
            return Step::Continue;
        }
        done
    }

    fn shell(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let offset = inv.offset;
        let mut has_c = false;
        let mut reads_stdin = false;
        let mut i = 0;
        while i < args.len() {
            let Some(t) = args[i].as_literal() else { break };
            if t == "--" || t == "-" {
                i += 1;
                if t == "-" {
                    reads_stdin = true;
                }
                break;
            }
            if !(t.starts_with('-') || t.starts_with('+')) || t.len() < 2 {
                break;
            }
            if t.starts_with("--") {
                if matches!(t.as_str(), "--rcfile" | "--init-file") {
                    i += 1;
                }
                i += 1;
                continue;
            }
            let mut takes_value = false;
            for c in t.chars().skip(1) {
                match c {
                    'c' => has_c = true,
                    's' => reads_stdin = true,
                    'o' | 'O' => takes_value = true,
                    _ => {}
                }
            }
            i += if takes_value { 2 } else { 1 };
        }
        let operands = &args[i.min(args.len())..];
        let stdin = inv.stdin.clone();
        if has_c {
            if let Some(code) = operands.first() {
                let positional: Option<Vec<String>> =
                    operands.get(2..).map_or(Some(Vec::new()), |p| {
                        p.iter().map(Word::as_literal).collect()
                    });
                let arg0 = operands.get(1).and_then(Word::as_literal);
                self.run_code_string(
                    code,
                    program,
                    Context::ShellString {
                        via: program.to_string(),
                    },
                    offset,
                    Some(ShellArgs { arg0, positional }),
                );
            }
        } else if reads_stdin || operands.is_empty() {
            self.code_from_stdin(program, "shell", stdin.as_deref(), offset);
        } else if let Some(producer) = procsub(&operands[0]) {
            self.code_exec(
                program,
                "shell",
                CodeSource::ProcessSubstitution,
                Code::unknown(producer),
                offset,
            );
        } else if matches!(
            operands[0].as_literal().as_deref(),
            Some("/dev/stdin" | "/proc/self/fd/0" | "/dev/fd/0")
        ) {
            self.code_from_stdin(program, "shell", stdin.as_deref(), offset);
        } else {
            self.code_exec(
                program,
                "shell",
                CodeSource::File,
                Code::file(operands[0].clone()),
                offset,
            );
        }
        self.done(program, args)
    }

    fn xargs(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        // The option syntax (which options take values) comes from the program table.
        let parsed = crate::programs::parse("xargs", args);
        let mut replace: Option<String> = None;
        let mut null = false;
        let mut chunk = 0usize;
        for f in &parsed.flags {
            let value = f.value.as_ref().and_then(Word::as_literal);
            match f.name.as_str() {
                "-I" => replace = value,
                "-i" | "--replace" => replace = Some(value.unwrap_or_else(|| "{}".into())),
                "-n" | "--max-args" | "-L" | "--max-lines" | "-l" => {
                    chunk = value.and_then(|v| v.parse().ok()).unwrap_or(0)
                }
                "-0" | "--null" => null = true,
                _ => {}
            }
        }
        let mut cmd: Vec<Word> = parsed.operands.clone();
        if cmd.is_empty() {
            cmd.push(Word::literal("echo"));
        }
        let stdin = inv.stdin.clone();
        let known_items: Option<Vec<String>> =
            stdin.as_ref().and_then(|s| s.text.clone()).map(|t| {
                if null {
                    t.split('\0')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                } else if replace.is_some() {
                    t.lines()
                        .filter(|s| !s.trim().is_empty())
                        .map(str::to_string)
                        .collect()
                } else {
                    t.split_whitespace().map(str::to_string).collect()
                }
            });
        let producer = stdin.as_ref().map(|s| s.producer.clone());
        let dynamic_item = Word::dynamic("(xargs input)", producer);
        let (runs, trailing) = fan_out(&cmd, known_items, replace.as_deref(), chunk, &dynamic_item);
        self.push_fan_out(inv, program, runs, trailing);
        Step::Done(None)
    }

    /// Pushes the invocations of a command template, first one first.
    fn push_fan_out(
        &mut self,
        inv: &Invocation,
        program: &str,
        runs: Vec<Vec<Word>>,
        trailing: bool,
    ) {
        for words in runs.into_iter().rev() {
            let mut sub = self.sub_invocation(inv, program, words);
            sub.trailing_dynamic = trailing;
            self.push_invocation(sub, Enter::new(Join::Isolated, None));
        }
    }

    /// GNU parallel: `parallel [options] command [:::: files | ::: args]`; without
    /// `:::` the arguments come from stdin. A one-word command with blanks is a
    /// shell string; `{}` is replaced by each argument, else arguments are appended.
    fn parallel(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let done = self.done(program, args);
        let sep = args.iter().position(|a| {
            matches!(
                a.as_literal().as_deref(),
                Some(":::" | "::::" | ":::+" | "::::+")
            )
        });
        let end = sep.unwrap_or(args.len());
        let value_opts = [
            "-j",
            "--jobs",
            "-S",
            "--sshlogin",
            "--joblog",
            "--results",
            "-a",
            "--arg-file",
            "--delay",
            "--timeout",
            "-n",
            "--max-args",
            "-d",
            "--delimiter",
            "-I",
            "--colsep",
            "-C",
            "--tag-string",
            "--workdir",
            "--wd",
            "-E",
            "--halt",
            "--memfree",
            "--load",
            "--retries",
            "--tmpdir",
            "--tempdir",
            "-X",
        ];
        let mut replace = "{}".to_string();
        let first = scan_options(&args[..end], &value_opts, |opt, v| {
            if let ("-I", Some(v)) = (opt, v) {
                replace = v.as_literal().unwrap_or_else(|| "{}".into());
            }
        });
        let cmd: Vec<Word> = args[first.min(end)..end].to_vec();
        if cmd.is_empty() {
            return done;
        }
        let items: Option<Vec<String>> = match sep {
            Some(i)
                if args[i]
                    .as_literal()
                    .as_deref()
                    .is_some_and(|s| s.starts_with(":::") && !s.starts_with("::::")) =>
            {
                args[i + 1..]
                    .iter()
                    .take_while(|a| !a.as_literal().is_some_and(|t| t.starts_with(":::")))
                    .map(Word::as_literal)
                    .collect()
            }
            Some(_) => None,
            None => inv.stdin.as_ref().and_then(|s| s.text.clone()).map(|t| {
                t.lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
        };
        let producer = inv
            .stdin
            .as_ref()
            .map(|s| s.producer.clone())
            .filter(|_| sep.is_none());
        let unknown = Word::dynamic("(parallel input)", producer);
        let uses_replace = cmd.iter().any(|w| w.text().contains(&replace));
        let (runs, trailing) = fan_out(
            &cmd,
            items,
            uses_replace.then_some(replace.as_str()),
            1,
            &unknown,
        );
        if cmd.len() == 1 && cmd[0].text().contains(' ') {
            for run in runs.into_iter().rev() {
                let code = words::join_words(run);
                self.run_code_string(
                    &code,
                    "parallel",
                    Context::ShellString {
                        via: "parallel".into(),
                    },
                    inv.offset,
                    None,
                );
            }
            return done;
        }
        self.push_fan_out(inv, program, runs, trailing);
        done
    }

    fn find(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let offset = inv.offset;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_literal().as_deref() {
                Some("-H" | "-L" | "-P") => i += 1,
                Some("-D" | "-O") => i += 2,
                Some(t) if t.starts_with("-O") => i += 1,
                _ => break,
            }
        }
        let mut starts = Vec::new();
        while i < args.len() {
            let is_expr = args[i]
                .as_literal()
                .is_some_and(|t| t.starts_with('-') || matches!(t.as_str(), "(" | "!" | "," | ")"));
            if is_expr {
                break;
            }
            starts.push(args[i].clone());
            i += 1;
        }
        if starts.is_empty() {
            starts.push(Word::literal("."));
        }
        let found = Word::dynamic("{}", Some("find".into()));
        let mut execs = Vec::new();
        while i < args.len() {
            let t = args[i].as_literal().unwrap_or_default();
            i += 1;
            match t.as_str() {
                "-exec" | "-execdir" | "-ok" | "-okdir" => {
                    let mut cmd = Vec::new();
                    let mut plus = false;
                    while i < args.len() {
                        let a = args[i].as_literal();
                        i += 1;
                        match a.as_deref() {
                            Some(";") => break,
                            Some("+") if cmd.last().is_some_and(|w: &Word| w.text() == "{}") => {
                                plus = true;
                                break;
                            }
                            _ => cmd.push(replace_in_word(&args[i - 1], "{}", &found)),
                        }
                    }
                    if !cmd.is_empty() {
                        let mut sub = self.sub_invocation(inv, program, cmd);
                        sub.trailing_dynamic = plus;
                        execs.push(sub);
                    }
                }
                "-delete" => {
                    for s in &starts {
                        let a = self.file_access(s.clone(), true, "find -delete".into(), offset);
                        self.push_action(Action::FileDelete(a));
                    }
                }
                "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                    if let Some(f) = args.get(i) {
                        let a = self.file_access(f.clone(), false, format!("find {t}"), offset);
                        self.push_action(Action::FileWrite(a));
                    }
                    i += 1;
                }
                _ => {}
            }
        }
        // Blocks run in stack order: push the last -exec first.
        for sub in execs.into_iter().rev() {
            self.push_invocation(sub, Enter::new(Join::Isolated, None));
        }
        self.done(program, args)
    }

    fn git(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let offset = inv.offset;
        let value_opts = [
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "--namespace",
            "--super-prefix",
            "--config-env",
            "--exec-path",
            "--list-cmds",
            "--attr-source",
        ];
        let mut configs: Vec<Word> = Vec::new();
        let mut chdir: Vec<Word> = Vec::new();
        let first = scan_options(args, &value_opts, |opt, value| {
            if let Some(v) = value {
                match opt {
                    "-c" => configs.push(v.clone()),
                    "-C" => chdir.push(v.clone()),
                    _ => {}
                }
            }
        });
        for d in chdir {
            let base = inv
                .cwd
                .clone()
                .unwrap_or_else(|| self.frame().scope.cwd.clone());
            inv.cwd = Some(
                d.as_literal()
                    .and_then(|d| paths::absolutize(&d, base.as_deref())),
            );
        }
        let sub = args
            .get(first)
            .and_then(Word::as_literal)
            .unwrap_or_default();
        let rest = &args[(first + 1).min(args.len())..];
        for c in &configs {
            let text = c.text();
            let Some((key, _)) = text.split_once('=') else {
                continue;
            };
            if !git_code_key(key) {
                continue;
            }
            let value = split_word_at(c, key.len() + 1);
            self.git_code(&value, key, sub.as_str(), offset);
        }
        match sub.as_str() {
            "config" => {
                let operands: Vec<&Word> = rest
                    .iter()
                    .filter(|w| !w.as_literal().is_some_and(|t| t.starts_with('-')))
                    .collect();
                if let [key, value, ..] = operands.as_slice() {
                    if let Some(k) = key.as_literal() {
                        if git_code_key(&k) {
                            self.git_code(value, &k, "", offset);
                        }
                    }
                }
            }
            "rebase" => {
                let _ = scan_options(
                    rest,
                    &[
                        "-x",
                        "--exec",
                        "-s",
                        "--strategy",
                        "-X",
                        "--strategy-option",
                        "--onto",
                        "-S",
                        "--gpg-sign",
                    ],
                    |opt, v| {
                        if let (Some(v), "-x" | "--exec") = (v, opt) {
                            self.run_code_string(
                                v,
                                "git rebase --exec",
                                Context::Embedded {
                                    via: "git rebase --exec".into(),
                                },
                                offset,
                                None,
                            );
                        }
                    },
                );
            }
            "filter-branch" => {
                let mut k = 0;
                while k < rest.len() {
                    let t = rest[k].as_literal().unwrap_or_default();
                    if t.starts_with("--") && t.ends_with("-filter") || t == "--setup" {
                        if let Some(v) = rest.get(k + 1) {
                            self.run_code_string(
                                v,
                                "git filter-branch",
                                Context::Embedded {
                                    via: format!("git filter-branch {t}"),
                                },
                                offset,
                                None,
                            );
                        }
                        k += 1;
                    }
                    k += 1;
                }
            }
            "submodule"
                if rest
                    .iter()
                    .any(|w| w.as_literal().as_deref() == Some("foreach")) =>
            {
                let pos = rest
                    .iter()
                    .position(|w| w.as_literal().as_deref() == Some("foreach"))
                    .unwrap_or(0);
                let cmd: Vec<Word> = rest[pos + 1..]
                    .iter()
                    .filter(|w| w.as_literal().as_deref() != Some("--recursive"))
                    .cloned()
                    .collect();
                if !cmd.is_empty() {
                    let code = words::join_words(cmd);
                    self.run_code_string(
                        &code,
                        "git submodule foreach",
                        Context::Embedded {
                            via: "git submodule foreach".into(),
                        },
                        offset,
                        None,
                    );
                }
            }
            "bisect"
                if rest.first().and_then(Word::as_literal).as_deref() == Some("run")
                    && rest.len() > 1 =>
            {
                let s = self.sub_invocation(inv, program, rest[1..].to_vec());
                self.push_invocation(s, Enter::new(Join::Isolated, None));
            }
            _ => {}
        }
        self.done(program, args)
    }

    fn git_code(&mut self, value: &Word, key: &str, sub: &str, offset: usize) {
        let key_l = key.to_ascii_lowercase();
        let via = format!("git {key_l}");
        let mut code = value.clone();
        if key_l.starts_with("alias.") {
            // Only `!` aliases run shell code; others are git subcommands.
            let text = value.text();
            if !text.starts_with('!') {
                return;
            }
            code = split_word_at(value, 1);
            let _ = sub;
        }
        // Boolean values of keys like core.fsmonitor select git's built-in behaviour.
        if matches!(
            value
                .as_literal()
                .map(|v| v.to_ascii_lowercase())
                .as_deref(),
            Some("true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0" | "")
        ) {
            return;
        }
        if key_l == "core.hookspath" {
            self.code_exec("git", "shell", CodeSource::Option, Code::file(code), offset);
            return;
        }
        self.code_exec(
            "git",
            "shell",
            CodeSource::Option,
            Code::text(code.as_literal(), producer_of(&code)),
            offset,
        );
        self.run_code_string(&code, "git", Context::Embedded { via }, offset, None);
    }

    fn ssh(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let offset = inv.offset;
        // The option syntax comes from the program table: operands are the host, then the command.
        let parsed = crate::programs::parse("ssh", args);
        let mut local_code: Vec<(String, Word)> = Vec::new();
        for f in parsed.flags.iter().filter(|f| f.name == "-o") {
            let Some(v) = &f.value else { continue };
            let text = v.text();
            let (k, rest) = text.split_once(['=', ' ']).unwrap_or((&text, ""));
            let k = k.to_ascii_lowercase();
            if matches!(
                k.as_str(),
                "proxycommand" | "localcommand" | "knownhostscommand" | "remotecommand"
            ) {
                local_code.push((k, split_word_at(v, text.len() - rest.len())));
            }
        }
        for (k, code) in local_code {
            self.run_code_string(
                &code,
                "ssh",
                Context::Embedded {
                    via: format!("ssh -o {k}"),
                },
                offset,
                None,
            );
        }
        let Some((host, cmd)) = parsed.operands.split_first() else {
            return Step::Done(None);
        };
        let host_text = host.text();
        if !cmd.is_empty() {
            let code = words::join_words(cmd.to_vec());
            let mut e = Enter::new(Join::Isolated, Some(Context::Remote { host: host_text }));
            e.scope = ScopeInit::Foreign;
            if code.as_literal().is_none() {
                self.code_exec(
                    "ssh",
                    "shell",
                    CodeSource::Argument,
                    Code::unknown(producer_of(&code)),
                    offset,
                );
            }
            self.push_script(code.text(), offset, e);
        } else if let Some(s) = inv.stdin.as_ref().and_then(|s| s.text.clone()) {
            let mut e = Enter::new(Join::Isolated, Some(Context::Remote { host: host_text }));
            e.scope = ScopeInit::Foreign;
            self.push_script(s, offset, e);
        }
        self.done(program, args)
    }

    /// `docker|podman|nerdctl exec|run|create … TARGET CMD…` and `kubectl|oc exec … POD -- CMD…`:
    /// the option syntax comes from the program table.
    fn container(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let done = self.done(program, args);
        let parsed = crate::programs::parse(program, args);
        let sub = parsed
            .subcommand
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        let runs_command = match program {
            "kubectl" | "oc" => sub == "exec",
            _ => matches!(sub, "exec" | "run" | "create"),
        };
        if !runs_command {
            return done;
        }
        let Some(target) = parsed.operands.first().cloned() else {
            return done;
        };
        // kubectl's command follows `--`; docker's follows the target.
        let from = match (program, parsed.dashdash_at) {
            ("kubectl" | "oc", Some(at)) => at,
            ("kubectl" | "oc", None) => return done,
            _ => 1,
        };
        let cmd: Vec<Word> = parsed
            .operands
            .get(from..)
            .map(<[Word]>::to_vec)
            .unwrap_or_default();
        if cmd.is_empty() {
            return done;
        }
        let s = self.sub_invocation(inv, program, cmd);
        let mut e = Enter::new(
            Join::Isolated,
            Some(Context::Container {
                via: program.to_string(),
                target: target.text(),
            }),
        );
        e.scope = ScopeInit::Foreign;
        self.push_invocation(s, e);
        done
    }

    /// Programs with options whose values are commands or code.
    fn code_options(&mut self, inv: &mut Invocation, program: &str, args: &[Word]) -> Step {
        let offset = inv.offset;
        let mut i = 0;
        while i < args.len() {
            let w = &args[i];
            let t = w.as_literal().unwrap_or_default();
            i += 1;
            let (opt, inline) = match t.split_once('=') {
                Some((o, _)) if o.starts_with("--") => {
                    (o.to_string(), Some(split_word_at(w, o.len() + 1)))
                }
                _ => (t.clone(), None),
            };
            let value = |i: &mut usize| -> Option<Word> {
                inline.clone().or_else(|| {
                    let v = args.get(*i).cloned();
                    *i += 1;
                    v
                })
            };
            match (program, opt.as_str()) {
                ("tar" | "bsdtar" | "gtar", "--checkpoint-action") => {
                    if let Some(v) = value(&mut i) {
                        let text = v.text();
                        if let Some(pos) = text.find("exec=") {
                            let code = split_word_at(&v, pos + 5);
                            self.run_code_string(
                                &code,
                                "tar",
                                Context::Embedded {
                                    via: "tar --checkpoint-action=exec".into(),
                                },
                                offset,
                                None,
                            );
                        }
                    }
                }
                (
                    "tar" | "bsdtar" | "gtar",
                    "--to-command"
                    | "--info-script"
                    | "--new-volume-script"
                    | "--use-compress-program"
                    | "-I"
                    | "-F",
                ) => {
                    if let Some(v) = value(&mut i) {
                        self.run_code_string(
                            &v,
                            "tar",
                            Context::Embedded {
                                via: format!("tar {opt}"),
                            },
                            offset,
                            None,
                        );
                    }
                }
                ("rsync", "-e" | "--rsh" | "--rsync-path") => {
                    if let Some(v) = value(&mut i) {
                        self.run_code_string(
                            &v,
                            "rsync",
                            Context::Embedded {
                                via: format!("rsync {opt}"),
                            },
                            offset,
                            None,
                        );
                    }
                }
                ("rg", "--pre") => {
                    if let Some(v) = value(&mut i) {
                        let mut s = self.sub_invocation(inv, program, vec![v]);
                        s.trailing_dynamic = true;
                        self.push_invocation(
                            s,
                            Enter::new(
                                Join::Isolated,
                                Some(Context::Embedded {
                                    via: "rg --pre".into(),
                                }),
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        self.done(program, args)
    }
}

/// Most invocations a command template fans out to (`xargs`, `parallel`); past it
/// one invocation with an unknown argument stands for all.
const MAX_FAN_OUT: usize = 16;

/// The invocations of a command template for its input items: with a
/// replacement string (`-I {}`), one per item with the string replaced;
/// otherwise the items appended, `chunk` at a time (0: all at once). Unknown
/// items give one invocation with the replacement unknown, or (second value)
/// trailing arguments that are unknown.
fn fan_out(
    cmd: &[Word],
    items: Option<Vec<String>>,
    replace: Option<&str>,
    chunk: usize,
    unknown: &Word,
) -> (Vec<Vec<Word>>, bool) {
    match (replace, items) {
        (Some(r), Some(items)) if items.len() <= MAX_FAN_OUT => {
            let runs = items
                .iter()
                .map(|item| {
                    cmd.iter()
                        .map(|w| replace_in_word(w, r, &Word::literal(item.clone())))
                        .collect()
                })
                .collect();
            (runs, false)
        }
        (Some(r), _) => (
            vec![cmd.iter().map(|w| replace_in_word(w, r, unknown)).collect()],
            false,
        ),
        (None, Some(items)) => {
            let size = if chunk == 0 {
                items.len().max(1)
            } else {
                chunk
            };
            if items.len().div_ceil(size) > MAX_FAN_OUT {
                return (vec![cmd.to_vec()], true);
            }
            let mut runs: Vec<Vec<Word>> = items
                .chunks(size)
                .map(|c| {
                    cmd.iter()
                        .cloned()
                        .chain(c.iter().cloned().map(Word::literal))
                        .collect()
                })
                .collect();
            if runs.is_empty() {
                runs.push(cmd.to_vec());
            }
            (runs, false)
        }
        (None, None) => (vec![cmd.to_vec()], true),
    }
}

/// Replaces every occurrence of `pat` in the literal parts of `w` by `with`.
fn replace_in_word(w: &Word, pat: &str, with: &Word) -> Word {
    if pat.is_empty() || !w.text().contains(pat) {
        return w.clone();
    }
    let mut out = Word {
        parts: Vec::new(),
        glob: w.glob,
    };
    for p in &w.parts {
        match p {
            WordPart::Literal(s) => {
                let mut pieces = s.split(pat).peekable();
                while let Some(piece) = pieces.next() {
                    if !piece.is_empty() {
                        out.parts.push(WordPart::Literal(piece.to_string()));
                    }
                    if pieces.peek().is_some() {
                        out.parts.extend(with.parts.iter().cloned());
                    }
                }
            }
            d => out.parts.push(d.clone()),
        }
    }
    merge_literals(out)
}

fn merge_literals(w: Word) -> Word {
    let mut parts: Vec<WordPart> = Vec::new();
    for p in w.parts {
        match (parts.last_mut(), p) {
            (Some(WordPart::Literal(a)), WordPart::Literal(b)) => a.push_str(&b),
            (_, p) => parts.push(p),
        }
    }
    Word {
        parts,
        glob: w.glob,
    }
}

/// The part of `w` after the first `at` bytes of its text (dynamic parts count by their source).
fn split_word_at(w: &Word, at: usize) -> Word {
    let mut out = Word::default();
    let mut pos = 0;
    for p in &w.parts {
        let len = match p {
            WordPart::Literal(s) => s.len(),
            WordPart::Dynamic(d) => d.source.len(),
        };
        if pos + len <= at {
            pos += len;
            continue;
        }
        match p {
            WordPart::Literal(s) => {
                let from = at.saturating_sub(pos);
                if let Some(rest) = s.get(from..) {
                    out.parts.push(WordPart::Literal(rest.to_string()));
                }
            }
            d => out.parts.push(d.clone()),
        }
        pos += len;
    }
    merge_literals(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_keys() {
        assert!(git_code_key("core.pager"));
        assert!(git_code_key("core.sshCommand"));
        assert!(git_code_key("alias.x"));
        assert!(git_code_key("filter.lfs.smudge"));
        assert!(!git_code_key("color.ui"));
        assert!(!git_code_key("user.name"));
    }

    #[test]
    fn word_surgery() {
        let w = Word::literal("x{}y{}");
        let r = replace_in_word(&w, "{}", &Word::dynamic("{}", None));
        assert_eq!(r.parts.len(), 4);
        assert_eq!(
            split_word_at(&Word::literal("core.pager=less"), 11).text(),
            "less"
        );
    }
}
