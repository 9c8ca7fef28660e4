//! The iterative walker: statements → simple commands, with an explicit task
//! stack instead of recursion, so hostile nesting cannot overflow the stack.
//!
//! Every construct that changes the execution context (subshells, pipeline
//! stages, substitutions, `bash -c` strings, function calls, branches) is a
//! *block*: an `Enter` task, the body, and a `Leave` task. `Enter` pushes a
//! [`Frame`] (scope, contexts, stdin, depth); `Leave` pops it and decides what
//! happens to the variables the body set: discarded (subshell), kept (group,
//! function), or joined (a branch that may not have run: differing values
//! become unknown).

use std::rc::Rc;

/// How far [`Walker::last_command`] descends through nested lists and
/// pipelines (each step is one level; the walk is a loop, not recursion).
const MAX_LAST_COMMAND_DESCENT: usize = 1024;

use tree_sitter::Node;
use typed_arena::Arena;

use crate::action::{Action, Context, Dynamic, Opaque, OpaqueReason, Origin, Word};
use crate::options::ShellOptions;
use crate::shell::parse::Source;
use crate::shell::scope::{Scope, Value};
use crate::shell::words::{self, Mode};

/// What a pipeline stage (or a here-document, or a file) feeds a command's stdin.
#[derive(Debug, Clone)]
pub(crate) struct Stdin {
    /// The text, when known statically.
    pub text: Option<String>,
    /// The producing program or `heredoc` / `here-string` / `file`.
    pub producer: String,
    /// Decoding steps applied on the way (`base64 -d`, `rev`).
    pub decoders: Vec<String>,
    /// The file, for `< path`.
    pub file: Option<Word>,
}

/// What happens to a block's variables when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Join {
    /// Changes are discarded (subshell, substitution, pipeline stage, child shell).
    Isolated,
    /// Changes persist (group, function body, `eval`).
    Shared,
    /// The block may not have run: differing values become unknown.
    Conditional,
}

/// How a block's scope starts.
pub(crate) enum ScopeInit<'a> {
    /// A copy of the current scope.
    Inherit,
    /// A child shell's scope with these positional parameters.
    Child(Option<Vec<String>>),
    /// A shell elsewhere (remote host, container): nothing known.
    Foreign,
    /// A given scope.
    Given(Box<Scope<'a>>),
}

/// How a block's stdin starts.
pub(crate) enum StdinInit {
    /// Same as the enclosing frame.
    Inherit,
    /// Replaced.
    Set(Option<Rc<Stdin>>),
    /// The output of the previous pipeline stage.
    FromPipe,
}

/// The description of a block's frame.
pub(crate) struct Enter<'a> {
    pub ctx: Option<Context>,
    pub join: Join,
    pub scope: ScopeInit<'a>,
    pub stdin: StdinInit,
    pub to_pipe: Option<bool>,
    pub wrappers: Option<Vec<String>>,
    pub function: Option<String>,
}

impl<'a> Enter<'a> {
    pub fn new(join: Join, ctx: Option<Context>) -> Enter<'a> {
        Enter {
            ctx,
            join,
            scope: ScopeInit::Inherit,
            stdin: StdinInit::Inherit,
            to_pipe: None,
            wrappers: None,
            function: None,
        }
    }
}

/// One execution context.
pub(crate) struct Frame<'a> {
    pub scope: Scope<'a>,
    pub ctx: Rc<Vec<Context>>,
    pub wrappers: Rc<Vec<String>>,
    pub stdin: Option<Rc<Stdin>>,
    pub to_pipe: bool,
    pub join: Join,
    pub depth: usize,
    pub functions: Rc<Vec<String>>,
}

/// An expanded assignment value.
#[derive(Debug, Clone)]
pub(crate) enum AssignValue {
    Scalar(Word),
    Array(Vec<Word>),
}

/// An expanded assignment.
#[derive(Debug, Clone)]
pub(crate) struct PendingAssign {
    pub name: String,
    pub value: AssignValue,
    pub append: bool,
}

/// An expanded redirection.
#[derive(Debug, Clone)]
pub(crate) struct PendingRedirect {
    pub fd: Option<u32>,
    pub op: String,
    pub target: Word,
    /// For here-documents and here-strings: the body (text when fully known).
    pub here: Option<Option<String>>,
}

/// A simple command whose words are expanded, waiting for its substitutions to run.
pub(crate) struct Pending {
    pub words: Vec<Word>,
    pub assigns: Vec<PendingAssign>,
    pub redirects: Vec<PendingRedirect>,
    pub offset: usize,
    /// The command came from a declaration keyword (`export`, `local`, ...).
    pub declaration: bool,
}

/// A substitution body found while expanding words.
pub(crate) struct Sub<'a> {
    pub ctx: Context,
    pub src: &'a Source,
    pub nodes: Vec<Node<'a>>,
}

/// A task on the walker's stack.
pub(crate) enum Task<'a> {
    Stmt(Node<'a>, &'a Source),
    /// The stages of one pipeline (see `Walker::chain`).
    Stages(Vec<Node<'a>>, &'a Source),
    /// A statement read by the simple-subset lexer.
    Simple(crate::shell::simple_walk::SimpleStmt<'a>, &'a Source),
    Enter(Box<Enter<'a>>),
    Leave,
    Emit(Box<Pending>),
    Assign(String, Value),
    /// Starts a pipeline: forget the previous stage's output.
    PipeReset,
    /// Analyses a prepared invocation (the command under `xargs`, `find -exec`, ...).
    Invoke(Box<crate::shell::command::Invocation>),
    /// Restores the positional parameters after a function call.
    SetPositional(Option<Vec<String>>),
}

/// The output of the current pipeline stage so far.
#[derive(Debug, Clone)]
pub(crate) struct PipeOut {
    pub text: Option<String>,
    pub producer: String,
    pub decoders: Vec<String>,
}

/// The walker.
pub(crate) struct Walker<'a> {
    pub opts: &'a ShellOptions,
    pub arena: &'a Arena<Source>,
    pub tasks: Vec<Task<'a>>,
    pub frames: Vec<Frame<'a>>,
    pub out: Vec<Action>,
    pub work: usize,
    pub stopped: bool,
    pub pending: Vec<Sub<'a>>,
    pub pipe_out: Option<PipeOut>,
    /// Inside a static evaluation: substitutions are not registered and make the evaluation fail.
    pub static_mode: bool,
    pub static_failed: bool,
    /// Redirections of a command that is the first stage of a here-document pipeline.
    pub redirect_owner: Vec<(Node<'a>, Vec<Node<'a>>)>,
    /// Words after a redirection target that are really arguments (see `expand_redirects`).
    pub extra_args: Vec<Word>,
    /// Descriptor numbers tree-sitter gave as arguments, by redirection start byte.
    pub fd_hints: Vec<(usize, u32)>,
    /// The invocation being analysed writes into a pipe: its last program
    /// and arguments are kept for the next stage (see `Walker::invoke`).
    pub keep_last: bool,
}

const STATEMENT_KINDS: &[&str] = &[
    "command",
    "pipeline",
    "list",
    "subshell",
    "compound_statement",
    "redirected_statement",
    "variable_assignment",
    "variable_assignments",
    "declaration_command",
    "unset_command",
    "negated_command",
    "if_statement",
    "while_statement",
    "for_statement",
    "c_style_for_statement",
    "case_statement",
    "function_definition",
    "test_command",
    "program",
    "ERROR",
];

fn is_statement(node: Node<'_>) -> bool {
    STATEMENT_KINDS.contains(&node.kind())
}

