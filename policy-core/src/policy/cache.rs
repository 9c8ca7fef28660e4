//! The on-disk cache of compiled policies (DESIGN §5): a hook is a fresh
//! process per tool call, so it reads the compiled policy instead of parsing
//! YAML and compiling DFAs every time.
//!
//! * **Key.** A cache file is named by the SHA-256 of the engine version
//!   ([`FORMAT_VERSION`] and the crate version) and the top-level source (its
//!   identity — canonical path, `builtin:NAME` or text name and base — and its
//!   bytes). Inside, it records every source the policy was built from (the
//!   file and everything it `extends`, builtin packs included, and the WASM
//!   modules its `wasm` rules run, by the SHA-256 of their bytes) and the
//!   SHA-256 of all their bytes. A load re-reads and re-hashes those sources (cheap next
//!   to parsing) and uses the file only when that hash matches, so editing any
//!   extended file invalidates the entry.
//! * **Content.** The merged, validated policy (settings and rules, serialized
//!   with `postcard`, so the YAML parser and validation are skipped; each rule
//!   encoded on its own and decoded when evaluation first needs it, see
//!   [`crate::policy::rules`]), the
//!   candidate index of the prefilter (its shape checked on load) and
//!   the dense DFAs of candidate selection in `regex-automata`'s serialized form
//!   (deserialized from the file's bytes, which are validated by
//!   `regex-automata`). Rule regexes and globs are compiled on first use.
//! * **Validation.** Magic, format version, key, length and a checksum of the
//!   payload other than the rules section; any mismatch, a truncated file or
//!   a payload that does not decode means the file is ignored and rebuilt —
//!   never trusted, never an error. Each rule carries its own checksum,
//!   checked when the rule is decoded: a hook decodes a handful of the ~260
//!   rules, and checksumming all of them (four fifths of the file) cost more
//!   than decoding those. A rule whose checksum fails becomes a rule that
//!   denies every action it is a candidate for and says to delete the file
//!   ([`crate::policy::rules::DAMAGED_RULE`]). The checksums detect corruption,
//!   not forgery: whoever can write the cache directory can change what the
//!   hook enforces, so it belongs to the user.
//! * **Writing.** A miss builds the policy, uses it, and writes the file to a
//!   temporary name in the same directory, then renames it over the final name
//!   (atomic: concurrent writers of one key each rename a complete file).
//!   An unwritable directory only means no cache.
//!
//! ```
//! use policy_core::policy::cache::CacheConfig;
//! use policy_core::policy::{Policy, Source};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let config = CacheConfig::in_dir(dir.path());
//! let first = Policy::load_cached(Source::Builtin("default".into()), &config).unwrap(); // builds, writes
//! let again = Policy::load_cached(Source::Builtin("default".into()), &config).unwrap(); // reads the cache
//! assert_eq!(first.rules.len(), again.rules.len());
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache_files::{self, checksum, hex};
use crate::policy::external::WasmModule;
use crate::policy::flat::Strs;
use crate::policy::load::{self, Source, MAX_POLICY_BYTES};
use crate::policy::needles::Needles;
use crate::policy::prefilter::{Class, Prefilter, StoredDfa, StoredIndex};
use crate::policy::rule::compile_rule;
use crate::policy::rules::Rules;
use crate::policy::schema::{AuditSection, Decision};
use crate::policy::stored::SRule;
use crate::policy::{Policy, PolicyError, WasmRule};

/// Version of the cache file layout and of everything stored in it. Bump it
/// whenever the stored representation (the policy's serde types, the
/// prefilter's pattern derivation) changes meaning; files of another version
/// are ignored.
pub const FORMAT_VERSION: u32 = 21;

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"APOLCACH";

/// Size of the fixed header: magic, version, reserved, two keys, length, checksum.
const HEADER: usize = 8 + 4 + 4 + 32 + 32 + 8 + 8;

/// Size of one section table entry: kind, tag, offset, length.
const ENTRY: usize = 4 + 4 + 8 + 8;

/// Largest cache file read (a policy is capped at 1 MiB per file; DFAs at
/// [`crate::policy::prefilter::MAX_DFA_BYTES`] per class).
const MAX_CACHE_BYTES: u64 = 64 << 20;

