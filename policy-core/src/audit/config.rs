//! Where the log goes and how it is written, from the policy layers.

use std::path::PathBuf;

use crate::policy::{AuditFailure, AuditSection};

/// File name of the log inside the default directory.
pub const DEFAULT_FILE: &str = "audit.jsonl";

/// Resolved audit settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditConfig {
    /// The log file (`None`: no path configured and no state directory known).
    pub path: Option<PathBuf>,
    /// Whether to write the log.
    pub enabled: bool,
    /// `fsync` every line.
    pub fsync: bool,
    /// What to do when a line cannot be written.
    pub on_failure: AuditFailure,
}

impl Default for AuditConfig {
    /// The default log ([`AuditConfig::default_path`]), enabled, no fsync, warn.
    fn default() -> AuditConfig {
        AuditConfig {
            path: AuditConfig::default_path(),
            enabled: true,
            fsync: false,
            on_failure: AuditFailure::Warn,
        }
    }
}

impl AuditConfig {
    /// `<state dir>/audit/audit.jsonl` ([`crate::state::default_state_dir`]).
    pub fn default_path() -> Option<PathBuf> {
        crate::state::default_state_dir().map(|d| d.join("audit").join(DEFAULT_FILE))
    }

    /// The settings for a stack of policy layers, given as (layer name,
    /// settings): `path` and `enabled` from the `managed` layer when it sets
    /// them, else from the `user` layer; `fsync: true` and `on_failure:
    /// block` from any layer. A project policy (from a cloned repository) can
    /// make the log stricter but cannot move or disable it. `home` expands a
    /// leading `~/`.
    ///
    /// ```
    /// use policy_core::audit::AuditConfig;
    /// use policy_core::policy::{AuditFailure, AuditSection};
    ///
    /// let user = AuditSection { path: Some("/var/log/agent/audit.jsonl".into()), ..Default::default() };
    /// let project = AuditSection {
    ///     path: Some("/tmp/elsewhere.jsonl".into()),
    ///     enabled: Some(false),
    ///     on_failure: Some(AuditFailure::Block),
    ///     ..Default::default()
    /// };
    /// let c = AuditConfig::from_layers([("user", &user), ("project", &project)], None);
    /// assert_eq!(c.path.unwrap().to_str(), Some("/var/log/agent/audit.jsonl"));
    /// assert!(c.enabled);
    /// assert_eq!(c.on_failure, AuditFailure::Block);
    /// ```
    pub fn from_layers<'a>(
        layers: impl IntoIterator<Item = (&'a str, &'a AuditSection)>,
        home: Option<&str>,
    ) -> AuditConfig {
        let layers: Vec<(&str, &AuditSection)> = layers.into_iter().collect();
        let authority = |get: &dyn Fn(&AuditSection) -> bool| {
            ["managed", "user"]
                .iter()
                .filter_map(|name| layers.iter().find(|(n, _)| n == name))
                .map(|(_, a)| *a)
                .find(|a| get(a))
        };
        let mut c = AuditConfig::default();
        if let Some(p) = authority(&|a| a.path.is_some()).and_then(|a| a.path.as_deref()) {
            c.path = match (p.strip_prefix("~/"), home) {
                (Some(rest), Some(h)) => Some(PathBuf::from(h).join(rest)),
                (Some(_), None) => None,
                (None, _) => Some(PathBuf::from(p)),
            };
        }
        if let Some(e) = authority(&|a| a.enabled.is_some()).and_then(|a| a.enabled) {
            c.enabled = e;
        }
        c.fsync = layers.iter().any(|(_, a)| a.fsync == Some(true));
        if layers
            .iter()
            .any(|(_, a)| a.on_failure == Some(AuditFailure::Block))
        {
            c.on_failure = AuditFailure::Block;
        }
        c
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn managed_wins_project_only_tightens() {
        let managed = AuditSection {
            path: Some("/var/log/a.jsonl".into()),
            enabled: Some(true),
            ..Default::default()
        };
        let user = AuditSection {
            path: Some("~/audit.jsonl".into()),
            enabled: Some(false),
            fsync: Some(false),
            ..Default::default()
        };
        let project = AuditSection {
            fsync: Some(true),
            ..Default::default()
        };
        let c = AuditConfig::from_layers(
            [
                ("managed", &managed),
                ("user", &user),
                ("project", &project),
            ],
            Some("/home/u"),
        );
        assert_eq!(
            c.path.as_deref(),
            Some(std::path::Path::new("/var/log/a.jsonl"))
        );
        assert!(c.enabled && c.fsync);
        let c = AuditConfig::from_layers([("user", &user)], Some("/home/u"));
        assert_eq!(
            c.path.as_deref(),
            Some(std::path::Path::new("/home/u/audit.jsonl"))
        );
        assert!(!c.enabled);
        let c = AuditConfig::from_layers([("user", &user)], None);
        assert_eq!(c.path, None);
    }
}