/// The blanks of a gap made only of backslash-escaped blanks (`\ \ `); `None`
/// for any other gap. An empty gap gives an empty list.
fn escaped_blanks(gap: &str) -> Option<Vec<char>> {
    let mut out = Vec::new();
    let mut chars = gap.chars();
    while let Some(c) = chars.next() {
        match (c, chars.next()) {
            ('\\', Some(b @ (' ' | '\t'))) => out.push(b),
            _ => return None,
        }
    }
    Some(out)
}

/// The escaped blanks in a gap of blanks between two words: those glued to the
/// previous word, free-standing words made only of escaped blanks, and those
/// glued to the next word. `None` when the gap holds anything else.
struct BlankGap {
    prev: Vec<char>,
    free: Vec<Vec<char>>,
    next: Vec<char>,
}

fn blank_gap(gap: &str) -> Option<BlankGap> {
    let mut segments: Vec<Vec<char>> = vec![Vec::new()];
    let mut chars = gap.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ (' ' | '\t')) => segments.last_mut()?.push(b),
                _ => return None,
            },
            ' ' | '\t' => segments.push(Vec::new()),
            _ => return None,
        }
    }
    if segments.len() == 1 {
        // No unescaped blank: the words are joined (see `escaped_blanks`).
        return Some(BlankGap {
            prev: Vec::new(),
            free: Vec::new(),
            next: Vec::new(),
        });
    }
    let next = segments.pop().unwrap_or_default();
    let prev = if segments.is_empty() {
        Vec::new()
    } else {
        segments.remove(0)
    };
    let free = segments.into_iter().filter(|s| !s.is_empty()).collect();
    Some(BlankGap { prev, free, next })
}

