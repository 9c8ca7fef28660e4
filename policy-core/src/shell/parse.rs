//! Parsing with tree-sitter-bash, and the arena that keeps every parsed source
//! (the top-level command and each re-parsed `bash -c` string, `eval`
//! argument, backtick body or decoded text) alive while the walker runs.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

/// One parsed piece of shell text.
pub(crate) struct Source {
    /// The text.
    pub text: String,
    /// The syntax tree, or `None` when the parser failed.
    pub tree: Option<Tree>,
    /// Byte offset of this text's command within the top-level input.
    pub base: usize,
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text` with a thread-local tree-sitter parser.
pub(crate) fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        let tree = parser.parse(text, None);
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

impl Source {
    /// Parses `text` into a source at offset `base`.
    pub fn new(text: String, base: usize) -> Source {
        let tree = parse(&text);
        Source { text, tree, base }
    }

    /// The text of `node` (empty if its range is not on character boundaries).
    pub fn text_of(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// The text between two byte offsets.
    pub fn slice(&self, from: usize, to: usize) -> &str {
        self.text.get(from..to).unwrap_or("")
    }
}
