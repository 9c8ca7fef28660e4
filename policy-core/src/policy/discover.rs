//! Finding the policies that apply to a call, and stacking them into layers.
//!
//! | layer | from | may allow |
//! | --- | --- | --- |
//! | `managed` | `/etc/agent-policy/policy.yaml` (set by an administrator) | yes |
//! | `self` | `builtin:self-protection` plus the installation's own paths | no (it only denies and asks) |
//! | `user` | `--policy`, else `AGENT_POLICY_FILE`, else `$XDG_CONFIG_HOME/agent-policy/policy.yaml` (default `~/.config/agent-policy/policy.yaml`), else `builtin:default` | yes |
//! | `project` | `.agent-policy.yaml` at the git toplevel of the call's `cwd` | no |
//!
//! Layers combine by strictness ([`Engine::layered`]): any layer's deny or ask
//! stands; an allow needs a layer that may allow and no layer asking or
//! denying. A project policy arrives with a cloned repository, so it can
//! tighten but never relax: its allows count as `pass`.
//!
//! A policy file that is named explicitly but missing, or any discovered file
//! that does not load, is an error: the hook blocks rather than guess.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::options::ShellOptions;
use crate::policy::cache::CacheConfig;
use crate::policy::{Engine, Layer, Policy, PolicyError, Source};

/// The managed (administrator) policy file.
pub const MANAGED_POLICY: &str = "/etc/agent-policy/policy.yaml";
/// The project policy's file name, at the git toplevel.
pub const PROJECT_POLICY: &str = ".agent-policy.yaml";

/// Where to look for policies.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// An explicit policy file (`--policy` or `AGENT_POLICY_FILE`): replaces the
    /// user layer and must exist.
    pub explicit: Option<PathBuf>,
    /// The user's home directory.
    pub home: Option<String>,
    /// `XDG_CONFIG_HOME`, when set.
    pub config_home: Option<String>,
    /// The managed policy file (default [`MANAGED_POLICY`]); `None` skips it.
    pub managed: Option<PathBuf>,
    /// Paths of this installation the agent may not write or delete (the hook
    /// binary, the state and cache directories, the explicit policy file).
    pub protect: Vec<String>,
    /// Whether to add the `self` layer (on by default through [`Discovery::from_env`]).
    pub self_protection: bool,
    /// The project root, when the agent names it (Claude Code's
    /// `CLAUDE_PROJECT_DIR`); otherwise the git toplevel of the call's `cwd`.
    pub project: Option<String>,
    /// The compiled-policy cache (see [`cache`](crate::policy::cache)); the
    /// default is no cache.
    pub cache: CacheConfig,
}

/// The layers found for one working directory, with where each came from.
#[derive(Debug, Clone)]
pub struct Found {
    /// The layers, strictest authority first.
    pub layers: Vec<Layer>,
    /// For each layer, the file it was loaded from (or `builtin:NAME`).
    pub origins: Vec<String>,
}

impl Found {
    /// An engine over these layers.
    pub fn engine(self, opts: ShellOptions) -> Engine {
        Engine::layered(self.layers, opts)
    }
}

impl Discovery {
    /// Discovery as the hook does it: `explicit` from `--policy`, else
    /// `AGENT_POLICY_FILE`; `HOME`, `XDG_CONFIG_HOME` from the environment;
    /// the managed file at [`MANAGED_POLICY`]; self-protection on.
    pub fn from_env(explicit: Option<PathBuf>) -> Discovery {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let explicit = explicit.or_else(|| var("AGENT_POLICY_FILE").map(PathBuf::from));
        let mut protect = Vec::new();
        if let Some(p) = explicit
            .as_ref()
            .filter(|p| !p.to_string_lossy().starts_with("builtin:"))
        {
            protect.push(
                crate::paths::absolutize(
                    &p.to_string_lossy(),
                    std::env::current_dir()
                        .ok()
                        .as_deref()
                        .and_then(Path::to_str),
                )
                .unwrap_or_else(|| p.to_string_lossy().into_owned()),
            );
        }
        Discovery {
            explicit,
            home: var("HOME"),
            config_home: var("XDG_CONFIG_HOME"),
            managed: Some(PathBuf::from(MANAGED_POLICY)),
            protect,
            self_protection: true,
            cache: CacheConfig::from_env(),
            project: var("CLAUDE_PROJECT_DIR").filter(|p| p.starts_with('/')),
        }
    }

    /// The user's policy file, when no explicit one is given.
    pub fn user_file(&self) -> Option<PathBuf> {
        let base = match (&self.config_home, &self.home) {
            (Some(c), _) => PathBuf::from(c),
            (None, Some(h)) => Path::new(h).join(".config"),
            (None, None) => return None,
        };
        Some(base.join("agent-policy").join("policy.yaml"))
    }

