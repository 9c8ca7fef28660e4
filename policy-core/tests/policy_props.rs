//! Property tests of decision combination: more deny rules never relax a
//! decision, evaluation is deterministic, and an allow covers a call only when
//! every simple command is allowed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::policy::{Decision, Env, Policy};
use policy_core::{ShellOptions, ToolCall};
use proptest::prelude::*;

const PROGRAMS: &[&str] = &["ls", "git", "rm", "curl", "npm", "cargo", "echo", "cat"];

fn severity(d: Decision) -> u8 {
    match d {
        Decision::Pass => 0,
        Decision::Allow => 1,
        Decision::Ask => 2,
        Decision::Deny => 3,
    }
}

fn policy(rules: &[(usize, Decision)]) -> Policy {
    let mut y = String::from("version: 1\nrules:\n");
    if rules.is_empty() {
        y = String::from("version: 1\nrules: []\n");
    }
    for (i, (p, d)) in rules.iter().enumerate() {
        y.push_str(&format!(
            "  - {{id: r{i}, decision: {}, message: m, match: {{program: {}}}}}\n",
            d.as_str(),
            PROGRAMS[*p % PROGRAMS.len()]
        ));
    }
    Policy::from_yaml(&y).unwrap()
}

fn command() -> impl Strategy<Value = String> {
    let seg = (0..PROGRAMS.len(), "[a-z]{0,5}").prop_map(|(p, a)| format!("{} {a}", PROGRAMS[p]));
    let sep = prop_oneof![Just(" && "), Just("; "), Just(" | "), Just(" || ")];
    (seg.clone(), prop::collection::vec((sep, seg), 0..4)).prop_map(|(first, rest)| {
        let mut s = first;
        for (sep, seg) in rest {
            s.push_str(sep);
            s.push_str(&seg);
        }
        s
    })
}

fn decision_strategy() -> impl Strategy<Value = Decision> {
    prop_oneof![
        Just(Decision::Allow),
        Just(Decision::Ask),
        Just(Decision::Deny)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_rule_never_relaxes(rules in prop::collection::vec((0..8usize, decision_strategy()), 0..6), extra in 0..8usize, cmd in command()) {
        let o = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let env = Env::new(&o, "/home/dev/project");
        let call = ToolCall::bash(&cmd);
        let before = policy(&rules).evaluate(&call, &o, &env).decision;
        let mut more = rules.clone();
        more.push((extra, Decision::Deny));
        let after = policy(&more).evaluate(&call, &o, &env).decision;
        prop_assert!(severity(after) >= severity(before) || before == Decision::Allow && after == Decision::Pass,
            "{cmd}: {before:?} → {after:?}");
        prop_assert!(!(before == Decision::Deny && after != Decision::Deny));
        // Determinism.
        let again = policy(&more).evaluate(&call, &o, &env).decision;
        prop_assert_eq!(after, again);
    }

    /// The candidate-rule index never drops a rule: the rules that hit are exactly
    /// those whose matcher holds for some action.
    #[test]
    fn candidate_index_finds_every_matching_rule(rules in prop::collection::vec((0..8usize, decision_strategy()), 0..8), cmd in command()) {
        let mut y = String::from("version: 1\nrules:\n");
        for (i, (p, d)) in rules.iter().enumerate() {
            // Every third rule has no program (generic), the others are indexed.
            let m = if i % 3 == 2 { format!("{{any_arg: [{}]}}", PROGRAMS[*p % PROGRAMS.len()]) } else { format!("{{program: {}}}", PROGRAMS[*p % PROGRAMS.len()]) };
            y.push_str(&format!("  - {{id: r{i}, decision: {}, message: m, match: {m}}}\n", d.as_str()));
        }
        if rules.is_empty() {
            y = "version: 1\nrules: []\n".into();
        }
        let p = Policy::from_yaml(&y).unwrap();
        let o = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let env = Env::new(&o, "/home/dev/project");
        let call = ToolCall::bash(&cmd);
        let v = p.evaluate(&call, &o, &env);
        for (i, r) in p.rules.iter().enumerate() {
            let brute = p.rule_matches(i, &call, &policy_core::normalize(&call, &o), &env);
            let indexed = v.hits.iter().any(|h| h.rule == r.rule.id);
            prop_assert_eq!(brute, indexed, "{} rule {}", cmd, r.rule.id);
        }
    }

    #[test]
    fn allow_needs_every_command_allowed(allowed in prop::collection::btree_set(0..8usize, 0..8), cmd in command()) {
        let rules: Vec<(usize, Decision)> = allowed.iter().map(|p| (*p, Decision::Allow)).collect();
        let p = policy(&rules);
        let o = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let env = Env::new(&o, "/home/dev/project");
        let v = p.evaluate(&ToolCall::bash(&cmd), &o, &env);
        let programs: Vec<String> = v.actions.iter().filter_map(|a| match a {
            policy_core::Action::Exec(e) => e.program.clone(),
            _ => None,
        }).collect();
        let all_allowed = !programs.is_empty() && programs.iter().all(|prog| allowed.iter().any(|i| PROGRAMS[*i] == prog));
        prop_assert_eq!(v.decision == Decision::Allow, all_allowed, "{} {:?}", cmd, programs);
    }
}
