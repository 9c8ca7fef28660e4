//! Running rules' own examples: every `match` example must make its rule fire,
//! every `no_match` example must not. `policy-cli test` and `check` use this.

use crate::call::ToolCall;
use crate::options::ShellOptions;
use crate::policy::schema::Example;
use crate::policy::{Env, Policy};
use crate::state::Clock;

/// The world examples are judged in (the corpus's): user `dev`, home
/// `/home/dev`, project and cwd `/home/dev/project`.
pub const EXAMPLE_HOME: &str = "/home/dev";
/// The project root and default cwd of examples.
pub const EXAMPLE_PROJECT: &str = "/home/dev/project";
/// The time examples are judged at unless they give `now`: Wednesday
/// 2026-01-07 10:00:00 UTC (what `wasm` rules see as `now`).
pub const EXAMPLE_NOW: u64 = 1_767_780_000;

/// An example that did not behave.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleFailure {
    /// The rule.
    pub rule: String,
    /// Where the rule is defined.
    pub source: String,
    /// True for a `match` example that did not match; false for a `no_match` that did.
    pub expected_match: bool,
    /// The example, in one line.
    pub example: String,
    /// The normalized actions, one line each.
    pub actions: Vec<String>,
    /// Why the rule could not be evaluated (a `wasm` rule's module failed):
    /// the example fails whatever it expected.
    pub error: Option<String>,
}

/// The time example `e` is judged at: its `now`, else [`EXAMPLE_NOW`].
pub fn example_now(e: &Example) -> u64 {
    match e {
        Example::Call(c) => c.now.unwrap_or(EXAMPLE_NOW),
        Example::Command(_) => EXAMPLE_NOW,
    }
}

/// A rule example as a tool call.
pub fn example_call(e: &Example) -> ToolCall {
    match e {
        Example::Command(c) => {
            let mut call = ToolCall::bash(c);
            call.cwd = Some(EXAMPLE_PROJECT.into());
            call
        }
        Example::Call(c) => {
            let mut call = ToolCall::new(c.tool.clone(), c.input.clone());
            call.cwd = Some(c.cwd.clone().unwrap_or_else(|| EXAMPLE_PROJECT.into()));
            call
        }
    }
}

fn describe(e: &Example) -> String {
    match e {
        Example::Command(c) => c.clone(),
        Example::Call(c) => format!("{} {}", c.tool, c.input),
    }
}

/// Runs the examples of every rule; returns the failures and the number of examples run.
pub fn run_examples(policy: &Policy) -> (Vec<ExampleFailure>, usize) {
    let opts = ShellOptions::for_home(EXAMPLE_HOME, EXAMPLE_PROJECT);
    let mut env = Env::new(&opts, EXAMPLE_PROJECT);
    let mut failures = Vec::new();
    let mut count = 0;
    for (i, r) in policy.rules.iter().enumerate() {
        let cases = r
            .rule
            .examples
            .must_match
            .iter()
            .map(|e| (e, true))
            .chain(r.rule.examples.no_match.iter().map(|e| (e, false)));
        for (e, expected) in cases {
            count += 1;
            let call = example_call(e);
            let actions = crate::normalize::normalize(&call, &opts);
            env.set_clock(Clock::Fixed(example_now(e)));
            let (ok, error) = match policy.rule_example(i, &call, &actions, &env) {
                Ok(m) => (m == expected, None),
                Err(e) => (false, Some(e)),
            };
            if !ok {
                failures.push(ExampleFailure {
                    rule: r.rule.id.clone(),
                    source: r.source.clone(),
                    expected_match: expected,
                    example: describe(e),
                    actions: actions
                        .iter()
                        .map(|a| a.describe_from(Some(EXAMPLE_PROJECT)))
                        .collect(),
                    error,
                });
            }
        }
    }
    (failures, count)
}
