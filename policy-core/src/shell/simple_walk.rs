//! The walker's side of the simple-subset lexer: the same tasks, frames and
//! pending commands that [`walk`](super::walk) makes from tree-sitter's
//! `program`, `list`, `pipeline` and `command` nodes for the same text.

use crate::action::{Context, Word};
use crate::shell::parse::Source;
use crate::shell::simple::{Command, List, Pipeline, Redirect};
use crate::shell::walk::{clip, Enter, Join, Pending, PendingRedirect, Task, Walker};

/// A statement of a [`Script`](crate::shell::simple::Script), borrowed from
/// its source.
#[derive(Clone, Copy)]
pub(crate) enum SimpleStmt<'a> {
    /// `a && b || c`.
    List(&'a List),
    /// `a | b`.
    Pipeline(&'a Pipeline),
    /// One simple command.
    Command(&'a Command),
}

impl<'a> Walker<'a> {
    /// The tasks of a source read by the lexer (none for any other source).
    pub(crate) fn simple_script_tasks(src: &'a Source) -> Vec<Task<'a>> {
        let Some(script) = src.simple.as_ref() else {
            return Vec::new();
        };
        script
            .lists
            .iter()
            .map(|l| Task::Simple(SimpleStmt::List(l), src))
            .collect()
    }

    /// Runs one statement (the counterpart of `stmt` for tree-sitter nodes).
    pub(crate) fn simple_stmt(&mut self, stmt: SimpleStmt<'a>, src: &'a Source) {
        match stmt {
            SimpleStmt::List(list) => self.simple_list(list, src),
            SimpleStmt::Pipeline(p) => self.simple_pipeline(p, src),
            SimpleStmt::Command(c) => self.simple_command(c, src),
        }
    }

    /// The first operand runs in the current frame, the others in one
    /// conditional block (as `list` does with tree-sitter's list nodes).
    fn simple_list(&mut self, list: &'a List, src: &'a Source) {
        if !self.charge(2 * list.pipelines.len() - 1) {
            return;
        }
        let Some((first, rest)) = list.pipelines.split_first() else {
            return;
        };
        let mut tasks = vec![Task::Simple(SimpleStmt::Pipeline(first), src)];
        if !rest.is_empty() {
            tasks.push(Task::Enter(Box::new(Enter::new(
                Join::Conditional,
                Some(Context::Conditional),
            ))));
            tasks.extend(
                rest.iter()
                    .map(|p| Task::Simple(SimpleStmt::Pipeline(p), src)),
            );
            tasks.push(Task::Leave);
        }
        self.push_tasks(tasks);
    }

    fn simple_pipeline(&mut self, p: &'a Pipeline, src: &'a Source) {
        match p.commands.as_slice() {
            [one] => self.simple_command(one, src),
            many => {
                let stages = many
                    .iter()
                    .map(|c| Task::Simple(SimpleStmt::Command(c), src))
                    .collect();
                self.pipeline_stages(stages);
            }
        }
    }

    /// Expands the words and queues the command. Quote removal is the only
    /// expansion that can happen in the subset (no `$`, `` ` ``, `\\`, glob,
    /// brace or tilde characters outside quotes): a word is the literal
    /// concatenation of its parts, as `Walker::finish_atoms` makes it.
    fn simple_command(&mut self, c: &'a Command, src: &'a Source) {
        if !self.charge(c.words.len() + c.redirects.len()) {
            return;
        }
        let words = c.words.iter().map(|w| self.simple_word(w, src)).collect();
        // As `expand_redirects` makes them from tree-sitter's nodes.
        let redirects = c
            .redirects
            .iter()
            .map(|r| match r {
                Redirect::File { append, target } => PendingRedirect {
                    fd: None,
                    op: if *append { ">>" } else { ">" }.to_string(),
                    target: self.simple_word(target, src),
                    here: None,
                },
                Redirect::Heredoc { body } => PendingRedirect {
                    fd: None,
                    op: "<<".to_string(),
                    target: Word::default(),
                    here: Some(Some(src.slice(body.0, body.1).to_string())),
                },
            })
            .collect();
        self.queue(Pending {
            words,
            assigns: Vec::new(),
            redirects,
            offset: c.start + src.base,
            declaration: false,
        });
    }

    /// A word of the subset: the concatenation of its parts.
    fn simple_word(&self, w: &crate::shell::simple::Word, src: &Source) -> Word {
        let text = match w.parts.as_slice() {
            [one] => src.slice(one.inner().0, one.inner().1).to_string(),
            parts => parts
                .iter()
                .map(|p| src.slice(p.inner().0, p.inner().1))
                .collect(),
        };
        if text.is_empty() {
            // `''`: a word with no parts, as field splitting leaves it.
            Word {
                parts: Vec::new(),
                glob: false,
            }
        } else if text.len() > self.opts.limits.max_word_bytes {
            Word::dynamic(clip(&text, 80), None)
        } else {
            Word::literal(text)
        }
    }
}