const SECTION_DEPS: u32 = 0;
const SECTION_POLICY: u32 = 1;
const SECTION_PATTERNS: u32 = 2;
const SECTION_DFA: u32 = 3;
/// The rules, each encoded on its own (decoded on first use, see
/// [`crate::policy::rules`]); their spans are in the policy section.
const SECTION_RULES: u32 = 4;

/// Where compiled policies are cached.
///
/// ```
/// use policy_core::policy::cache::CacheConfig;
///
/// let off = CacheConfig::disabled();
/// assert!(off.dir().is_none());
/// let here = CacheConfig::in_dir("/tmp/agent-policy-cache");
/// assert_eq!(here.dir().unwrap().to_str(), Some("/tmp/agent-policy-cache"));
/// ```
#[derive(Debug, Clone)]
pub struct CacheConfig {
    dir: Option<PathBuf>,
    map: Option<MapFile>,
}

/// The bytes of a cache file as a loaded policy keeps them: a buffer it
/// read, or a mapping of the file (see [`CacheConfig::with_map`]).
pub type FileBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Maps an open cache file of the given length into memory, in place of
/// reading it (see [`CacheConfig::with_map`]).
pub type MapFile = fn(&std::fs::File, u64) -> std::io::Result<FileBytes>;

impl PartialEq for CacheConfig {
    /// The same directory, both mapping files or both reading them.
    fn eq(&self, other: &CacheConfig) -> bool {
        self.dir == other.dir && self.map.is_some() == other.map.is_some()
    }
}

impl Eq for CacheConfig {}

impl Default for CacheConfig {
    /// No cache (as [`CacheConfig::disabled`]).
    fn default() -> CacheConfig {
        CacheConfig::disabled()
    }
}

impl CacheConfig {
    /// The directory from the environment: `$AGENT_POLICY_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/agent-policy`, else `~/.cache/agent-policy` (`$HOME`);
    /// none of them set: no cache. Empty and relative values are ignored.
    pub fn from_env() -> CacheConfig {
        let var = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let dir = var("AGENT_POLICY_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("agent-policy")))
            .or_else(|| var("HOME").map(|h| h.join(".cache").join("agent-policy")));
        CacheConfig { dir, map: None }
    }

    /// Caches in `dir` (created when missing).
    pub fn in_dir(dir: impl Into<PathBuf>) -> CacheConfig {
        CacheConfig {
            dir: Some(dir.into()),
            map: None,
        }
    }

    /// No cache: every load builds in memory.
    pub fn disabled() -> CacheConfig {
        CacheConfig {
            dir: None,
            map: None,
        }
    }

    /// Cache files are mapped by `map` instead of read into a buffer.
    ///
    /// A process that loads a policy once and evaluates one call (the hook)
    /// spends more on copying the file (~190 KB for the default packs: one
    /// zeroed page and one page fault per 4 KiB) than on most of the
    /// decoding. policy-core has no `unsafe` code, so it cannot map files
    /// itself; `map` is the embedder's, with its guarantees: the bytes must
    /// not change while the policy is alive. Cache files are only ever
    /// replaced by a rename, never written in place, so a mapping of one
    /// stays as it was; a file truncated in place by someone else makes the
    /// process fault on the next access (the hook answers a fault with a
    /// block). The bytes are validated (checksum, hash of the sources)
    /// exactly as read ones.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use policy_core::policy::cache::{load, CacheConfig, CacheStatus, FileBytes};
    /// use policy_core::policy::Source;
    ///
    /// // Any function from an open file to its bytes; a real one maps it.
    /// fn read_whole(file: &std::fs::File, len: u64) -> std::io::Result<FileBytes> {
    ///     use std::io::Read;
    ///     let mut bytes = Vec::with_capacity(len as usize);
    ///     file.take(len).read_to_end(&mut bytes)?;
    ///     Ok(Arc::new(bytes))
    /// }
    /// let dir = tempfile::tempdir().unwrap();
    /// let config = CacheConfig::in_dir(dir.path()).with_map(read_whole);
    /// load(Source::Builtin("default".into()), &config).unwrap();
    /// let (_, again) = load(Source::Builtin("default".into()), &config).unwrap();
    /// assert_eq!(again.status, CacheStatus::Hit);
    /// ```
    pub fn with_map(mut self, map: MapFile) -> CacheConfig {
        self.map = Some(map);
        self
    }

    /// The cache directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

/// What [`load()`] found in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// The cached policy was used.
    Hit,
    /// No cache file for this source.
    Missing,
    /// A cache file for this source, built from other contents of the sources
    /// (a file or something it extends was edited).
    Stale,
    /// A cache file that is corrupt, truncated, of another format version, or
    /// for another engine version: ignored.
    Invalid,
    /// Caching is disabled ([`CacheConfig::disabled`], or no directory known).
    Disabled,
}

/// The outcome of a cached load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheReport {
    /// What the cache held.
    pub status: CacheStatus,
    /// Whether a new cache file was written.
    pub written: bool,
    /// The cache file of this source (when caching is enabled).
    pub path: Option<PathBuf>,
}

