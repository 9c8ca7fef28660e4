//! Runs the normalizer over every tool call of the shared development corpus
//! (`../shared/corpus/cases.jsonl`) and checks invariants that hold for all of
//! them: no panic, no empty result for a non-empty command, no parse error for
//! a command that `bash -n` accepts (the corpus validator checks that), and the
//! dangerous evasion forms expose the program they hide.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::{normalize, Action, OpaqueReason, ShellOptions, ToolCall};

fn corpus() -> Option<Vec<serde_json::Value>> {
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

fn opts() -> ShellOptions {
    ShellOptions::for_home("/home/dev", "/home/dev/project")
}

#[test]
fn every_corpus_call_normalizes_without_parse_errors() {
    let Some(cases) = corpus() else {
        eprintln!("shared corpus not found; skipping");
        return;
    };
    assert!(cases.len() >= 600, "corpus has {} cases", cases.len());
    let mut problems = Vec::new();
    for case in &cases {
        let call = ToolCall::from_json(case).unwrap();
        let actions = normalize(&call, &opts());
        let id = case["id"].as_str().unwrap_or("?");
        if actions.is_empty() {
            problems.push(format!("{id}: no actions"));
        }
        for a in &actions {
            if let Action::Opaque(o) = a {
                if matches!(
                    o.reason,
                    OpaqueReason::ParseError
                        | OpaqueReason::BudgetExhausted
                        | OpaqueReason::TooDeep
                        | OpaqueReason::TooLarge
                ) {
                    problems.push(format!("{id}: {}", a.summary()));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Programs that an evasion case hides; the normalized actions must name them
/// (as an exec, a code execution, or a file effect).
#[test]
fn evasions_reveal_what_runs() {
    let Some(cases) = corpus() else { return };
    let mut missing = Vec::new();
    for case in cases
        .iter()
        .filter(|c| c["category"] == "evasion" && c["expect"] == "block")
    {
        let call = ToolCall::from_json(case).unwrap();
        let actions = normalize(&call, &opts());
        let programs: Vec<String> = actions
            .iter()
            .filter_map(|a| match a {
                // A program run by path (`/tmp/x.sh`) counts as revealed: it runs a file.
                Action::Exec(e) if e.name.text().contains('/') => Some("path".into()),
                Action::Exec(e) => e.program.clone(),
                Action::CodeExec(c) => Some(format!("code:{}", c.language)),
                Action::FileDelete(_) => Some("delete".into()),
                Action::Opaque(_) => Some("opaque".into()),
                _ => None,
            })
            .collect();
        let cmd = case["tool_input"]["command"].as_str().unwrap_or("");
        // The hidden danger is one of these, seen after normalization.
        let revealed = programs.iter().any(|p| {
            matches!(
                p.as_str(),
                "rm" | "git"
                    | "cat"
                    | "base64"
                    | "ln"
                    | "curl"
                    | "delete"
                    | "opaque"
                    | "sh"
                    | "bash"
                    | "path"
            ) || p.starts_with("code:")
        });
        if !revealed {
            missing.push(format!("{}: {cmd} → {programs:?}", case["id"]));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Detection and false positives of the builtin policy on the corpus. The
/// starter pack is small (the full packs are their own issue), so only the
/// false-positive bound is asserted: the builtin policy must stay quiet on
/// everyday development. Both rates are printed (`--nocapture`).
#[test]
fn builtin_policy_false_positives_on_corpus() {
    use policy_core::policy::{Decision, Engine, Policy};
    let Some(cases) = corpus() else { return };
    let engine =
        Engine::new(Policy::builtin("default").unwrap(), opts()).with_project("/home/dev/project");
    let (mut blocked, mut block_total, mut fp, mut allow_total) = (0, 0, Vec::new(), 0);
    for case in cases.iter().filter(|c| c["contentious"] != true) {
        let call = ToolCall::from_json(case).unwrap();
        let d = engine.evaluate(&call).decision;
        let flagged = matches!(d, Decision::Deny | Decision::Ask);
        if case["expect"] == "block" {
            block_total += 1;
            blocked += usize::from(flagged);
        } else {
            allow_total += 1;
            if flagged {
                fp.push(format!("{}: {}", case["id"], case["tool_input"]));
            }
        }
    }
    println!(
        "builtin:default on the corpus: detection {blocked}/{block_total} ({:.1} %), false positives {}/{allow_total} ({:.2} %)",
        100.0 * blocked as f64 / block_total.max(1) as f64,
        fp.len(),
        100.0 * fp.len() as f64 / allow_total.max(1) as f64
    );
    assert!(
        fp.len() * 100 <= allow_total,
        "more than 1 % false positives:\n{}",
        fp.join("\n")
    );
}
