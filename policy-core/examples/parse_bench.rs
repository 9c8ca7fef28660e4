//! Scratch: times tree-sitter parsing alone.
fn main() {
    let mut p = tree_sitter::Parser::new();
    let _ = p.set_language(&tree_sitter_bash::LANGUAGE.into());
    for src in std::env::args()
        .skip(1)
        .collect::<Vec<_>>()
        .iter()
        .map(String::as_str)
    {
        let t = std::time::Instant::now();
        let mut e = false;
        for _ in 0..10000 {
            let tree = p.parse(src, None);
            e |= tree.map(|t| t.root_node().has_error()).unwrap_or(true);
        }
        println!("{src:?}: {:?} per parse, error={e}", t.elapsed() / 10000);
    }
}