impl Policy {
    /// Loads a policy (a file, a builtin pack or text) through the on-disk
    /// cache described in [`crate::policy::cache`]: the cached compiled policy
    /// when it is current, else the policy is built (exactly as
    /// [`Policy::from_file`] / [`Policy::builtin`] do) and the cache written.
    /// Cache problems are never errors; policy errors are reported as by the
    /// uncached loaders.
    ///
    /// ```
    /// use policy_core::policy::cache::CacheConfig;
    /// use policy_core::policy::{Decision, Env, Policy, Source};
    /// use policy_core::{ShellOptions, ToolCall};
    ///
    /// let policy = Policy::load_cached(Source::Builtin("default".into()), &CacheConfig::from_env()).unwrap();
    /// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    /// let env = Env::new(&opts, "/home/dev/project");
    /// let v = policy.evaluate(&ToolCall::bash("git push --force origin main"), &opts, &env);
    /// assert_eq!(v.decision, Decision::Deny);
    /// ```
    pub fn load_cached(source: Source, config: &CacheConfig) -> Result<Policy, PolicyError> {
        load(source, config).map(|(p, _)| p)
    }
}

/// [`Policy::load_cached`], also telling what the cache held and whether it was written.
///
/// ```
/// use policy_core::policy::cache::{load, CacheConfig, CacheStatus};
/// use policy_core::policy::Source;
///
/// let dir = tempfile::tempdir().unwrap();
/// let config = CacheConfig::in_dir(dir.path());
/// let (_, first) = load(Source::Builtin("default".into()), &config).unwrap();
/// assert_eq!((first.status, first.written), (CacheStatus::Missing, true));
/// let (_, second) = load(Source::Builtin("default".into()), &config).unwrap();
/// assert_eq!(second.status, CacheStatus::Hit);
/// ```
pub fn load(source: Source, config: &CacheConfig) -> Result<(Policy, CacheReport), PolicyError> {
    let build = |source: Source| -> Result<Built, PolicyError> {
        let loaded = load::load_all_with_texts(source)?;
        let mut deps = Vec::with_capacity(loaded.len());
        let mut texts = Vec::with_capacity(loaded.len());
        let mut files = Vec::with_capacity(loaded.len());
        for (l, text) in loaded {
            let kind = dep_kind(&l.name);
            texts.push(match kind {
                KIND_BUILTIN => builtin_identity(&l.name).unwrap_or_else(|| text.into_bytes()),
                _ => text.into_bytes(),
            });
            deps.push((kind, l.name.clone()));
            files.push(l);
        }
        let policy = Policy::from_loaded(files)?;
        // WASM modules are sources too (identified by the SHA-256 of their
        // bytes), listed first: the top-level source stays last.
        let modules = policy.wasm_modules();
        let mut all_deps = Vec::with_capacity(modules.len() + deps.len());
        let mut all_texts = Vec::with_capacity(modules.len() + texts.len());
        for m in modules {
            all_deps.push((KIND_WASM, m.path.to_string_lossy().into_owned()));
            all_texts.push(m.sha256.to_vec());
        }
        all_deps.extend(deps);
        all_texts.extend(texts);
        Ok((policy, all_deps, all_texts))
    };
    let Some(dir) = config.dir() else {
        let (p, _, _) = build(source)?;
        return Ok((
            p,
            CacheReport {
                status: CacheStatus::Disabled,
                written: false,
                path: None,
            },
        ));
    };
    let Some(top) = top_identity(&source) else {
        // Unreadable or unknown: the uncached loader reports the error.
        let (p, _, _) = build(source)?;
        return Ok((
            p,
            CacheReport {
                status: CacheStatus::Missing,
                written: false,
                path: None,
            },
        ));
    };
    let index = index_key(&top);
    let path = dir.join(format!("{}.policy", hex(&index)));
    let status = match read_entry(&path, &index, &top, config.map) {
        Ok((p, modified)) => {
            keep_fresh(&path, modified);
            return Ok((
                p,
                CacheReport {
                    status: CacheStatus::Hit,
                    written: false,
                    path: Some(path),
                },
            ));
        }
        Err(s) => s,
    };
    let (policy, deps, texts) = build(source)?;
    // The full key of exactly the bytes that were parsed: the top-level text
    // goes under its own identity (a text source's name is not a file).
    let full = full_key(
        deps.iter()
            .zip(texts.iter())
            .enumerate()
            .map(|(i, ((k, n), t))| {
                if i + 1 == deps.len() {
                    (top.kind, top.name.as_str(), t.as_slice())
                } else {
                    (*k, n.as_str(), t.as_slice())
                }
            }),
    );
    let mut deps = deps;
    if let (Some(last), true) = (deps.last_mut(), top.kind == KIND_TEXT) {
        *last = (KIND_TEXT, top.name.clone());
    }
    let written = encode(&policy, &index, &full, &deps)
        .map(|bytes| write_atomic(dir, &path, &bytes))
        .unwrap_or(false);
    Ok((
        policy,
        CacheReport {
            status,
            written,
            path: Some(path),
        },
    ))
}

