//! Parsing with tree-sitter-bash, and the arena that keeps every parsed source
//! (the top-level command and each re-parsed `bash -c` string, `eval`
//! argument, backtick body or decoded text) alive while the walker runs.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

/// One parsed piece of shell text.
pub(crate) struct Source {
    /// The text.
    pub text: String,
    /// The syntax tree, or `None` when the parser failed or was not run
    /// (the text was read by [`simple`](crate::shell::simple)).
    pub tree: Option<Tree>,
    /// The text as read by the simple-subset lexer, when it was used.
    pub simple: Option<crate::shell::simple::Script>,
    /// tree-sitter still misread a newline after [`MAX_MEND_ROUNDS`] rounds
    /// of mending: the tree may hide commands.
    pub misread: bool,
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

/// Most rounds of [`parse_mended`]: each mends every misread command found.
const MAX_MEND_ROUNDS: usize = 4;

/// Parses `text`, mending tree-sitter-bash's misreading of a newline after a
/// pipeline.
///
/// After a pipeline of three or more stages, when an `&&`/`||` list follows
/// on a later line, tree-sitter-bash (0.25) glues the lines in between onto
/// the pipeline's last command: `a | b | c` ⏎ `rm -rf ~ && true` comes out as
/// the command `c rm -rf ~`, hiding the `rm` from every rule (comments in
/// between are swallowed the same way). Bash ends a simple command at every
/// newline that is not escaped. So a command node whose words are separated
/// by an unescaped newline, or that contains a comment, is misread (as are
/// a redirection glued on from the next line, `a | b | c` ⏎ `> f && d`, and
/// a redirection whose "destinations" run into the next line, `… > out` ⏎
/// `g | h`, and assignments on two lines read as one statement): the
/// newline (or the blank before the comment) is replaced by `;`, which
/// means the same to bash and keeps every byte offset, and the text is
/// parsed again. The returned flag says a misreading was still there after
/// [`MAX_MEND_ROUNDS`] rounds.
fn parse_mended(mut text: String) -> (String, Option<Tree>, bool) {
    let mut tree = parse(&text);
    let pipes = text.bytes().filter(|&b| b == b'|').count();
    if pipes < 2 || !text.contains('\n') {
        return (text, tree, false);
    }
    for _ in 0..MAX_MEND_ROUNDS {
        let Some(t) = tree.as_ref() else {
            return (text, tree, false);
        };
        let fixes = misread_commands(t, &text);
        if fixes.is_empty() {
            return (text, tree, false);
        }
        let mut bytes = text.into_bytes();
        for at in fixes {
            if let Some(b) = bytes.get_mut(at) {
                *b = b';';
            }
        }
        // Only ASCII blanks and newlines were replaced: still UTF-8.
        text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        tree = parse(&text);
    }
    let still = tree
        .as_ref()
        .is_some_and(|t| !misread_commands(t, &text).is_empty());
    (text, tree, still)
}

/// The byte to replace by `;` in each misread command node (see
/// [`parse_mended`]).
fn misread_commands(tree: &Tree, text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut fixes = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        if matches!(
            node.kind(),
            "command"
                | "redirected_statement"
                | "file_redirect"
                | "variable_assignments"
                | "declaration_command"
                | "unset_command"
        ) {
            for pair in children.windows(2) {
                let (x, y) = (pair[0], pair[1]);
                let (from, to) = (x.end_byte(), y.start_byte());
                if y.kind() == "comment" {
                    // `c # note` ⏎ `d`: end the command before the comment.
                    if to > from && matches!(bytes.get(to - 1), Some(b' ' | b'\t')) {
                        fixes.push(to - 1);
                    }
                    break;
                }
                let newline = (from..to).find(|&i| {
                    bytes.get(i) == Some(&b'\n') && (i == 0 || bytes.get(i - 1) != Some(&b'\\'))
                });
                if let Some(at) = newline {
                    fixes.push(at);
                    break;
                }
            }
        }
        stack.extend(children);
    }
    fixes
}

impl Source {
    /// Parses `text` into a source at offset `base` (see [`parse_mended`]).
    pub fn new(text: String, base: usize) -> Source {
        let (text, tree, misread) = parse_mended(text);
        Source {
            text,
            tree,
            simple: None,
            misread,
            base,
        }
    }

    /// A source read by the simple-subset lexer (no syntax tree).
    pub fn simple(text: String, script: crate::shell::simple::Script, base: usize) -> Source {
        Source {
            text,
            tree: None,
            simple: Some(script),
            misread: false,
            base,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sexp(text: &str) -> String {
        let (_, tree, still) = parse_mended(text.to_string());
        assert!(!still, "{text:?} still misread");
        tree.map(|t| t.root_node().to_sexp()).unwrap_or_default()
    }

    #[test]
    fn a_newline_after_a_long_pipeline_ends_the_command() {
        // Unmended, tree-sitter reads `c rm -rf ~` as one command.
        let bad = parse("a | b | c\nrm -rf ~ && true").map(|t| t.root_node().to_sexp());
        let unmended = bad.unwrap_or_default();
        let mended = sexp("a | b | c\nrm -rf ~ && true");
        assert_ne!(unmended, mended);
        assert_eq!(mended, sexp("a | b | c;rm -rf ~ && true"));
        assert_eq!(
            sexp("a | b | c # note\nd && e"),
            sexp("a | b | c;# note\nd && e")
        );
        assert_eq!(sexp("a | b | c\nd\ne && f"), sexp("a | b | c;d;e && f"));
        assert_eq!(sexp("a | b | c\n> f && e"), sexp("a | b | c;> f && e"));
        assert_eq!(
            sexp("a | b && c | d | e | f > out\n\ng | h > out\n"),
            sexp("a | b && c | d | e | f > out;\ng | h > out\n")
        );
        assert_eq!(
            sexp("b | c | x=1\nv=$(d) && e"),
            sexp("b | c | x=1;\nv=$(d) && e")
        );
        // A line continuation joins the lines in bash too.
        let (text, _, _) = parse_mended("a | b | c \\\nd && e".to_string());
        assert_eq!(text, "a | b | c \\\nd && e");
        // Heredoc bodies are left alone.
        let h = "a | b | cat <<EOF\nx y\nEOF\nd && e";
        assert_eq!(parse_mended(h.to_string()).0, h);
    }
}
