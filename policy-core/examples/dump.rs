//! Scratch: dumps the tree-sitter tree of each argument.
fn main() {
    for src in std::env::args().skip(1) {
        let mut p = tree_sitter::Parser::new();
        let _ = p.set_language(&tree_sitter_bash::LANGUAGE.into());
        let Some(t) = p.parse(&src, None) else {
            continue;
        };
        let mut c = t.walk();
        let mut depth = 0;
        'outer: loop {
            let n = c.node();
            println!(
                "{}{}{} {:?}",
                "  ".repeat(depth),
                c.field_name().map(|f| format!("{f}: ")).unwrap_or_default(),
                n.kind(),
                &src[n.byte_range()]
            );
            if c.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if c.goto_next_sibling() {
                    break;
                }
                if !c.goto_parent() {
                    break 'outer;
                }
                depth -= 1;
            }
        }
    }
}