/// A freshly built policy, its sources (kind, name) and their texts.
type Built = (Policy, Vec<(u8, String)>, Vec<Vec<u8>>);

const KIND_BUILTIN: u8 = 0;
const KIND_FILE: u8 = 1;
const KIND_TEXT: u8 = 2;
/// A `wasm` rule's module; its bytes in the keys are the SHA-256 of the file.
const KIND_WASM: u8 = 3;

fn dep_kind(name: &str) -> u8 {
    if name.starts_with("builtin:") {
        KIND_BUILTIN
    } else {
        KIND_FILE
    }
}

/// The top-level source: kind, name (with the base directory for text), bytes.
struct Top {
    kind: u8,
    name: String,
    bytes: Vec<u8>,
}

fn top_identity(source: &Source) -> Option<Top> {
    match source {
        Source::Builtin(n) => {
            let name = format!("builtin:{n}");
            Some(Top {
                kind: KIND_BUILTIN,
                bytes: builtin_identity(&name)?,
                name,
            })
        }
        Source::File(p) => {
            let canonical = std::fs::canonicalize(p).ok()?;
            Some(Top {
                kind: KIND_FILE,
                name: canonical.to_string_lossy().into_owned(),
                bytes: read_source(&canonical)?,
            })
        }
        Source::Text { name, text, base } => Some(Top {
            kind: KIND_TEXT,
            name: format!("{name}\0{}", base.to_string_lossy()),
            bytes: text.as_bytes().to_vec(),
        }),
    }
}

/// What stands for a builtin pack's text in the keys: its compile-time
/// fingerprint (the text is part of the binary; hashing it at every start
/// would cost more than the rest of a cache hit).
fn builtin_identity(name: &str) -> Option<Vec<u8>> {
    let n = name.strip_prefix("builtin:")?;
    load::builtin_fingerprint(n).map(|f| f.to_le_bytes().to_vec())
}

fn read_source(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_POLICY_BYTES {
        return None;
    }
    std::fs::read(path).ok()
}

fn engine_hasher(purpose: &[u8]) -> Sha256 {
    let mut h = Sha256::new();
    h.update(b"agent-policy compiled policy\0");
    h.update(purpose);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(FORMAT_VERSION.to_le_bytes());
    h
}

