//! The audit log: appends chain, tampering is found at the right line,
//! crashes are told apart from edits, concurrent writers keep one chain, and
//! no secret value reaches the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use policy_core::audit::head::{self, Head};
use policy_core::audit::{verify, AuditError, AuditLog, Entry, Problem};
use serde_json::json;

fn entry(i: usize) -> Entry {
    Entry {
        time: 1_700_000_000 + i as u64,
        session: Some("s".into()),
        agent: Some("claude".into()),
        event: "PreToolUse".into(),
        tool: Some("Bash".into()),
        decision: if i.is_multiple_of(2) { "allow" } else { "deny" }.into(),
        input: json!({"command": format!("echo {i}")}),
        ..Entry::default()
    }
}

/// A log of `n` records in a fresh directory.
fn log_of(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::new(&path);
    for i in 0..n {
        log.append(&entry(i)).unwrap();
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The first broken line and its problem.
fn first_broken(path: &Path) -> Option<(u64, Problem)> {
    verify(path).unwrap().broken.map(|b| (b.line, b.problem))
}

#[test]
fn a_clean_log_verifies() {
    let (_d, path) = log_of(10);
    let r = verify(&path).unwrap();
    assert_eq!(
        (r.records, r.lines, r.last_seq, r.broken),
        (10, 10, 10, None)
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let first: serde_json::Value = serde_json::from_str(&lines(&path)[0]).unwrap();
    assert_eq!(first["seq"], 1);
    assert_eq!(first["prev"], policy_core::audit::chain::GENESIS);
    assert_eq!(
        Head::read(&path).unwrap().map(|h| h.seq),
        Some(10),
        "head file"
    );
}

#[test]
fn an_edited_byte_is_found_at_its_line() {
    for target in [0usize, 4, 9] {
        let (_d, path) = log_of(10);
        let mut l = lines(&path);
        // Change one character inside the command.
        l[target] = l[target].replacen(
            &format!("echo {target}"),
            &format!("echo {}", target + 1),
            1,
        );
        write_lines(&path, &l);
        let (line, problem) = first_broken(&path).unwrap();
        assert_eq!(line, target as u64 + 1);
        assert!(matches!(problem, Problem::Line(_)), "{problem}");
    }
    // A byte flipped anywhere in the raw file (including the hash itself).
    let (_d, path) = log_of(5);
    let mut bytes = std::fs::read(&path).unwrap();
    let second_line_start = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let at = bytes.len() - 10; // inside the last line's hash
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    bytes[second_line_start + 3] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(first_broken(&path).map(|b| b.0), Some(2));
}

#[test]
fn a_deleted_line_is_found_after_the_gap() {
    for target in [0usize, 3, 8] {
        let (_d, path) = log_of(10);
        let mut l = lines(&path);
        l.remove(target);
        write_lines(&path, &l);
        let (line, problem) = first_broken(&path).unwrap();
        assert_eq!(line, target as u64 + 1, "{problem}");
        assert_eq!(
            problem,
            Problem::Sequence {
                expected: target as u64 + 1,
                found: target as u64 + 2
            }
        );
    }
}

#[test]
fn swapped_lines_are_found_at_the_first() {
    let (_d, path) = log_of(10);
    let mut l = lines(&path);
    l.swap(4, 5);
    write_lines(&path, &l);
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!(line, 5);
    assert!(
        matches!(
            problem,
            Problem::Sequence {
                expected: 5,
                found: 6
            }
        ),
        "{problem}"
    );
}

#[test]
fn a_rehashed_edit_is_found_by_the_next_line() {
    let (_d, path) = log_of(6);
    let mut l = lines(&path);
    // Rewrite line 3 and give it a valid hash of its new content.
    let body = l[2][..l[2].find(",\"hash\":").unwrap()]
        .replace("\"decision\":\"allow\"", "\"decision\":\"allow-forged\"")
        + "}";
    l[2] = policy_core::audit::chain::seal(&body).0;
    write_lines(&path, &l);
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!((line, problem), (4, Problem::Prev));
}

#[test]
fn cutting_whole_lines_off_the_end_is_found_by_the_head() {
    let (_d, path) = log_of(10);
    let l = lines(&path);
    write_lines(&path, &l[..7]);
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!(line, 8);
    assert_eq!(
        problem,
        Problem::Missing {
            head_seq: 10,
            last_seq: 7
        }
    );
    // And once written to again, the truncation stays in the chain, even
    // though the head now agrees with the log.
    AuditLog::new(&path).append(&entry(99)).unwrap();
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!((line, problem), (8, Problem::Truncated { head_seq: 10 }));
    // Emptied completely.
    std::fs::write(&path, "").unwrap();
    AuditLog::new(&path).append(&entry(100)).unwrap();
    assert!(matches!(
        first_broken(&path),
        Some((1, Problem::Truncated { .. }))
    ));
}

#[test]
fn truncation_inside_a_line_and_torn_last_lines() {
    // Cut in the middle of the last line.
    let (_d, path) = log_of(5);
    let len = std::fs::metadata(&path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len - 40).unwrap();
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!(line, 5);
    assert!(matches!(problem, Problem::Torn { .. }), "{problem}");

    // A crash mid-write: half a record appended without a newline.
    let (_d, path) = log_of(5);
    let half = lines(&path)[4][..120].to_string();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut f, half.as_bytes()).unwrap();
    drop(f);
    let (line, problem) = first_broken(&path).unwrap();
    assert_eq!(line, 6);
    assert_eq!(problem, Problem::Torn { bytes: 120 });
    // The next append ends the torn line, names it, and the chain goes on.
    let a = AuditLog::new(&path).append(&entry(5)).unwrap();
    assert_eq!(a.seq, 6);
    let r = verify(&path).unwrap();
    assert_eq!(r.broken, None, "{:?}", r.broken);
    assert_eq!((r.lines, r.records), (7, 6));
    assert!(
        r.warnings[0].contains("line 6: a write cut short by a crash"),
        "{:?}",
        r.warnings
    );
    // Replacing the acknowledged torn line with other bytes is an edit.
    let mut l = lines(&path);
    l[5] = l[5].replace('v', "w");
    write_lines(&path, &l);
    assert!(matches!(first_broken(&path), Some((6, Problem::Line(_)))));
}

#[test]
fn an_edited_last_line_stops_the_writer() {
    let (_d, path) = log_of(3);
    let mut l = lines(&path);
    l[2] = l[2].replace("\"allow\"", "\"deny\"");
    assert_ne!(l[2], lines(&path)[2]);
    write_lines(&path, &l);
    let err = AuditLog::new(&path).append(&entry(3)).unwrap_err();
    assert!(matches!(err, AuditError::BrokenTail { .. }), "{err}");
    assert!(err.to_string().contains("audit verify"), "{err}");
    assert_eq!(
        lines(&path).len(),
        3,
        "nothing chained onto the edited line"
    );
}

#[test]
fn concurrent_writers_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                // Each thread opens the file itself: locks are per open file.
                let log = AuditLog::new(&path);
                for i in 0..50 {
                    log.append(&entry(t * 1000 + i)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = verify(&path).unwrap();
    assert_eq!(r.broken, None, "{:?}", r.broken);
    assert_eq!((r.records, r.lines), (400, 400));
}

#[test]
fn no_secret_value_reaches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("audit.jsonl");
    let secrets = [
        "AKIAZ7Q3RHB2LM5XW4PN",
        "ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
        "hunter2",
        "MIIEpAIBAAKCAQEA7x",
    ];
    let e = Entry {
        event: "PreToolUse".into(),
        decision: "deny".into(),
        session: Some("ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u".into()),
        summary: vec!["exec curl https://bob:hunter2@example.com".into()],
        input: json!({
            "command": "export AWS_ACCESS_KEY_ID=AKIAZ7Q3RHB2LM5XW4PN",
            "nested": [{"AKIAZ7Q3RHB2LM5XW4PN": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----"}],
            "long": format!("{}ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u", "x ".repeat(3000)),
        }),
        ..Entry::default()
    };
    AuditLog::new(&path).with_fsync(true).append(&e).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for s in secrets {
        assert!(!text.contains(s), "{s} in {text}");
    }
    assert!(text.contains("[REDACTED:aws-access-key-id]"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let head_mode = std::fs::metadata(head::path_for(&path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(head_mode, 0o600);
    }
}

#[test]
fn an_unwritable_location_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let err = AuditLog::new(file.join("audit.jsonl"))
        .append(&entry(0))
        .unwrap_err();
    assert!(matches!(err, AuditError::Io { .. }), "{err}");
}

#[test]
fn the_policy_audit_section_loads_validates_and_is_cached() {
    use policy_core::policy::cache::{load, CacheConfig, CacheStatus};
    use policy_core::policy::{AuditFailure, Policy, Source};
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.yaml");
    std::fs::write(
        &base,
        "version: 1\naudit: {path: /var/log/a.jsonl, fsync: true}\n",
    )
    .unwrap();
    let top = dir.path().join("top.yaml");
    std::fs::write(
        &top,
        "version: 1\nextends: [base.yaml]\naudit: {on_failure: block}\n",
    )
    .unwrap();
    let p = Policy::from_file(&top).unwrap();
    assert_eq!(p.audit.path.as_deref(), Some("/var/log/a.jsonl"));
    assert_eq!(p.audit.fsync, Some(true));
    assert_eq!(p.audit.on_failure, Some(AuditFailure::Block));
    let config = CacheConfig::in_dir(dir.path().join("cache"));
    let (_, first) = load(Source::File(top.clone()), &config).unwrap();
    assert_eq!(first.status, CacheStatus::Missing);
    let (again, second) = load(Source::File(top.clone()), &config).unwrap();
    assert_eq!(second.status, CacheStatus::Hit);
    assert_eq!(again.audit, p.audit);
    for bad in [
        "version: 1\naudit: {path: logs/audit.jsonl}\n",
        "version: 1\naudit: {on_failure: ignore}\n",
        "version: 1\naudit: {pth: /x}\n",
    ] {
        assert!(Policy::from_yaml(bad).is_err(), "{bad}");
    }
    assert!(
        Policy::from_yaml("version: 1\naudit: {path: ~/audit.jsonl, enabled: false}\n").is_ok()
    );
}