    /// The project policy file for `cwd`, if there is one.
    pub fn project_file(&self, cwd: &str) -> Option<PathBuf> {
        let root = self
            .project
            .clone()
            .unwrap_or_else(|| crate::paths::project_root(cwd));
        let p = Path::new(&root).join(PROJECT_POLICY);
        p.is_file().then_some(p)
    }

    /// Finds and loads the layers for a call whose working directory is `cwd`.
    ///
    /// ```
    /// use policy_core::policy::discover::Discovery;
    /// let dir = tempfile::tempdir().unwrap();
    /// let d = Discovery { home: Some(dir.path().to_string_lossy().into()), self_protection: true, ..Discovery::default() };
    /// let found = d.find(&dir.path().to_string_lossy()).unwrap();
    /// // No user or project policy: self-protection plus the builtin default.
    /// assert_eq!(found.origins, ["builtin:self-protection", "builtin:default"]);
    /// ```
    pub fn find(&self, cwd: &str) -> Result<Found, PolicyError> {
        let mut layers = Vec::new();
        let mut origins = Vec::new();
        if let Some(m) = &self.managed {
            if m.is_file() {
                layers.push(layer("managed", self.load_file(m)?, true));
                origins.push(m.to_string_lossy().into_owned());
            }
        }
        if self.self_protection {
            layers.push(layer(
                "self",
                self.load(Source::Builtin("self-protection".into()))?,
                false,
            ));
            origins.push("builtin:self-protection".into());
            if let Some(p) = self.installation_policy()? {
                layers.push(layer("self", p, false));
                origins.push("installation paths".into());
            }
        }
        let (user, origin) = match &self.explicit {
            Some(p) => {
                let name = p.to_string_lossy().into_owned();
                let policy = match name.strip_prefix("builtin:") {
                    Some(b) => self.load(Source::Builtin(b.to_string()))?,
                    None => self.load_file(p)?,
                };
                (policy, name)
            }
            None => match self.user_file().filter(|p| p.is_file()) {
                Some(p) => (self.load_file(&p)?, p.to_string_lossy().into_owned()),
                None => (
                    self.load(Source::Builtin("default".into()))?,
                    "builtin:default".to_string(),
                ),
            },
        };
        layers.push(layer("user", user, true));
        origins.push(origin);
        if let Some(p) = self.project_file(cwd) {
            layers.push(layer("project", self.load_file(&p)?, false));
            origins.push(p.to_string_lossy().into_owned());
        }
        Ok(Found { layers, origins })
    }

    fn load(&self, source: Source) -> Result<Policy, PolicyError> {
        Policy::load_cached(source, &self.cache)
    }

    fn load_file(&self, path: &Path) -> Result<Policy, PolicyError> {
        self.load(Source::File(path.to_path_buf()))
    }

    /// A `self.installation` rule for [`Discovery::protect`], if any paths are
    /// given (its own small layer beside `builtin:self-protection`, which is
    /// cached).
    fn installation_policy(&self) -> Result<Option<Policy>, PolicyError> {
        self.protection_policy(&self.protect)
    }

    /// A `self`-layer policy denying writes and deletes of `paths` (and
    /// everything under them): for paths known only after the policies are
    /// loaded, such as a configured audit log (`audit.path`).
    pub fn protection_layer(&self, paths: &[String]) -> Result<Option<Layer>, PolicyError> {
        Ok(self
            .protection_policy(paths)?
            .map(|p| layer("self", p, false)))
    }

    fn protection_policy(&self, paths: &[String]) -> Result<Option<Policy>, PolicyError> {
        let mut globs = Vec::new();
        for p in paths.iter().filter(|p| p.starts_with('/')) {
            let p = crate::paths::normalize_lexically(p);
            let e = globset::escape(&p);
            globs.push(e.clone());
            globs.push(format!("{e}/**"));
        }
        if globs.is_empty() {
            return Ok(None);
        }
        let name = "self-protection (installation paths)";
        // Built in memory, not cached: one rule with literal path globs
        // compiles in microseconds, and a cache entry per set of installation
        // paths (state directories differ between users, tests and CI jobs)
        // would only push the big cached policies out. Deserialized from a
        // JSON value, not parsed as YAML text (0.2 M instructions a call).
        let value = json!({
            "version": 1,
            "rules": [{
                "id": "self.installation",
                "decision": "deny",
                "tags": ["self-protection"],
                "message": "The agent may not change agent-policy's own binary, policy, state or cache",
                "hint": "tell the user what you need changed; they can do it themselves",
                "match": {
                    "action": ["file_write", "file_delete"],
                    "path_unknown": false,
                    "path": globs,
                }
            }]
        });
        let file = serde_json::from_value(value).map_err(|e| PolicyError::Invalid {
            path: name.into(),
            message: e.to_string(),
        })?;
        Policy::from_trusted(vec![super::load::Loaded {
            name: name.into(),
            file,
        }])
        .map(Some)
    }
}