fn update_item(h: &mut Sha256, kind: u8, name: &str, bytes: &[u8]) {
    h.update([kind]);
    h.update((name.len() as u64).to_le_bytes());
    h.update(name.as_bytes());
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn index_key(top: &Top) -> [u8; 32] {
    let mut h = engine_hasher(b"index\0");
    update_item(&mut h, top.kind, &top.name, &top.bytes);
    h.finalize().into()
}

fn full_key<'a>(items: impl Iterator<Item = (u8, &'a str, &'a [u8])>) -> [u8; 32] {
    let mut h = engine_hasher(b"sources\0");
    for (kind, name, bytes) in items {
        update_item(&mut h, kind, name, bytes);
    }
    h.finalize().into()
}

/// The merged, validated policy as stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    sources: Vec<String>,
    default: Decision,
    on_error: Decision,
    roots: Vec<String>,
    read_outside_roots: Decision,
    read_roots: Vec<String>,
    write_outside_roots: Decision,
    protected: Vec<String>,
    unprotected: Vec<String>,
    write_protected: Vec<String>,
    protected_decision: Decision,
    allow_hosts: Vec<String>,
    other_hosts: Decision,
    audit: AuditSection,
    /// Where each rule's bytes end in the rules section (rule `i` starts
    /// where rule `i - 1` ends). A rule's bytes are the checksum of the rest
    /// (`u64`, little-endian), then the [`StoredRule`].
    #[serde(with = "crate::policy::packed::u32s")]
    rule_ends: Vec<u32>,
    /// Indexes of the `wasm` rules.
    wasm_rules: Vec<u32>,
    rate_limits: Vec<crate::state::RateLimit>,
    taint: crate::state::TaintConfig,
    /// The candidate index, so that a load does not derive it again.
    prefilter: StoredIndex,
}

#[derive(Serialize, Deserialize)]
struct StoredRule {
    rule: SRule,
    /// The required literals of the rule's regexes, by regex source.
    needles: Vec<(String, Needles)>,
    source: String,
    /// A `wasm` rule's module (resolved path, SHA-256 of its bytes) and config JSON.
    wasm: Option<(String, [u8; 32], String)>,
}