/// Shortens text for messages and dynamic sources.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl<'a> Walker<'a> {
    /// Normalizes `command`.
    pub fn run(command: &str, opts: &ShellOptions) -> Vec<Action> {
        let arena = Arena::new();
        let mut w = Walker {
            opts,
            arena: &arena,
            tasks: Vec::new(),
            frames: vec![Frame {
                scope: Scope::new(opts),
                ctx: Rc::new(Vec::new()),
                wrappers: Rc::new(Vec::new()),
                stdin: None,
                to_pipe: false,
                join: Join::Shared,
                depth: 0,
                functions: Rc::new(Vec::new()),
            }],
            out: Vec::new(),
            work: 0,
            stopped: false,
            pending: Vec::new(),
            pipe_out: None,
            static_mode: false,
            static_failed: false,
            redirect_owner: Vec::new(),
            extra_args: Vec::new(),
            keep_last: false,
            fd_hints: Vec::new(),
        };
        if command.len() > opts.limits.max_bytes {
            w.opaque(
                OpaqueReason::TooLarge,
                format!(
                    "command is {} bytes, more than the limit of {} bytes",
                    command.len(),
                    opts.limits.max_bytes
                ),
                0,
            );
            return w.out;
        }
        w.push_script(command.to_string(), 0, Enter::new(Join::Shared, None));
        w.drive();
        w.out
    }

    fn drive(&mut self) {
        while let Some(task) = self.tasks.pop() {
            if self.stopped {
                break;
            }
            if !self.charge(1) {
                break;
            }
            match task {
                Task::Stmt(node, src) => self.stmt(node, src),
                Task::Simple(stmt, src) => self.simple_stmt(stmt, src),
                Task::Stages(nodes, src) => {
                    let stages = nodes.into_iter().map(|n| Task::Stmt(n, src)).collect();
                    self.pipeline_stages(stages);
                }
                Task::Enter(e) => self.enter(*e),
                Task::Leave => self.leave(),
                Task::Emit(p) => self.emit(*p),
                Task::Assign(name, value) => self.frame_mut().scope.set(&name, value),
                Task::PipeReset => self.pipe_out = None,
                Task::Invoke(inv) => self.invoke(*inv, true),
                Task::SetPositional(p) => self.frame_mut().scope.positional = p,
            }
        }
    }

    /// Spends `n` units of the work budget; false (and an opaque action) when exhausted.
    pub(crate) fn charge(&mut self, n: usize) -> bool {
        if self.stopped {
            return false;
        }
        self.work += n;
        if self.work > self.opts.limits.max_work {
            self.stop(
                OpaqueReason::BudgetExhausted,
                format!(
                    "the command needs more than {} units of analysis work",
                    self.opts.limits.max_work
                ),
            );
            return false;
        }
        true
    }

    fn stop(&mut self, reason: OpaqueReason, detail: String) {
        if !self.stopped {
            self.stopped = true;
            let origin = self.origin(0);
            self.out.push(Action::Opaque(Opaque {
                reason,
                detail,
                origin,
            }));
            self.tasks.clear();
        }
    }

    pub(crate) fn frame(&self) -> &Frame<'a> {
        // The frame stack is never empty: the root frame is never left.
        &self.frames[self.frames.len() - 1]
    }

    pub(crate) fn frame_mut(&mut self) -> &mut Frame<'a> {
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    /// The origin of an action at `offset` in the current frame.
    pub(crate) fn origin(&self, offset: usize) -> Origin {
        let f = self.frame();
        Origin {
            context: f.ctx.as_ref().clone(),
            wrappers: f.wrappers.as_ref().clone(),
            cwd: f.scope.cwd.clone(),
            offset,
        }
    }

    /// Adds an action (bounded by the action limit).
    pub(crate) fn push_action(&mut self, action: Action) {
        if self.stopped {
            return;
        }
        if self.out.len() >= self.opts.limits.max_actions {
            self.stop(
                OpaqueReason::BudgetExhausted,
                format!(
                    "the command yields more than {} actions",
                    self.opts.limits.max_actions
                ),
            );
            return;
        }
        self.out.push(action);
    }

    pub(crate) fn opaque(&mut self, reason: OpaqueReason, detail: String, offset: usize) {
        let origin = self.origin(offset);
        self.push_action(Action::Opaque(Opaque {
            reason,
            detail,
            origin,
        }));
    }

    /// Pushes a block: `Enter`, the body tasks (run in order), `Leave`.
    /// The depth limit is checked when the block is entered.
    pub(crate) fn push_block(&mut self, enter: Enter<'a>, body: Vec<Task<'a>>) {
        self.tasks.push(Task::Leave);
        self.tasks.extend(body.into_iter().rev());
        self.tasks.push(Task::Enter(Box::new(enter)));
    }

    /// Pushes tasks to run next, in the given order.
    pub(crate) fn push_tasks(&mut self, body: Vec<Task<'a>>) {
        self.tasks.extend(body.into_iter().rev());
    }

    /// Parses `text` and pushes it as a block.
    pub(crate) fn push_script(&mut self, text: String, base: usize, enter: Enter<'a>) {
        if self.opts.simple_parser {
            if let Some(script) = crate::shell::simple::parse(&text) {
                let src: &'a Source = self.arena.alloc(Source::simple(text, script, base));
                let body = Self::simple_script_tasks(src);
                self.push_block(enter, body);
                return;
            }
        }
        // tree-sitter misreads `\\` in `$'…'` (as an escaped quote): parse the
        // equivalent `\x5c` instead. Only texts with both `$'` and `\\` pay the scan.
        let text = if text.contains("$'") && text.contains("\\\\") {
            crate::shell::quote::rewrite_ansi_c_backslashes(&text, false).unwrap_or(text)
        } else {
            text
        };
        let mut parsed = Source::new(text, base);
        // `{..}` makes tree-sitter fail; retry with the equivalent `'{..}'`.
        if parsed
            .tree
            .as_ref()
            .is_some_and(|t| t.root_node().has_error())
        {
            if let Some(fixed) = crate::shell::quote::rewrite_ansi_c_backslashes(&parsed.text, true)
            {
                let retry = Source::new(fixed, base);
                if retry
                    .tree
                    .as_ref()
                    .is_some_and(|t| !t.root_node().has_error())
                {
                    parsed = retry;
                }
            }
        }
        let src: &'a Source = self.arena.alloc(parsed);
        let Some(tree) = src.tree.as_ref() else {
            self.opaque(
                OpaqueReason::ParseError,
                "the shell parser failed".into(),
                base,
            );
            return;
        };
        let root = tree.root_node();
        if root.has_error() {
            if let Some(detail) = self.describe_error(root, src) {
                self.opaque(OpaqueReason::ParseError, detail, base);
            }
        }
        if src.misread {
            self.opaque(
                OpaqueReason::ParseError,
                "the shell parser kept joining lines after a pipeline into one command".into(),
                base,
            );
        }
        self.push_block(enter, vec![Task::Stmt(root, src)]);
    }

    /// The first real syntax error, or `None` when the only errors are words that
    /// start with `{` (which bash reads as words and [`Self::error_node`] rebuilds).
    pub(crate) fn describe_error(&mut self, root: Node<'a>, src: &'a Source) -> Option<String> {
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if !self.charge(1) {
                break;
            }
            // `3<> file`: tree-sitter-bash does not know `<>` and leaves the `>` as an ERROR.
            let read_write = n.is_error()
                && src.text_of(n) == ">"
                && n.parent().is_some_and(|p| p.kind() == "file_redirect")
                && n.prev_sibling()
                    .is_some_and(|p| p.kind() == "<" && p.end_byte() == n.start_byte());
            if read_write {
                continue;
            }
            if n.is_error() && (Self::is_brace_word_error(n) || Self::is_word_error(n, src)) {
                continue;
            }
            if n.is_error() || n.is_missing() {
                let p = n.start_position();
                let what = if n.is_missing() {
                    format!("missing `{}`", n.kind())
                } else {
                    format!("unexpected `{}`", clip(src.text_of(n), 40))
                };
                return Some(format!(
                    "syntax error at line {}, column {}: {what}",
                    p.row + 1,
                    p.column + 1
                ));
            }
            if n.has_error() {
                let mut c = n.walk();
                let children: Vec<Node<'a>> = n.children(&mut c).collect();
                stack.extend(children.into_iter().rev());
            }
        }
        None
    }

    /// An ERROR node in a command's arguments whose text is one shell word (no
    /// blanks, no operators): tree-sitter failed to tokenize it (`{..}`), bash
    /// reads it as a word, and the walker expands it as one.
    fn is_word_error(n: Node<'a>, src: &'a Source) -> bool {
        // Blanks are allowed: the walker splits the node's text into words there.
        n.parent()
            .is_some_and(|p| matches!(p.kind(), "command" | "concatenation" | "command_name"))
            && !src.text_of(n).contains([
                '\n', ';', '&', '|', '<', '>', '(', ')', '`', '"', '\'', '\\',
            ])
            && Self::children(n)
                .iter()
                .all(|c| !c.is_error() && !c.is_missing())
    }

    /// An ERROR node that is only a `{word…` command: `{` glued to a command (name).
    fn is_brace_word_error(n: Node<'a>) -> bool {
        let ch = Self::children(n);
        let glued = ch.windows(2).any(|w| {
            w[0].kind() == "{"
                && w[1].start_byte() == w[0].end_byte()
                && matches!(w[1].kind(), "command" | "command_name")
        });
        glued
            && ch.iter().all(|c| {
                !c.has_error()
                    && !c.is_missing()
                    && (c.is_named() || matches!(c.kind(), "{" | "&&" | "||" | ";" | "|" | "&"))
            })
    }

    fn enter(&mut self, e: Enter<'a>) {
        if self.frame().depth + 1 > self.opts.limits.max_depth {
            self.opaque(
                OpaqueReason::TooDeep,
                format!(
                    "nesting deeper than {} levels (subshells, substitutions, nested shells, function calls)",
                    self.opts.limits.max_depth
                ),
                0,
            );
            // Skip the block's body up to its matching Leave.
            let mut open = 1usize;
            while let Some(t) = self.tasks.pop() {
                match t {
                    Task::Enter(_) => open += 1,
                    Task::Leave => {
                        open -= 1;
                        if open == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let piped = if matches!(e.stdin, StdinInit::FromPipe) {
            self.pipe_out.take()
        } else {
            None
        };
        let parent = self.frame();
        let scope = match e.scope {
            ScopeInit::Inherit => parent.scope.clone(),
            ScopeInit::Child(pos) => parent.scope.child(pos),
            ScopeInit::Foreign => parent.scope.foreign(),
            ScopeInit::Given(s) => *s,
        };
        let ctx = match e.ctx {
            Some(c) => {
                let mut v = parent.ctx.as_ref().clone();
                v.push(c);
                Rc::new(v)
            }
            None => parent.ctx.clone(),
        };
        let stdin = match e.stdin {
            StdinInit::Inherit => parent.stdin.clone(),
            StdinInit::Set(s) => s,
            StdinInit::FromPipe => Some(Rc::new(match piped {
                Some(p) => Stdin {
                    text: p.text,
                    producer: p.producer,
                    decoders: p.decoders,
                    file: None,
                },
                None => Stdin {
                    text: None,
                    producer: "pipeline".into(),
                    decoders: Vec::new(),
                    file: None,
                },
            })),
        };
        let wrappers = match e.wrappers {
            Some(w) => Rc::new(w),
            None => parent.wrappers.clone(),
        };
        let functions = match e.function {
            Some(f) => {
                let mut v = parent.functions.as_ref().clone();
                v.push(f);
                Rc::new(v)
            }
            None => parent.functions.clone(),
        };
        let frame = Frame {
            scope,
            ctx,
            wrappers,
            stdin,
            to_pipe: e.to_pipe.unwrap_or(parent.to_pipe),
            join: e.join,
            depth: parent.depth + 1,
            functions,
        };
        self.frames.push(frame);
    }

    fn leave(&mut self) {
        if self.frames.len() <= 1 {
            return;
        }
        let Some(child) = self.frames.pop() else {
            return;
        };
        let parent = self.frame_mut();
        match child.join {
            Join::Isolated => {}
            Join::Shared => parent.scope = child.scope,
            Join::Conditional => parent.scope.join(&child.scope),
        }
    }

    // ---------------------------------------------------------------- statements

    fn children(node: Node<'a>) -> Vec<Node<'a>> {
        let mut c = node.walk();
        node.children(&mut c).collect()
    }

    /// The tasks for the statements among `nodes`, in order, honouring `&` after a
    /// statement; substitutions in non-statement nodes run as blocks too.
    pub(crate) fn seq_tasks(&mut self, nodes: &[Node<'a>], src: &'a Source) -> Vec<Task<'a>> {
        let mut tasks: Vec<Task<'a>> = Vec::new();
        for (i, &n) in nodes.iter().enumerate() {
            if is_statement(n) {
                let background = nodes.get(i + 1).is_some_and(|next| next.kind() == "&");
                if background {
                    let mut e = Enter::new(Join::Isolated, Some(Context::Background));
                    e.to_pipe = Some(false);
                    tasks.push(Task::Enter(Box::new(e)));
                    tasks.push(Task::Stmt(n, src));
                    tasks.push(Task::Leave);
                } else {
                    tasks.push(Task::Stmt(n, src));
                }
            } else if n.is_named() && n.kind() != "comment" {
                self.scan_substitutions(n, src);
                tasks.extend(self.take_sub_tasks());
            }
        }
        tasks
    }

    /// Runs the statements among `nodes` next, in the current frame.
    fn sequence(&mut self, nodes: &[Node<'a>], src: &'a Source) {
        let t = self.seq_tasks(nodes, src);
        self.push_tasks(t);
    }

    /// Runs the statements among `nodes` next, in a new block.
    pub(crate) fn block_of(&mut self, enter: Enter<'a>, nodes: &[Node<'a>], src: &'a Source) {
        let t = self.seq_tasks(nodes, src);
        self.push_block(enter, t);
    }

    /// The pending substitution bodies as blocks (in order), clearing them.
    pub(crate) fn take_sub_tasks(&mut self) -> Vec<Task<'a>> {
        let subs = std::mem::take(&mut self.pending);
        let mut tasks = Vec::new();
        for s in subs {
            let mut e = Enter::new(Join::Isolated, Some(s.ctx));
            e.to_pipe = Some(false);
            tasks.push(Task::Enter(Box::new(e)));
            tasks.extend(s.nodes.into_iter().map(|n| Task::Stmt(n, s.src)));
            tasks.push(Task::Leave);
        }
        tasks
    }

    /// Runs the pending substitution bodies next.
    pub(crate) fn flush_subs(&mut self) {
        let t = self.take_sub_tasks();
        self.push_tasks(t);
    }

    fn stmt(&mut self, node: Node<'a>, src: &'a Source) {
        let kind = node.kind();
        match kind {
            "program" | "do_group" => {
                let ch = Self::children(node);
                self.sequence(&ch, src);
            }
            "compound_statement" => {
                let ch = Self::children(node);
                if ch.first().is_some_and(|c| c.kind() == "((") {
                    self.scan_substitutions(node, src);
                    self.flush_subs();
                } else {
                    self.sequence(&ch, src);
                }
            }
            "subshell" => {
                let ch = Self::children(node);
                self.block_of(
                    Enter::new(Join::Isolated, Some(Context::Subshell)),
                    &ch,
                    src,
                );
            }
            "pipeline" => self.pipeline(node, src, None),
            "list" => self.list(node, src),
            "redirected_statement" => self.redirected(node, src),
            "command" => self.command(node, src, &[]),
            "variable_assignment" | "variable_assignments" => {
                let mut assigns = Vec::new();
                let nodes = if kind == "variable_assignment" {
                    vec![node]
                } else {
                    Self::children(node)
                };
                for n in nodes {
                    if n.kind() == "variable_assignment" {
                        if let Some(a) = self.assignment(n, src) {
                            assigns.push(a);
                        }
                    }
                }
                let p = Pending {
                    words: Vec::new(),
                    assigns,
                    redirects: Vec::new(),
                    offset: node.start_byte() + src.base,
                    declaration: false,
                };
                self.queue(p);
            }
            "declaration_command" | "unset_command" => self.declaration(node, src),
            "negated_command" => {
                let ch = Self::children(node);
                self.sequence(&ch, src);
            }
            "if_statement" => self.if_statement(node, src),
            "while_statement" | "until_statement" => {
                let mut cond = Vec::new();
                let mut body = None;
                for (i, c) in Self::children(node).into_iter().enumerate() {
                    match node.field_name_for_child(i as u32) {
                        Some("body") => body = Some(c),
                        _ if is_statement(c) => cond.push(c),
                        _ => {}
                    }
                }
                // Condition runs at least once; the body may not.
                if let Some(b) = body {
                    let ch = Self::children(b);
                    self.block_of(
                        Enter::new(Join::Conditional, Some(Context::Conditional)),
                        &ch,
                        src,
                    );
                }
                self.sequence(&cond, src);
            }
            "for_statement" => self.for_statement(node, src),
            "c_style_for_statement" => {
                let mut body = None;
                for (i, c) in Self::children(node).into_iter().enumerate() {
                    if node.field_name_for_child(i as u32) == Some("body") {
                        body = Some(c);
                    } else if c.is_named() {
                        self.scan_substitutions(c, src);
                    }
                }
                if let Some(b) = body {
                    let ch = Self::children(b);
                    self.block_of(
                        Enter::new(Join::Conditional, Some(Context::Conditional)),
                        &ch,
                        src,
                    );
                }
                self.flush_subs();
            }
            "case_statement" => self.case_statement(node, src),
            "function_definition" => {
                let mut name = None;
                let mut body = None;
                for (i, c) in Self::children(node).into_iter().enumerate() {
                    match node.field_name_for_child(i as u32) {
                        Some("name") => name = Some(src.text_of(c).to_string()),
                        Some("body") => body = Some(c),
                        _ => {}
                    }
                }
                if let (Some(name), Some(body)) = (name, body) {
                    self.frame_mut()
                        .scope
                        .functions
                        .insert(name, crate::shell::scope::Function { body, src });
                }
            }
            "test_command" => self.test_command(node, src),
            "comment" => {}
            // `$(<file)`: a substitution made of a redirection reads the file.
            "file_redirect" => self.redirections_only(&[node], src, node.start_byte() + src.base),
            "ERROR" => self.error_node(node, src),
            _ => {
                if node.is_named() {
                    let ch = Self::children(node);
                    self.sequence(&ch, src);
                }
            }
        }
    }
}

impl<'a> Walker<'a> {
    /// A pipeline, given its node and, for a here-document pipeline, the
    /// redirected command that is its first stage.
    fn pipeline(&mut self, node: Node<'a>, src: &'a Source, first: Option<Node<'a>>) {
        self.chain(node, src, first);
    }

    /// Runs `stages` as the stages of one pipeline, next.
    pub(crate) fn pipeline_stages(&mut self, stages: Vec<Task<'a>>) {
        let len = stages.len();
        let mut tasks = vec![Task::PipeReset];
        let outer_to_pipe = self.frame().to_pipe;
        for (index, stage) in stages.into_iter().enumerate() {
            let mut e = Enter::new(Join::Isolated, Some(Context::Pipeline { index, len }));
            if index > 0 {
                e.stdin = StdinInit::FromPipe;
            }
            e.to_pipe = Some(if index + 1 < len { true } else { outer_to_pipe });
            tasks.push(Task::Enter(Box::new(e)));
            if index > 0 || index + 1 < len {
                tasks.push(Task::PipeReset);
            }
            tasks.push(stage);
            tasks.push(Task::Leave);
        }
        // `PipeReset` right after entering a producing stage would drop the previous
        // stage's output before FromPipe took it; FromPipe takes it at Enter, so the
        // reset inside the stage only clears it for this stage's own output.
        self.push_tasks(tasks);
    }

    fn list(&mut self, node: Node<'a>, src: &'a Source) {
        self.chain(node, src, None);
    }

    /// An `&&`/`||` chain of pipelines (a `list` or `pipeline` node): the
    /// first operand runs in the current frame, the others in one conditional
    /// block.
    ///
    /// tree-sitter-bash misreads a pipeline of three or more stages followed
    /// by `&&`/`||`: `a | b | c && d` comes out as `a | (b | c && d)`, a
    /// pipeline whose last stage is a list. Bash reads `(a | b | c) && d`.
    /// The operands are therefore collected from the nodes' leaves: a list
    /// node separates operands, a pipeline node joins stages, so the list
    /// inside a pipeline continues the current operand with its first one.
    fn chain(&mut self, node: Node<'a>, src: &'a Source, first: Option<Node<'a>>) {
        enum Item<'n> {
            Node(Node<'n>),
            Break,
        }
        let mut operands: Vec<Vec<Node<'a>>> = vec![first.into_iter().collect()];
        let mut stack = vec![Item::Node(node)];
        while let Some(item) = stack.pop() {
            if !self.charge(1) {
                return;
            }
            let n = match item {
                Item::Break => {
                    if operands.last().is_some_and(|o| !o.is_empty()) {
                        operands.push(Vec::new());
                    }
                    continue;
                }
                Item::Node(n) => n,
            };
            match n.kind() {
                kind @ ("list" | "pipeline") => {
                    let mut parts = Vec::new();
                    for c in Self::children(n) {
                        if is_statement(c) {
                            if kind == "list" && !parts.is_empty() {
                                parts.push(Item::Break);
                            }
                            parts.push(Item::Node(c));
                        } else if c.is_named() && c.kind() != "comment" {
                            self.scan_substitutions(c, src);
                        }
                    }
                    stack.extend(parts.into_iter().rev());
                }
                "redirected_statement" => {
                    // tree-sitter also nests part of a long pipeline in a
                    // redirected statement (`a | b | (c | d > out)`): bash gives
                    // the redirection to the last command only, as `redirected`
                    // does for a list or pipeline body.
                    match self.pipeline_redirected(n) {
                        Some(body) => stack.push(Item::Node(body)),
                        None => {
                            if let Some(op) = operands.last_mut() {
                                op.push(n);
                            }
                        }
                    }
                }
                _ => {
                    if let Some(op) = operands.last_mut() {
                        op.push(n);
                    }
                }
            }
        }
        if operands.last().is_some_and(Vec::is_empty) {
            operands.pop();
        }
        let stmt = |op: Vec<Node<'a>>| match op.as_slice() {
            [one] => Task::Stmt(*one, src),
            _ => Task::Stages(op, src),
        };
        let mut ops = operands.into_iter();
        let Some(head) = ops.next() else {
            self.flush_subs();
            return;
        };
        let mut tasks = self.take_sub_tasks();
        tasks.push(stmt(head));
        let rest: Vec<Task<'a>> = ops.map(stmt).collect();
        if !rest.is_empty() {
            tasks.push(Task::Enter(Box::new(Enter::new(
                Join::Conditional,
                Some(Context::Conditional),
            ))));
            tasks.extend(rest);
            tasks.push(Task::Leave);
        }
        self.push_tasks(tasks);
    }

    /// For a redirected statement whose body is a pipeline or list and whose
    /// redirections are not here-documents: gives the redirections to the
    /// body's last command and returns the body.
    fn pipeline_redirected(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        let mut body = None;
        let mut redirects = Vec::new();
        for (i, c) in Self::children(node).into_iter().enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("body") => body = Some(c),
                _ if c.kind() == "heredoc_redirect" => return None,
                _ if c.kind().ends_with("redirect") => redirects.push(c),
                _ if is_statement(c) => return None,
                _ => {}
            }
        }
        let body = body.filter(|b| matches!(b.kind(), "pipeline" | "list"))?;
        let last = Self::last_command(body)?;
        self.redirect_owner.push((last, redirects));
        Some(body)
    }

    fn redirected(&mut self, node: Node<'a>, src: &'a Source) {
        let mut body = None;
        let mut redirects = Vec::new();
        for (i, c) in Self::children(node).into_iter().enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("body") => body = Some(c),
                _ if c.kind().ends_with("redirect") => redirects.push(c),
                _ if is_statement(c) => body = body.or(Some(c)),
                _ => {}
            }
        }
        // Statements that tree-sitter nests inside a here-document redirect
        // (`cat <<EOF | sh`, `cat <<EOF && x`) come after the redirected command.
        let mut heredoc_pipeline = None;
        let mut trailing: Vec<Node<'a>> = Vec::new();
        for r in &redirects {
            if r.kind() == "heredoc_redirect" {
                for c in Self::children(*r) {
                    if c.kind() == "pipeline" {
                        heredoc_pipeline = Some(c);
                    } else if is_statement(c) {
                        trailing.push(c);
                    }
                }
            }
        }
        let Some(body) = body else {
            // Only redirections: `> file` truncates it.
            self.redirections_only(&redirects, src, node.start_byte() + src.base);
            return;
        };
        let mut tasks: Vec<Task<'a>> = Vec::new();
        if !trailing.is_empty() {
            tasks.push(Task::Enter(Box::new(Enter::new(
                Join::Conditional,
                Some(Context::Conditional),
            ))));
            let t = self.seq_tasks(&trailing, src);
            tasks.extend(t);
            tasks.push(Task::Leave);
        }
        self.push_tasks(tasks);
        if let Some(p) = heredoc_pipeline {
            // The redirected command is the pipeline's first stage.
            self.redirect_owner.push((body, redirects));
            self.pipeline(p, src, Some(body));
            return;
        }
        if body.kind() == "command" {
            self.command(body, src, &redirects);
            return;
        }
        // tree-sitter attaches a trailing redirection to a whole `a && b` list
        // or `a | b` pipeline, but bash gives it to the last command only
        // (`cd ~ && echo x >> .bashrc` writes ~/.bashrc, after the `cd`).
        if matches!(body.kind(), "list" | "pipeline") {
            if let Some(last) = Self::last_command(body) {
                self.redirect_owner.push((last, redirects));
                self.push_tasks(vec![Task::Stmt(body, src)]);
                return;
            }
        }
        // A compound statement with redirections: they apply to the whole body.
        let expanded = self.expand_redirects(&redirects, src);
        self.extra_args.clear();
        let offset = node.start_byte() + src.base;
        let stdin = self.stdin_from_redirects(&expanded);
        let stdout_redirected = Self::stdout_redirected(&expanded);
        let p = Pending {
            words: Vec::new(),
            assigns: Vec::new(),
            redirects: expanded,
            offset,
            declaration: false,
        };
        let mut e = Enter::new(Join::Shared, None);
        if let Some(s) = stdin {
            e.stdin = StdinInit::Set(Some(Rc::new(s)));
        }
        if stdout_redirected {
            e.to_pipe = Some(false);
        }
        self.push_block(e, vec![Task::Stmt(body, src)]);
        self.queue(p);
    }

    /// The simple command at the right end of a list or pipeline (through
    /// nested lists and pipelines), if it is one.
    fn last_command(node: Node<'a>) -> Option<Node<'a>> {
        let mut cur = node;
        for _ in 0..MAX_LAST_COMMAND_DESCENT {
            match cur.kind() {
                "command" => return Some(cur),
                "list" | "pipeline" => {
                    cur = Self::children(cur)
                        .into_iter()
                        .rev()
                        .find(|c| is_statement(*c))?;
                }
                _ => return None,
            }
        }
        None
    }

    /// True when redirections send stdout away from a pipe.
    pub(crate) fn stdout_redirected(redirects: &[PendingRedirect]) -> bool {
        redirects.iter().any(|r| {
            matches!(r.op.as_str(), "&>" | "&>>")
                || (matches!(r.op.as_str(), ">" | ">>" | ">|" | ">&") && r.fd.unwrap_or(1) == 1)
        })
    }

    /// The stdin a set of redirections gives (here-documents, here-strings, `<`).
    pub(crate) fn stdin_from_redirects(&self, redirects: &[PendingRedirect]) -> Option<Stdin> {
        let mut stdin = None;
        for r in redirects {
            if r.fd.unwrap_or(0) != 0 {
                continue;
            }
            match (&r.here, r.op.as_str()) {
                (Some(text), op) => {
                    stdin = Some(Stdin {
                        text: text.clone(),
                        producer: if op == "<<<" {
                            "here-string".into()
                        } else {
                            "heredoc".into()
                        },
                        decoders: Vec::new(),
                        file: None,
                    });
                }
                (None, "<") => {
                    stdin = Some(Stdin {
                        text: None,
                        producer: format!("file {}", r.target.text()),
                        decoders: Vec::new(),
                        file: Some(r.target.clone()),
                    });
                }
                _ => {}
            }
        }
        stdin
    }

    fn command(&mut self, node: Node<'a>, src: &'a Source, outer_redirects: &[Node<'a>]) {
        let mut assigns = Vec::new();
        let mut word_nodes = Vec::new();
        let mut redirect_nodes: Vec<Node<'a>> = Vec::new();
        let mut seen_name = false;
        for (i, c) in Self::children(node).into_iter().enumerate() {
            if !c.is_named() && node.field_name_for_child(i as u32) == Some("argument") {
                // An anonymous token as an argument (`\$` comes out as `$`).
                word_nodes.push(c);
                continue;
            }
            match c.kind() {
                "variable_assignment" if !seen_name => {
                    if let Some(a) = self.assignment(c, src) {
                        assigns.push(a);
                    }
                }
                "command_name" => {
                    seen_name = true;
                    word_nodes.push(c);
                }
                k if k.ends_with("redirect") => redirect_nodes.push(c),
                "comment" => {}
                _ if c.is_named() => word_nodes.push(c),
                _ => {}
            }
        }
        redirect_nodes.extend_from_slice(outer_redirects);
        // `cat 0< in.txt`: tree-sitter reads the `0` as an argument; it is the
        // descriptor of the redirection glued to it.
        for r in &redirect_nodes {
            if let Some(pos) = word_nodes
                .iter()
                .position(|w| w.kind() == "number" && w.end_byte() == r.start_byte())
            {
                if let Ok(fd) = src.text_of(word_nodes[pos]).parse::<u32>() {
                    self.fd_hints.push((r.start_byte(), fd));
                    word_nodes.remove(pos);
                }
            }
        }
        let mut words = self.expand_runs(&word_nodes, src, (node.start_byte(), node.end_byte()));
        // A heredoc-pipeline's first stage carries the redirect nodes of its statement.
        if let Some(pos) = self.redirect_owner.iter().position(|(b, _)| *b == node) {
            let (_, r) = self.redirect_owner.remove(pos);
            redirect_nodes.extend(r);
        }
        let redirects = self.expand_redirects(&redirect_nodes, src);
        words.append(&mut self.extra_args);
        let p = Pending {
            words,
            assigns,
            redirects,
            offset: node.start_byte() + src.base,
            declaration: false,
        };
        self.queue(p);
    }

    /// Queues a simple command: its substitutions run first, then `Emit`.
    pub(crate) fn queue(&mut self, p: Pending) {
        self.tasks.push(Task::Emit(Box::new(p)));
        self.flush_subs();
    }

    /// A statement made only of redirections (`> file`, `$(<file)`).
    fn redirections_only(&mut self, nodes: &[Node<'a>], src: &'a Source, offset: usize) {
        let redirects = self.expand_redirects(nodes, src);
        self.extra_args.clear();
        self.queue(Pending {
            words: Vec::new(),
            assigns: Vec::new(),
            redirects,
            offset,
            declaration: false,
        });
    }

    /// An ERROR node: walk what it contains. tree-sitter-bash reads a word that
    /// starts with `{` (`{rm,-rf,/}`, a brace expansion) as a broken group; bash
    /// reads it as a word, so rebuild the command with the `{` put back.
    fn error_node(&mut self, node: Node<'a>, src: &'a Source) {
        let ch = Self::children(node);
        let mut i = 0;
        let mut rest: Vec<Node<'a>> = Vec::new();
        while i < ch.len() {
            let c = ch[i];
            let next = ch.get(i + 1).copied();
            if c.kind() == "{" {
                if let Some(n) = next.filter(|n| n.start_byte() == c.end_byte()) {
                    if n.kind() == "command" {
                        let mut words_nodes = Vec::new();
                        for d in Self::children(n) {
                            if d.is_named() {
                                words_nodes.push(d);
                            }
                        }
                        self.braced_command(&words_nodes, src, c.start_byte());
                        i += 2;
                        continue;
                    }
                    if n.kind() == "command_name" {
                        let mut words_nodes = vec![n];
                        let mut j = i + 2;
                        while j < ch.len() && ch[j].is_named() && !is_statement(ch[j]) {
                            words_nodes.push(ch[j]);
                            j += 1;
                        }
                        self.braced_command(&words_nodes, src, c.start_byte());
                        i = j;
                        continue;
                    }
                }
            }
            rest.push(c);
            i += 1;
        }
        self.sequence(&rest, src);
    }

    fn braced_command(&mut self, nodes: &[Node<'a>], src: &'a Source, offset: usize) {
        let mut words = Vec::new();
        for (k, &n) in nodes.iter().enumerate() {
            let target = if n.kind() == "command_name" {
                n.named_child(0).unwrap_or(n)
            } else {
                n
            };
            if k == 0 {
                let Some(mut atoms) =
                    self.atoms(target, src, crate::shell::quote::Quoting::Unquoted)
                else {
                    continue;
                };
                atoms.insert(0, crate::shell::words::Atom::Ch('{', false));
                words.extend(self.finish_atoms(atoms, Mode::ARGV, src.text_of(target)));
            } else {
                words.extend(self.expand(target, src, Mode::ARGV));
            }
        }
        let p = Pending {
            words,
            assigns: Vec::new(),
            redirects: Vec::new(),
            offset: offset + src.base,
            declaration: false,
        };
        self.queue(p);
    }

    /// Expands word nodes into fields. tree-sitter-bash sometimes splits one
    /// shell word into adjacent nodes (`'a'\x` → `'a'` and `\x`), and drops a
    /// leading escaped blank (`\ a`); bash reads them as one word, so nodes with
    /// no gap between them are joined before expansion.
    ///
    /// `within` is the byte range of the enclosing command (the gaps before the
    /// first and after the last node are looked at up to it). Passing it avoids
    /// `Node::parent`, which tree-sitter computes by descending from the root.
    pub(crate) fn expand_runs(
        &mut self,
        nodes: &[Node<'a>],
        src: &'a Source,
        within: (usize, usize),
    ) -> Vec<Word> {
        let mut words = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let mut j = i + 1;
            // Joined: nodes with nothing between them, or only escaped blanks (`{\ ,}`).
            while j < nodes.len()
                && escaped_blanks(src.slice(nodes[j - 1].end_byte(), nodes[j].start_byte()))
                    .is_some()
            {
                j += 1;
            }
            let mut atoms = Vec::new();
            let start = nodes[i].start_byte();
            // Escaped blanks that tree-sitter left between words: glued ones belong
            // to the neighbouring word, free-standing ones are words of their own.
            let gap_before = if i == 0 {
                src.slice(within.0.min(start), start)
            } else {
                src.slice(nodes[i - 1].end_byte(), start)
            };
            if let Some(g) = blank_gap(gap_before) {
                if i == 0 {
                    for w in &g.free {
                        words.push(Word::literal(w.iter().collect::<String>()));
                    }
                }
                atoms.extend(
                    g.next
                        .iter()
                        .map(|c| crate::shell::words::Atom::Ch(*c, true)),
                );
            }
            let mut ok = true;
            for (k, &n) in nodes[i..j].iter().enumerate() {
                if k > 0 {
                    let gap = src.slice(nodes[i + k - 1].end_byte(), n.start_byte());
                    for c in escaped_blanks(gap).unwrap_or_default() {
                        atoms.push(crate::shell::words::Atom::Ch(c, true));
                    }
                }
                let target = if n.kind() == "command_name" {
                    n.named_child(0).unwrap_or(n)
                } else {
                    n
                };
                match self.atoms(target, src, crate::shell::quote::Quoting::Unquoted) {
                    // Most words are one node: its atoms are taken, not copied.
                    Some(a) if atoms.is_empty() => atoms = a,
                    Some(a) => atoms.extend(a),
                    None => ok = false,
                }
            }
            let end = nodes[j - 1].end_byte();
            let gap_after = match nodes.get(j) {
                Some(n) => src.slice(end, n.start_byte()),
                None => src.slice(end, within.1.max(end)),
            };
            let after = blank_gap(gap_after);
            if let Some(g) = &after {
                atoms.extend(
                    g.prev
                        .iter()
                        .map(|c| crate::shell::words::Atom::Ch(*c, true)),
                );
            }
            let text = src.slice(start, end);
            if j - i > 1 {
                self.rejoin_parameters(&mut atoms);
            }
            if ok {
                words.extend(self.finish_atoms(atoms, Mode::ARGV, text));
            } else {
                words.push(Word::dynamic(clip(text, 80), None));
            }
            if let Some(g) = after {
                for w in g.free {
                    words.push(Word::literal(w.into_iter().collect::<String>()));
                }
            }
            i = j;
        }
        words
    }

    /// `[ … ]` is the `[` builtin: an exec with its words. `[[ … ]]` is syntax:
    /// only the substitutions inside run.
    fn test_command(&mut self, node: Node<'a>, src: &'a Source) {
        let single = node.child(0).is_some_and(|c| c.kind() == "[");
        if !single {
            self.scan_substitutions(node, src);
            self.flush_subs();
            return;
        }
        const WORDISH: &[&str] = &[
            "word",
            "string",
            "raw_string",
            "ansi_c_string",
            "translated_string",
            "simple_expansion",
            "expansion",
            "concatenation",
            "number",
            "command_substitution",
            "process_substitution",
            "test_operator",
            "arithmetic_expansion",
            "extglob_pattern",
            "regex",
        ];
        let mut leaves: Vec<Node<'a>> = Vec::new();
        let mut stack: Vec<Node<'a>> = Self::children(node).into_iter().rev().collect();
        while let Some(n) = stack.pop() {
            if !self.charge(1) {
                return;
            }
            if WORDISH.contains(&n.kind()) || (!n.is_named() && !matches!(n.kind(), "[" | "]")) {
                leaves.push(n);
            } else if n.is_named() {
                stack.extend(Self::children(n).into_iter().rev());
            }
        }
        let mut words = vec![Word::literal("[")];
        let inner = (node.start_byte() + 1, node.end_byte().saturating_sub(1));
        words.extend(self.expand_runs(&leaves, src, inner));
        words.push(Word::literal("]"));
        let p = Pending {
            words,
            assigns: Vec::new(),
            redirects: Vec::new(),
            offset: node.start_byte() + src.base,
            declaration: false,
        };
        self.queue(p);
    }

    /// tree-sitter sometimes ends a node at a `$` and puts the name in the next
    /// node (`{a$` + `HOME,x}`); bash reads `$HOME` there. An unquoted `$`
    /// followed by unquoted name characters becomes the parameter's value.
    fn rejoin_parameters(&mut self, atoms: &mut Vec<crate::shell::words::Atom>) {
        use crate::shell::words::Atom;
        let mut i = 0;
        while i + 1 < atoms.len() {
            if !matches!(atoms[i], Atom::Ch('$', false)) {
                i += 1;
                continue;
            }
            let mut name = String::new();
            let mut j = i + 1;
            while let Some(Atom::Ch(c, false)) = atoms.get(j) {
                let first = name.is_empty();
                let ok = c.is_ascii_alphabetic() || *c == '_' || (!first && c.is_ascii_digit());
                if first && c.is_ascii_digit() {
                    name.push(*c);
                    j += 1;
                    break;
                }
                if !ok {
                    break;
                }
                name.push(*c);
                j += 1;
            }
            if name.is_empty() {
                i += 1;
                continue;
            }
            let mut value = Vec::new();
            self.text_atoms(
                &format!("${name}"),
                crate::shell::quote::Quoting::Unquoted,
                &mut value,
            );
            atoms.splice(i..j, value);
            i += 1;
        }
    }

    fn declaration(&mut self, node: Node<'a>, src: &'a Source) {
        let mut words = Vec::new();
        let mut assigns = Vec::new();
        let mut redirects = Vec::new();
        for c in Self::children(node) {
            match c.kind() {
                "variable_assignment" => {
                    if let Some(a) = self.assignment(c, src) {
                        // Keep the word too, so `export A=1` reads as written.
                        let mut shown = vec![Word::literal(format!("{}=", a.name))];
                        match &a.value {
                            AssignValue::Scalar(v) => shown.push(v.clone()),
                            AssignValue::Array(items) => {
                                shown.push(Word::literal("("));
                                shown.push(words::join_words(items.clone()));
                                shown.push(Word::literal(")"));
                            }
                        }
                        words.push(words::join_words_with(shown, ""));
                        assigns.push(a);
                    }
                }
                k if k.ends_with("redirect") => redirects.push(c),
                "comment" => {}
                _ if c.is_named() => words.extend(self.expand(c, src, Mode::ARGV)),
                k => words.push(Word::literal(k)),
            }
        }
        let redirects = self.expand_redirects(&redirects, src);
        words.append(&mut self.extra_args);
        let p = Pending {
            words,
            assigns,
            redirects,
            offset: node.start_byte() + src.base,
            declaration: true,
        };
        self.queue(p);
    }

    fn if_statement(&mut self, node: Node<'a>, src: &'a Source) {
        let mut cond = Vec::new();
        let mut then = Vec::new();
        let mut branches: Vec<Node<'a>> = Vec::new();
        // `&` tokens stay with the statements they follow, so that
        // `seq_tasks` runs those in the background (`if c; then a & b; fi`).
        let mut in_cond = false;
        for (i, c) in Self::children(node).into_iter().enumerate() {
            if node.field_name_for_child(i as u32) == Some("condition") {
                cond.push(c);
                in_cond = true;
            } else if matches!(c.kind(), "elif_clause" | "else_clause") {
                branches.push(c);
                in_cond = false;
            } else if is_statement(c) {
                then.push(c);
                in_cond = false;
            } else if c.kind() == "&" {
                if in_cond {
                    cond.push(c);
                } else {
                    then.push(c);
                }
            }
        }
        let mut tasks = self.seq_tasks(&cond, src);
        let mut blocks = vec![then];
        for b in branches {
            blocks.push(Self::children(b));
        }
        for b in blocks {
            tasks.push(Task::Enter(Box::new(Enter::new(
                Join::Conditional,
                Some(Context::Conditional),
            ))));
            let t = self.seq_tasks(&b, src);
            tasks.extend(t);
            tasks.push(Task::Leave);
        }
        self.push_tasks(tasks);
    }

    fn for_statement(&mut self, node: Node<'a>, src: &'a Source) {
        let mut var = None;
        let mut values: Option<Vec<Word>> = None;
        let mut body = None;
        for (i, c) in Self::children(node).into_iter().enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("variable") => var = Some(src.text_of(c).to_string()),
                Some("value") => {
                    let w = self.expand(c, src, Mode::ARGV);
                    values.get_or_insert_with(Vec::new).extend(w);
                }
                Some("body") => body = Some(c),
                _ => {}
            }
        }
        let (Some(var), Some(body)) = (var, body) else {
            self.flush_subs();
            return;
        };
        let values = match values {
            Some(v) => v,
            None => match self.frame().scope.get("@") {
                Value::Array(a) => a.into_iter().map(Word::literal).collect(),
                _ => vec![Word::dynamic("\"$@\"", None)],
            },
        };
        let body_nodes = Self::children(body);
        let mut tasks = vec![Task::Enter(Box::new(Enter::new(
            Join::Conditional,
            Some(Context::Conditional),
        )))];
        const MAX_UNROLL: usize = 16;
        let known: Option<Vec<String>> = values.iter().map(Word::as_literal).collect();
        match known {
            Some(items) if items.len() <= MAX_UNROLL => {
                for item in items {
                    tasks.push(Task::Assign(var.clone(), Value::Str(item)));
                    let t = self.seq_tasks(&body_nodes, src);
                    tasks.extend(t);
                }
            }
            _ => {
                let source = values.iter().map(Word::text).collect::<Vec<_>>().join(" ");
                tasks.push(Task::Assign(
                    var.clone(),
                    Value::Dyn(Dynamic {
                        source: format!("${var} (one of: {})", clip(&source, 80)),
                        producer: None,
                    }),
                ));
                let t = self.seq_tasks(&body_nodes, src);
                tasks.extend(t);
            }
        }
        tasks.push(Task::Leave);
        self.push_tasks(tasks);
        self.flush_subs();
    }

    fn case_statement(&mut self, node: Node<'a>, src: &'a Source) {
        let mut tasks = Vec::new();
        for (i, c) in Self::children(node).into_iter().enumerate() {
            if node.field_name_for_child(i as u32) == Some("value") {
                let _ = self.expand(c, src, Mode::PLAIN);
            } else if c.kind() == "case_item" {
                let mut body = Vec::new();
                for (j, d) in Self::children(c).into_iter().enumerate() {
                    if c.field_name_for_child(j as u32) == Some("value") {
                        self.scan_substitutions(d, src);
                    } else if is_statement(d) {
                        body.push(d);
                    }
                }
                tasks.push(Task::Enter(Box::new(Enter::new(
                    Join::Conditional,
                    Some(Context::Conditional),
                ))));
                let t = self.seq_tasks(&body, src);
                tasks.extend(t);
                tasks.push(Task::Leave);
            }
        }
        self.push_tasks(tasks);
        self.flush_subs();
    }

    /// Expands an assignment node (`NAME=value`, `NAME+=value`, `NAME=(a b)`).
    pub(crate) fn assignment(&mut self, node: Node<'a>, src: &'a Source) -> Option<PendingAssign> {
        let mut name = None;
        let mut value = None;
        let mut append = false;
        for (i, c) in Self::children(node).into_iter().enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("name") => {
                    let n = if c.kind() == "subscript" {
                        c.named_child(0).map_or("", |x| src.text_of(x))
                    } else {
                        src.text_of(c)
                    };
                    name = Some(n.to_string());
                }
                Some("value") => value = Some(c),
                _ if c.kind() == "+=" => append = true,
                _ => {}
            }
        }
        let name = name?;
        let value = match value {
            None => AssignValue::Scalar(Word::literal("")),
            Some(v) if v.kind() == "array" => {
                let mut items = Vec::new();
                for c in Self::children(v) {
                    if c.is_named() {
                        items.extend(self.expand(c, src, Mode::ARGV));
                    }
                }
                AssignValue::Array(items)
            }
            Some(v) => {
                let w = self.expand(v, src, Mode::SCALAR);
                AssignValue::Scalar(words::join_words(w))
            }
        };
        Some(PendingAssign {
            name,
            value,
            append,
        })
    }

    /// Expands redirections. tree-sitter-bash gives a redirect every word that
    /// follows it as a "destination"; bash takes only the first: later words are
    /// arguments of the command (returned second), and a number glued to the next
    /// redirect is that redirect's descriptor (`>& /dev/tcp/h/p 0>&1`).
    fn expand_redirects(&mut self, nodes: &[Node<'a>], src: &'a Source) -> Vec<PendingRedirect> {
        let (r, extra) = self.expand_redirects_args(nodes, src);
        self.extra_args.extend(extra);
        r
    }

    fn expand_redirects_args(
        &mut self,
        nodes: &[Node<'a>],
        src: &'a Source,
    ) -> (Vec<PendingRedirect>, Vec<Word>) {
        let mut out = Vec::new();
        let mut extra = Vec::new();
        let mut carry_fd: Option<u32> = None;
        for (ri, &r) in nodes.iter().enumerate() {
            let next_start = nodes.get(ri + 1).map(|n| n.start_byte());
            let hint = self
                .fd_hints
                .iter()
                .position(|(s, _)| *s == r.start_byte())
                .map(|i| self.fd_hints.swap_remove(i).1);
            let mut fd = carry_fd.take().or(hint);
            let mut seen_destination = false;
            let mut op = String::new();
            let mut targets: Vec<Word> = Vec::new();
            let mut here: Option<Option<String>> = None;
            let mut quoted_delim = false;
            let mut strip_tabs = false;
            for (i, c) in Self::children(r).into_iter().enumerate() {
                let field = r.field_name_for_child(i as u32);
                match (field, c.kind()) {
                    (Some("descriptor"), _) => fd = src.text_of(c).parse().ok(),
                    (Some("destination"), _) if seen_destination => {
                        if c.kind() == "number" && Some(c.end_byte()) == next_start {
                            carry_fd = src.text_of(c).parse().ok();
                        } else {
                            extra.extend(self.expand(c, src, Mode::ARGV));
                        }
                    }
                    (Some("destination"), _) => {
                        seen_destination = true;
                        targets.extend(self.expand(c, src, Mode::SCALAR));
                    }
                    (_, "heredoc_start") => {
                        let t = src.text_of(c);
                        quoted_delim = t.contains(['\'', '"', '\\']);
                    }
                    (_, "heredoc_body") => {
                        let text = if quoted_delim {
                            Some(src.text_of(c).to_string())
                        } else {
                            let w = self.expand_heredoc(c, src);
                            w.as_literal()
                        };
                        let text = text.map(|t| {
                            if strip_tabs {
                                t.lines()
                                    .map(|l| l.trim_start_matches('\t'))
                                    .collect::<Vec<_>>()
                                    .join("\n")
                                    + "\n"
                            } else {
                                t
                            }
                        });
                        here = Some(text);
                    }
                    (_, "file_redirect") => {
                        let (more, more_extra) = self.expand_redirects_args(&[c], src);
                        out.extend(more);
                        extra.extend(more_extra);
                    }
                    (_, "ERROR") if op == "<" && src.text_of(c) == ">" => op = "<>".into(),
                    (_, k) if !c.is_named() && k != "heredoc_end" && op.is_empty() => {
                        op = k.to_string();
                        strip_tabs = op == "<<-";
                    }
                    (_, "pipeline") => {}
                    (_, _) if r.kind() == "herestring_redirect" && c.is_named() => {
                        let w = words::join_words(self.expand(c, src, Mode::SCALAR));
                        here = Some(w.as_literal().map(|t| t + "\n"));
                        targets.push(w);
                    }
                    _ => {}
                }
            }
            if r.kind() == "heredoc_redirect" && here.is_none() {
                here = Some(Some(String::new()));
            }
            let target = if targets.len() == 1 {
                targets.pop().unwrap_or_default()
            } else {
                words::join_words(targets)
            };
            out.push(PendingRedirect {
                fd,
                op,
                target,
                here,
            });
        }
        (out, extra)
    }
}
