//! Secret detection over the shared development corpus
//! (`../shared/corpus/cases.jsonl`): no allowed case may hold a "secret"
//! (false positives block everyday work), and the cases that plant fake keys
//! are found.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::secrets::scan_json;
use serde_json::Value;

fn corpus() -> Option<Vec<Value>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/cases.jsonl"
    );
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

#[test]
fn no_false_positives_on_allowed_cases() {
    let Some(cases) = corpus() else {
        eprintln!("shared corpus not found; skipping");
        return;
    };
    let allowed: Vec<&Value> = cases.iter().filter(|c| c["expect"] == "allow").collect();
    assert!(allowed.len() > 300, "{} allowed cases", allowed.len());
    let flagged: Vec<String> = allowed
        .iter()
        .filter_map(|c| {
            let kinds = scan_json(&c["tool_input"]);
            (!kinds.is_empty()).then(|| format!("{}: {kinds:?}", c["id"]))
        })
        .collect();
    assert!(
        flagged.is_empty(),
        "{} of {} allowed cases flagged:\n{}",
        flagged.len(),
        allowed.len(),
        flagged.join("\n")
    );
}

#[test]
fn planted_fake_keys_are_found() {
    let Some(cases) = corpus() else { return };
    for id in ["web-020", "web-021", "mcp-019"] {
        let case = cases.iter().find(|c| c["id"] == id).unwrap();
        assert!(
            !scan_json(&case["tool_input"]).is_empty(),
            "{id} not flagged"
        );
    }
}