fn encode(
    policy: &Policy,
    index: &[u8; 32],
    full: &[u8; 32],
    deps: &[(u8, String)],
) -> Option<Vec<u8>> {
    let mut stored = Stored {
        sources: policy.sources.clone(),
        default: policy.default,
        on_error: policy.on_error,
        roots: policy.roots.clone(),
        read_outside_roots: policy.read_outside_roots,
        read_roots: policy.read_roots.clone(),
        write_outside_roots: policy.write_outside_roots,
        protected: policy.protected.clone(),
        unprotected: policy.unprotected.clone(),
        write_protected: policy.write_protected.clone(),
        protected_decision: policy.protected_decision,
        allow_hosts: policy.allow_hosts.clone(),
        other_hosts: policy.other_hosts,
        rate_limits: policy.rate_limits.clone(),
        taint: policy.taint.clone(),
        audit: policy.audit.clone(),
        prefilter: policy.prefilter.stored_index(),
        rule_ends: Vec::with_capacity(policy.rules.len()),
        wasm_rules: Vec::new(),
    };
    let mut rule_bytes = Vec::new();
    for (i, r) in policy.rules.iter().enumerate() {
        let mut needles: Vec<(String, Needles)> = Vec::new();
        r.matcher.each_regex(&mut |re| {
            if !needles.iter().any(|(src, _)| *src == re.src) {
                if let Some(n) = Needles::of(&re.src) {
                    needles.push((re.src.clone(), n));
                }
            }
        });
        let one = StoredRule {
            rule: SRule::from_rule(&r.rule),
            needles,
            source: r.source.clone(),
            wasm: r.wasm.as_ref().map(|w| {
                (
                    w.module.path.to_string_lossy().into_owned(),
                    w.module.sha256,
                    w.config.clone(),
                )
            }),
        };
        if one.wasm.is_some() {
            stored.wasm_rules.push(u32::try_from(i).ok()?);
        }
        let bytes = postcard::to_stdvec(&one).ok()?;
        rule_bytes.extend_from_slice(&checksum(&bytes).to_le_bytes());
        rule_bytes.extend_from_slice(&bytes);
        stored.rule_ends.push(u32::try_from(rule_bytes.len()).ok()?);
    }
    let mut sections: Vec<(u32, u32, Vec<u8>)> = vec![
        (SECTION_DEPS, 0, postcard::to_stdvec(deps).ok()?),
        (SECTION_POLICY, 0, postcard::to_stdvec(&stored).ok()?),
        (SECTION_RULES, 0, rule_bytes),
    ];
    for d in policy.prefilter.stored_dfas() {
        let tag = d.class as u32;
        sections.push((
            SECTION_PATTERNS,
            tag,
            postcard::to_stdvec(&d.patterns).ok()?,
        ));
        sections.push((SECTION_DFA, tag, d.bytes.into_owned()));
    }
    let mut payload = Vec::new();
    payload.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    payload.extend_from_slice(&0u32.to_le_bytes());
    let mut offset = align8(8 + sections.len() * ENTRY);
    let mut table = Vec::new();
    for (kind, tag, data) in &sections {
        table.extend_from_slice(&kind.to_le_bytes());
        table.extend_from_slice(&tag.to_le_bytes());
        table.extend_from_slice(&(offset as u64).to_le_bytes());
        table.extend_from_slice(&(data.len() as u64).to_le_bytes());
        offset = align8(offset + data.len());
    }
    payload.extend_from_slice(&table);
    for (_, _, data) in &sections {
        payload.resize(align8(payload.len()), 0);
        payload.extend_from_slice(data);
    }
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(index);
    out.extend_from_slice(full);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let (head, tail) = around_rules(&payload, &self::sections(&payload)?)?;
    out.extend_from_slice(&head_checksum(head, tail).to_le_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

/// The payload before and after the rules section (which the header's
/// checksum leaves out: each rule has its own), given its section table.
fn around_rules<'a>(
    payload: &'a [u8],
    sections: &[(u32, u32, &[u8])],
) -> Option<(&'a [u8], &'a [u8])> {
    let rules = sections.iter().find(|(k, _, _)| *k == SECTION_RULES)?.2;
    let start = (rules.as_ptr() as usize).checked_sub(payload.as_ptr() as usize)?;
    let end = start.checked_add(rules.len())?;
    Some((payload.get(..start)?, payload.get(end..)?))
}

/// The header's checksum: of the payload around the rules section.
fn head_checksum(head: &[u8], tail: &[u8]) -> u64 {
    checksum(head) ^ checksum(tail).rotate_left(17)
}

fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let mut w = [0u8; 4];
    w.copy_from_slice(b.get(at..at.checked_add(4)?)?);
    Some(u32::from_le_bytes(w))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let mut w = [0u8; 8];
    w.copy_from_slice(b.get(at..at.checked_add(8)?)?);
    Some(u64::from_le_bytes(w))
}

