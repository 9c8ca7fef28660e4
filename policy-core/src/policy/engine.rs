//! The engine an agent embeds: policy layers plus the environment, built once,
//! `Send + Sync`, evaluating tool calls in microseconds with no I/O except
//! finding the project root when it was not given.

use std::sync::Arc;

use crate::action::Action;
use crate::call::ToolCall;
use crate::options::ShellOptions;
use crate::policy::external::WasmHost;
use crate::policy::{Decision, Env, Policy, PolicyError, Verdict};
use crate::state::Clock;

/// One policy layer.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Name for explanations (`managed`, `user`, `project`, `builtin`).
    pub name: String,
    /// The policy.
    pub policy: Policy,
    /// Whether this layer's `allow` may skip the agent's own prompt. A project
    /// policy from a cloned repository should not: it may add denies and asks,
    /// but its allows count as `pass`.
    pub may_allow: bool,
}

/// A policy engine: layers combined by strictness.
///
/// ```
/// use policy_core::policy::{Decision, Engine, Policy};
/// use policy_core::{ShellOptions, ToolCall};
///
/// let engine = Engine::new(Policy::builtin("default").unwrap(), ShellOptions::for_home("/home/dev", "/home/dev/project"))
///     .with_project("/home/dev/project");
/// let verdict = engine.evaluate(&ToolCall::bash("echo cm0gLXJmIC8= | base64 -d | sh"));
/// assert_eq!(verdict.decision, Decision::Deny);
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    layers: Vec<Layer>,
    opts: ShellOptions,
    project: Option<String>,
    clock: Clock,
}

impl Engine {
    /// An engine with one trusted policy.
    pub fn new(policy: Policy, opts: ShellOptions) -> Engine {
        Engine::layered(
            vec![Layer {
                name: "policy".into(),
                policy,
                may_allow: true,
            }],
            opts,
        )
    }

    /// An engine over several layers (managed, user, project, builtin …). The
    /// strictest decision wins: any layer's deny or ask stands whatever other
    /// layers say; an allow needs a layer that may allow, and no layer asking or
    /// denying.
    pub fn layered(layers: Vec<Layer>, opts: ShellOptions) -> Engine {
        Engine {
            layers,
            opts,
            project: None,
            clock: Clock::System,
        }
    }

    /// Loads one policy file (and what it extends).
    pub fn from_path(path: &str, opts: ShellOptions) -> Result<Engine, PolicyError> {
        Ok(Engine::new(Policy::from_file(path)?, opts))
    }

    /// Fixes the project root (otherwise: the git toplevel of each call's cwd).
    pub fn with_project(mut self, project: &str) -> Engine {
        self.project = Some(project.to_string());
        self
    }

    /// Attaches the host that runs `wasm` rules to every layer (see
    /// [`Policy::with_wasm_host`]). Attaching costs nothing until a `wasm`
    /// rule runs.
    pub fn with_wasm_host(mut self, host: Arc<dyn WasmHost>) -> Engine {
        for l in &mut self.layers {
            l.policy.set_wasm_host(Some(Arc::clone(&host)));
        }
        self
    }

    /// The clock `wasm` rules read `now` from (default: the system clock).
    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    /// The layers.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Whether any layer has a `wasm` rule (the only rules that read the
    /// session facts of [`Engine::evaluate_with_session`]).
    ///
    /// ```
    /// use policy_core::policy::{Engine, Policy};
    /// use policy_core::ShellOptions;
    ///
    /// let engine = Engine::new(Policy::builtin("default").unwrap(), ShellOptions::default());
    /// assert!(!engine.has_wasm_rules());
    /// ```
    pub fn has_wasm_rules(&self) -> bool {
        self.layers.iter().any(|l| l.policy.has_wasm_rules())
    }

    /// The rate limits and taint settings of every layer, combined by
    /// strictness: every layer's limits apply; taint is tracked when any
    /// layer tracks it (see [`crate::state::TaintConfig::combine`]).
    pub fn state_policy(&self) -> crate::state::StatePolicy {
        let mut out = crate::state::StatePolicy::default();
        for layer in &self.layers {
            for l in &layer.policy.rate_limits {
                let mut l = l.clone();
                if out.rate_limits.iter().any(|x| x.id == l.id) {
                    l.id = format!("{}.{}", layer.name, l.id);
                }
                out.rate_limits.push(l);
            }
            out.taint.combine(&layer.policy.taint);
        }
        out
    }

    /// Evaluates a call against every layer.
    pub fn evaluate(&self, call: &ToolCall) -> Verdict {
        self.evaluate_with_session(call, &serde_json::Value::Object(serde_json::Map::new()))
    }

    /// Evaluates a call against every layer, with facts about the agent
    /// session (taint, counts) that `wasm` rules receive as `session`.
    pub fn evaluate_with_session(&self, call: &ToolCall, session: &serde_json::Value) -> Verdict {
        let cwd = call.cwd.clone().or_else(|| self.opts.cwd.clone());
        let project = match &self.project {
            Some(p) => p.clone(),
            None => crate::paths::project_root(cwd.as_deref().unwrap_or("/")),
        };
        let mut env = Env::new(&self.opts, &project);
        env.set_clock(self.clock);
        if session.as_object().is_none_or(|o| !o.is_empty()) {
            env.set_session(session.clone());
        }
        let opts_owned;
        let opts = match &call.cwd {
            Some(c) if self.opts.cwd.as_deref() != Some(c.as_str()) => {
                opts_owned = ShellOptions {
                    cwd: Some(c.clone()),
                    ..self.opts.clone()
                };
                &opts_owned
            }
            _ => &self.opts,
        };
        let actions = crate::normalize::normalize(call, opts);
        let mut decision = Decision::Pass;
        let mut hits = Vec::new();
        // The actions every hit's `action` indexes: the normalized ones
        // completed with their effects (`rm x` deleting `x`). Each layer
        // completes them the same way (the program table and the file
        // system, not the policy, decide effects); the first layer's are kept.
        let mut completed: Option<Vec<Action>> = None;
        for layer in &self.layers {
            let mut v = layer.policy.evaluate_actions(call, actions.clone(), &env);
            if completed.is_none() {
                completed = Some(std::mem::take(&mut v.actions));
            }
            let d = if v.decision == Decision::Allow && !layer.may_allow {
                Decision::Pass
            } else {
                v.decision
            };
            if d > decision {
                decision = d;
            }
            hits.extend(v.hits.into_iter().map(|mut h| {
                if self.layers.len() > 1 {
                    h.layer = Some(layer.name.clone());
                }
                h
            }));
        }
        Verdict {
            decision,
            hits,
            actions: completed.unwrap_or(actions),
        }
    }
}
