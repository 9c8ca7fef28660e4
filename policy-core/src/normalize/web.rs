//! Web tools → network actions.

use serde_json::Value;

use crate::action::{Action, NetAccess, NetDirection, Origin};

/// The host and port of a URL (`scheme://[user@]host[:port]/...`), lower-cased.
pub(crate) fn host_port(url: &str) -> (Option<String>, Option<u16>) {
    let Some((_, rest)) = url.split_once("://") else {
        return (None, None);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').unwrap_or((v6, ""));
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return (Some(host.to_ascii_lowercase()), port);
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => {
            (Some(h.to_ascii_lowercase()), p.parse().ok())
        }
        _ => (Some(authority.to_ascii_lowercase()), None),
    }
}

pub(super) fn normalize(tool: &str, input: &Value) -> Vec<Action> {
    if tool == "WebSearch" {
        return vec![Action::Net(NetAccess {
            url: None,
            host: None,
            port: None,
            direction: NetDirection::Search,
            via: "tool:WebSearch".into(),
            origin: Origin::default(),
        })];
    }
    let Some(url) = input.get("url").and_then(Value::as_str) else {
        return vec![super::bad_input(tool, "`url` is missing or not a string")];
    };
    let (host, port) = host_port(url);
    vec![Action::Net(NetAccess {
        url: Some(url.to_string()),
        host,
        port,
        direction: NetDirection::Fetch,
        via: format!("tool:{tool}"),
        origin: Origin::default(),
    })]
}

#[cfg(test)]
mod tests {
    use super::host_port;

    #[test]
    fn hosts() {
        assert_eq!(
            host_port("https://user:pw@Example.com:8443/x"),
            (Some("example.com".into()), Some(8443))
        );
        assert_eq!(
            host_port("http://[::1]:80/"),
            (Some("::1".into()), Some(80))
        );
        assert_eq!(host_port("file:///etc/passwd"), (Some(String::new()), None));
    }
}