/// Reads, validates and decodes the cache file at `path`; the error is why it
/// was not used. With the policy: the file's modification time.
fn read_entry(
    path: &Path,
    index: &[u8; 32],
    top: &Top,
    map: Option<MapFile>,
) -> Result<(Policy, Option<std::time::SystemTime>), CacheStatus> {
    let mut handle = std::fs::File::open(path).map_err(|_| CacheStatus::Missing)?;
    let meta = handle.metadata().map_err(|_| CacheStatus::Missing)?;
    let len = meta.len();
    if len > MAX_CACHE_BYTES {
        return Err(CacheStatus::Invalid);
    }
    let file: FileBytes = match map {
        Some(map) => map(&handle, len).map_err(|_| CacheStatus::Missing)?,
        None => {
            use std::io::Read as _;
            let mut bytes = Vec::with_capacity(len as usize);
            (&mut handle)
                .take(MAX_CACHE_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|_| CacheStatus::Missing)?;
            Arc::new(bytes)
        }
    };
    drop(handle);
    let bytes: &[u8] = (*file).as_ref();
    let invalid = CacheStatus::Invalid;
    if bytes.get(..8) != Some(&MAGIC[..]) || u32_at(bytes, 8) != Some(FORMAT_VERSION) {
        return Err(invalid);
    }
    if bytes.get(16..48) != Some(&index[..]) {
        return Err(invalid);
    }
    let full = bytes.get(48..80).ok_or(invalid)?;
    let len = u64_at(bytes, 80).ok_or(invalid)?;
    let sum = u64_at(bytes, 88).ok_or(invalid)?;
    let payload = bytes.get(HEADER..).ok_or(invalid)?;
    if payload.len() as u64 != len {
        return Err(invalid);
    }
    let sections = sections(payload).ok_or(invalid)?;
    let (head, tail) = around_rules(payload, &sections).ok_or(invalid)?;
    if head_checksum(head, tail) != sum {
        return Err(invalid);
    }
    let section = |kind: u32| {
        sections
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, _, d)| *d)
    };
    // Staleness: re-read every source and compare the hash of their bytes.
    let deps: Vec<(u8, String)> =
        postcard::from_bytes(section(SECTION_DEPS).ok_or(invalid)?).map_err(|_| invalid)?;
    let mut texts: Vec<Vec<u8>> = Vec::with_capacity(deps.len());
    for (i, (kind, name)) in deps.iter().enumerate() {
        let text = if i + 1 == deps.len() {
            if *kind != top.kind || *name != top.name {
                return Err(invalid);
            }
            top.bytes.clone()
        } else {
            match *kind {
                KIND_BUILTIN => builtin_identity(name).ok_or(CacheStatus::Stale)?,
                KIND_FILE => read_source(Path::new(name)).ok_or(CacheStatus::Stale)?,
                KIND_WASM => WasmModule::read(Path::new(name))
                    .map(|(m, _)| m.sha256.to_vec())
                    .map_err(|_| CacheStatus::Stale)?,
                _ => return Err(invalid),
            }
        };
        texts.push(text);
    }
    let now = full_key(
        deps.iter()
            .zip(texts.iter())
            .map(|((k, n), t)| (*k, n.as_str(), t.as_slice())),
    );
    if now[..] != *full {
        return Err(CacheStatus::Stale);
    }
    let stored: Stored =
        postcard::from_bytes(section(SECTION_POLICY).ok_or(invalid)?).map_err(|_| invalid)?;
    let mut dfas = Vec::new();
    for (kind, tag, data) in &sections {
        if *kind != SECTION_DFA {
            continue;
        }
        let class = u8::try_from(*tag)
            .ok()
            .and_then(Class::from_tag)
            .ok_or(invalid)?;
        let patterns = sections
            .iter()
            .find(|(k, t, _)| *k == SECTION_PATTERNS && t == tag)
            .ok_or(invalid)?
            .2;
        let patterns: Strs = postcard::from_bytes(patterns).map_err(|_| invalid)?;
        dfas.push(StoredDfa {
            class,
            patterns,
            bytes: std::borrow::Cow::Borrowed(*data),
        });
    }
    // The rules stay in the file's buffer: their spans are offsets into it.
    let rules = section(SECTION_RULES).ok_or(invalid)?;
    let base = (rules.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
    let len = rules.len();
    let policy = decode(stored, Arc::clone(&file), base..base + len, dfas).ok_or(invalid)?;
    Ok((policy, meta.modified().ok()))
}

/// The section table: (kind, tag, data).
fn sections(payload: &[u8]) -> Option<Vec<(u32, u32, &[u8])>> {
    let n = u32_at(payload, 0)? as usize;
    if n > 64 {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let at = 8 + i * ENTRY;
        let kind = u32_at(payload, at)?;
        let tag = u32_at(payload, at + 4)?;
        let offset = usize::try_from(u64_at(payload, at + 8)?).ok()?;
        let len = usize::try_from(u64_at(payload, at + 16)?).ok()?;
        out.push((kind, tag, payload.get(offset..offset.checked_add(len)?)?));
    }
    Some(out)
}

