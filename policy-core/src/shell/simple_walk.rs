//! The walker's side of the simple-subset lexer: the same tasks, frames and
//! pending commands that [`walk`](super::walk) makes from tree-sitter's
//! `program`, `list`, `pipeline` and `command` nodes for the same text.

use crate::action::Context;
use crate::shell::parse::Source;
use crate::shell::quote::Quoting;
use crate::shell::simple::{Command, List, Part, Pipeline};
use crate::shell::walk::{Enter, Join, Pending, Task, Walker};
use crate::shell::words::{Atom, ExpVal, Mode};

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

/// A quoted part's marker atom: like tree-sitter's `raw_string` and `string`
/// nodes in [`Walker::atoms`], a quoted part makes the word exist even when
/// it is empty.
const EMPTY_QUOTED: Atom = Atom::Val(ExpVal::Str(String::new()), true);

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

    /// Expands the words (quote removal only: nothing else can happen in the
    /// subset) and queues the command.
    fn simple_command(&mut self, c: &'a Command, src: &'a Source) {
        let mut words = Vec::with_capacity(c.words.len());
        for w in &c.words {
            if !self.charge(w.parts.len()) {
                return;
            }
            let mut atoms = Vec::with_capacity(w.span.1 - w.span.0);
            for part in &w.parts {
                match *part {
                    Part::Bare(a, b) => {
                        self.text_atoms(src.slice(a, b), Quoting::Unquoted, &mut atoms)
                    }
                    Part::Single(a, b) => {
                        atoms.push(EMPTY_QUOTED);
                        atoms.extend(src.slice(a, b).chars().map(|ch| Atom::Ch(ch, true)));
                    }
                    Part::Double(a, b) => {
                        atoms.push(EMPTY_QUOTED);
                        self.text_atoms(src.slice(a, b), Quoting::Double, &mut atoms);
                    }
                }
            }
            let text = src.slice(w.span.0, w.span.1);
            words.extend(self.finish_atoms(atoms, Mode::ARGV, text));
        }
        self.queue(Pending {
            words,
            assigns: Vec::new(),
            redirects: Vec::new(),
            offset: c.start + src.base,
            declaration: false,
        });
    }
}