fn layer(name: &str, policy: Policy, may_allow: bool) -> Layer {
    Layer {
        name: name.into(),
        policy,
        may_allow,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::policy::Decision;
    use crate::ToolCall;

    fn write(path: &Path, text: &str) {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    fn decide(found: Found, home: &str, cwd: &str, command: &str) -> Decision {
        let engine = found.engine(ShellOptions::for_home(home, cwd));
        let mut call = ToolCall::bash(command);
        call.cwd = Some(cwd.into());
        engine.evaluate(&call).decision
    }

    #[test]
    fn project_policy_tightens_but_never_relaxes() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_string_lossy().into_owned();
        let project = home.path().join("project");
        std::fs::create_dir_all(project.join(".git")).unwrap();
        write(
            &project.join(PROJECT_POLICY),
            "version: 1\ndefault: allow\nrules:\n  - {id: p.allow-push, decision: allow, message: ok, match: {program: git}}\n  - {id: p.no-make, decision: deny, message: no make here, match: {program: make}}\n",
        );
        let d = Discovery {
            home: Some(h.clone()),
            self_protection: true,
            ..Discovery::default()
        };
        let p = project.to_string_lossy().into_owned();
        let found = d.find(&p).unwrap();
        assert_eq!(found.origins.len(), 3);
        assert_eq!(
            decide(found.clone(), &h, &p, "git push --force origin main"),
            Decision::Deny
        );
        assert_eq!(decide(found.clone(), &h, &p, "make all"), Decision::Deny);
        // The project's allow and `default: allow` count as pass.
        assert_eq!(decide(found.clone(), &h, &p, "git status"), Decision::Pass);
        assert_eq!(decide(found, &h, &p, "ls"), Decision::Pass);
    }

    #[test]
    fn user_file_replaces_builtin_and_explicit_replaces_user() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_string_lossy().into_owned();
        let user = home.path().join(".config/agent-policy/policy.yaml");
        write(&user, "version: 1\nrules:\n  - {id: u.ls, decision: ask, message: ls?, match: {program: ls}}\n");
        let d = Discovery {
            home: Some(h.clone()),
            self_protection: true,
            ..Discovery::default()
        };
        let found = d.find(&h).unwrap();
        assert_eq!(found.origins[1], user.to_string_lossy());
        assert_eq!(decide(found, &h, &h, "ls"), Decision::Ask);

        let explicit = home.path().join("strict.yaml");
        write(&explicit, "version: 1\nrules:\n  - {id: e.cat, decision: deny, message: no cat, match: {program: cat}}\n");
        let d = Discovery {
            explicit: Some(explicit.clone()),
            ..d
        };
        let found = d.find(&h).unwrap();
        assert_eq!(decide(found.clone(), &h, &h, "ls"), Decision::Pass);
        assert_eq!(decide(found, &h, &h, "cat x"), Decision::Deny);

        let missing = Discovery {
            explicit: Some(home.path().join("nope.yaml")),
            ..Discovery::default()
        };
        assert!(missing.find(&h).is_err());
    }

    #[test]
    fn broken_project_policy_is_an_error() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_string_lossy().into_owned();
        write(&home.path().join(PROJECT_POLICY), "version: 1\nrules: [\n");
        let d = Discovery {
            home: Some(h.clone()),
            ..Discovery::default()
        };
        let e = d.find(&h).unwrap_err().to_string();
        assert!(e.contains(PROJECT_POLICY), "{e}");
    }

    #[test]
    fn installation_paths_are_protected() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_string_lossy().into_owned();
        let d = Discovery {
            home: Some(h.clone()),
            protect: vec![
                "/opt/agent policy/bin/policy-cli".into(),
                "/var/state/ap".into(),
                "/srv/odd[1]*dir".into(),
            ],
            self_protection: true,
            ..Discovery::default()
        };
        let found = d.find(&h).unwrap();
        for cmd in [
            "cp /tmp/evil '/opt/agent policy/bin/policy-cli'",
            "rm -rf /var/state/ap",
            "echo 0 > /var/state/ap/session.json",
            "rm -rf '/srv/odd[1]*dir'",
        ] {
            assert_eq!(decide(found.clone(), &h, &h, cmd), Decision::Deny, "{cmd}");
        }
        // Glob characters in a protected path are literal (the layer's globs
        // are escaped, and compiled only when first needed).
        let engine = found.clone().engine(ShellOptions::for_home(&h, &h));
        let v = engine.evaluate(&ToolCall::bash("rm -rf /srv/odd1xdir"));
        assert!(
            !v.hits.iter().any(|x| x.rule == "self.installation"),
            "{:?}",
            v.hits
        );
        // Reading is not refused by self-protection (the default policy asks
        // for reads outside the roots, which /var/state is).
        let engine = found.engine(ShellOptions::for_home(&h, &h));
        let v = engine.evaluate(&ToolCall::bash("cat /var/state/ap/session.json"));
        assert!(
            !v.hits.iter().any(|x| x.rule.starts_with("self.")),
            "{:?}",
            v.hits
        );
        assert_ne!(v.decision, Decision::Deny);
    }
}