/// Decodes and compiles one stored rule (see [`crate::policy::rules`]).
fn decode_rule(bytes: &[u8]) -> Option<crate::policy::CompiledRule> {
    let (sum, bytes) = bytes.split_first_chunk::<8>()?;
    if checksum(bytes) != u64::from_le_bytes(*sum) {
        return None;
    }
    let r: StoredRule = postcard::from_bytes(bytes).ok()?;
    let rule = r.rule.into_rule()?;
    let wasm = r.wasm.map(|(path, sha256, config)| WasmRule {
        module: WasmModule {
            path: PathBuf::from(path),
            sha256,
        },
        config,
    });
    if rule.wasm.is_some() != wasm.is_some() {
        return None;
    }
    let mut compiled = compile_rule(rule, &r.source, false, wasm).ok()?;
    // Each regex takes its needles (a second regex with the same source goes
    // without: needles only spare compiling, they never decide a match).
    let mut needles: Vec<(String, Option<Needles>)> =
        r.needles.into_iter().map(|(s, n)| (s, Some(n))).collect();
    compiled.matcher.each_regex_mut(&mut |re| {
        re.needles = needles
            .iter_mut()
            .find(|(src, _)| *src == re.src)
            .and_then(|(_, n)| n.take())
            .map(Box::new);
    });
    Some(compiled)
}

/// The policy from its stored settings, the file's bytes (`section`: where
/// the rules are in them) and its candidate DFAs.
fn decode(
    stored: Stored,
    file: FileBytes,
    section: std::ops::Range<usize>,
    dfas: Vec<StoredDfa<'_>>,
) -> Option<Policy> {
    if section.end > (*file).as_ref().len() {
        return None;
    }
    let mut spans = Vec::with_capacity(stored.rule_ends.len());
    let mut start = section.start;
    for &end in &stored.rule_ends {
        let end = section.start.checked_add(end as usize)?;
        if end < start || end > section.end {
            return None;
        }
        spans.push(start..end);
        start = end;
    }
    let count = spans.len();
    if stored.wasm_rules.iter().any(|&i| i as usize >= count) {
        return None;
    }
    let rules = Rules::stored(file, spans, decode_rule);
    let prefilter = Arc::new(Prefilter::from_index(stored.prefilter, count, dfas)?);
    Some(Policy {
        sources: stored.sources,
        default: stored.default,
        on_error: stored.on_error,
        roots: stored.roots,
        read_outside_roots: stored.read_outside_roots,
        read_roots: stored.read_roots,
        write_outside_roots: stored.write_outside_roots,
        protected: stored.protected,
        unprotected: stored.unprotected,
        write_protected: stored.write_protected,
        protected_decision: stored.protected_decision,
        allow_hosts: stored.allow_hosts,
        other_hosts: stored.other_hosts,
        audit: stored.audit,
        rules,
        rate_limits: stored.rate_limits,
        taint: stored.taint,
        prefilter,
        wasm_rules: stored.wasm_rules.iter().map(|&i| i as usize).collect(),
        host: Default::default(),
    })
}

/// Writes `bytes` to `path` through a temporary file in `dir` and a rename.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> bool {
    let ok = cache_files::write_atomic(dir, path, bytes, false);
    if ok {
        cache_files::prune(dir, "policy", path, MAX_CACHE_ENTRIES);
    }
    ok
}

/// Most compiled policies kept in a cache directory: every edit of a policy
/// file makes a new entry, so older ones are removed (oldest first) after a
/// write. Concurrent hooks may race on the same files; a removed entry is
/// simply rebuilt.
pub const MAX_CACHE_ENTRIES: usize = 64;

/// Entries used more recently than this are not touched again on a hit.
const TOUCH_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Marks a used entry as recent, so that pruning (oldest modification time
/// first) evicts entries nobody uses, not the one every hook process loads.
/// At most one timestamp write per entry every [`TOUCH_AFTER`].
fn keep_fresh(path: &Path, modified: Option<std::time::SystemTime>) {
    let now = std::time::SystemTime::now();
    let stale = modified.is_some_and(|t| now.duration_since(t).unwrap_or_default() > TOUCH_AFTER);
    if stale {
        if let Ok(f) = std::fs::OpenOptions::new().append(true).open(path) {
            let _ = f.set_modified(now);
        }
    }
}
