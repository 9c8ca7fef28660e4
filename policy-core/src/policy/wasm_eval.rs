//! Evaluating `wasm` rules during [`Policy::evaluate_actions`]: each runs once
//! per call (when its `match` gate, if any, holds on some action), through the
//! attached [`WasmHost`](crate::policy::external::WasmHost). An `abstain` is no
//! hit; `allow`/`ask`/`deny` are hits with the rule's id and the guest's
//! message; any failure is an `on_error` hit naming the module and the failure.

use crate::action::Action;
use crate::call::ToolCall;
use crate::policy::external::{parse_verdict, GuestVerdict, Input};
use crate::policy::{CompiledRule, Decision, Env, Hit, Policy, WasmRule};

/// The failure message of a `wasm` rule evaluated without a host.
pub(crate) const NO_HOST: &str =
    "no WASM host is available (this program or embedding cannot run WASM rules)";

impl Policy {
    /// The `wasm` rules with their initial gate: rules without `match` run
    /// for every call (attributed to the first action), the others when an
    /// action matches.
    pub(crate) fn wasm_gates(&self) -> Vec<(usize, Option<usize>)> {
        self.wasm_rules
            .iter()
            .filter_map(|&i| {
                let r = self.rules.get(i)?;
                Some((i, r.rule.matcher.is_none().then_some(0)))
            })
            .collect()
    }

    /// Runs the `wasm` rules whose gate opened and appends their hits.
    /// Returns whether one of them allowed the call.
    pub(crate) fn wasm_hits(
        &self,
        call: &ToolCall,
        actions: &[Action],
        env: &Env,
        gates: &[(usize, Option<usize>)],
        hits: &mut Vec<Hit>,
    ) -> bool {
        let mut input: Option<Input> = None;
        let mut allowed = false;
        for &(idx, gate) in gates {
            let (Some(action), Some(r)) = (gate, self.rules.get(idx)) else {
                continue;
            };
            let Some(w) = &r.wasm else { continue };
            let input = input
                .get_or_insert_with(|| Input::new(call, actions, env.session(), env.clock().now()));
            let (decision, message) = match self.run_wasm(r, w, input) {
                Ok(v) => match v.decision.decision() {
                    None => continue,
                    Some(d) => {
                        let m = if v.message.is_empty() {
                            r.rule.message.clone()
                        } else {
                            v.message
                        };
                        (d, m)
                    }
                },
                Err(e) => (self.on_error, e),
            };
            allowed |= decision == Decision::Allow;
            hits.push(Hit {
                rule: r.rule.id.clone(),
                decision,
                message,
                hint: r.rule.hint.clone(),
                layer: None,
                tags: r.rule.tags.clone(),
                action,
                matched: actions
                    .get(action)
                    .map_or_else(|| format!("{} call", call.tool), Action::summary),
            });
        }
        allowed
    }

    /// Runs rule `r`'s module on `input`; the error names the module and the failure.
    pub(crate) fn run_wasm(
        &self,
        r: &CompiledRule,
        w: &WasmRule,
        input: &Input,
    ) -> Result<GuestVerdict, String> {
        let path = w.module.path.display();
        let Some(host) = &self.host.0 else {
            return Err(format!("WASM module {path}: {NO_HOST}"));
        };
        let bytes = input.for_rule(&r.rule.id, &w.config);
        let out = host
            .evaluate(&w.module, &bytes)
            .map_err(|e| format!("WASM module {path}: {e}"))?;
        parse_verdict(&out).map_err(|e| format!("WASM module {path}: {e}"))
    }
}
