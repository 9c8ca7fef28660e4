//! A policy's rules in definition order, decoded on first use when they come
//! from the on-disk cache.
//!
//! A hook process evaluates one call against a few dozen candidate rules out
//! of ~260, so decoding and compiling every rule of a cached policy was most
//! of a cache hit (4.7 M of the 10 M instructions it took). A cached policy
//! keeps each rule's encoded bytes and decodes a rule when [`Rules::get`]
//! first asks for it; iterating ([`Rules::iter`]) decodes them all.
//!
//! A stored rule that does not decode (a cache file forged with a valid
//! checksum: the checksum catches accidents) becomes a rule named
//! [`DAMAGED_RULE`] that denies every action it is a candidate for: a damaged
//! cache never drops a rule silently.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::policy::cache::FileBytes;
use crate::policy::schema::{Decision, Match, Rule};
use crate::policy::CompiledRule;

/// The id of the rule that stands for a stored rule that did not decode.
pub const DAMAGED_RULE: &str = "cache.damaged-rule";

/// Decodes one stored rule: its bytes in, the compiled rule out.
pub(crate) type Decoder = fn(&[u8]) -> Option<CompiledRule>;

/// Encoded rules shared by the clones of a policy: the cache file's bytes
/// (not copied) and each rule's span in them.
struct Stored {
    bytes: FileBytes,
    spans: Vec<Range<usize>>,
    decode: Decoder,
}

/// The rules of a policy, in definition order.
///
/// ```
/// use policy_core::policy::Policy;
///
/// let p = Policy::from_yaml("version: 1\nrules:\n  - id: no-curl\n    decision: deny\n    message: m\n    match: {program: curl}\n").unwrap();
/// assert_eq!(p.rules.len(), 1);
/// assert_eq!(p.rules.get(0).unwrap().rule.id, "no-curl");
/// assert_eq!(p.rules.iter().map(|r| r.rule.id.as_str()).collect::<Vec<_>>(), ["no-curl"]);
/// ```
#[derive(Clone, Default)]
pub struct Rules {
    /// Boxed: a compiled rule is ~2 KB, and a slot per stored rule is
    /// allocated (and its pages touched) on every load.
    slots: Vec<OnceLock<Box<CompiledRule>>>,
    stored: Option<Arc<Stored>>,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|r| &r.rule.id))
            .finish()
    }
}

impl Rules {
    /// Rules stored in `bytes` at `spans`, decoded by `decode` on first use.
    pub(crate) fn stored(bytes: FileBytes, spans: Vec<Range<usize>>, decode: Decoder) -> Rules {
        Rules {
            slots: spans.iter().map(|_| OnceLock::new()).collect(),
            stored: Some(Arc::new(Stored {
                bytes,
                spans,
                decode,
            })),
        }
    }

    /// Appends a compiled rule.
    pub(crate) fn push(&mut self, rule: CompiledRule) {
        self.slots.push(OnceLock::from(Box::new(rule)));
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The rule at `index` (decoded now if it is stored and not yet decoded).
    pub fn get(&self, index: usize) -> Option<&CompiledRule> {
        let slot = self.slots.get(index)?;
        Some(slot.get_or_init(|| {
            Box::new(
                self.stored
                    .as_ref()
                    .and_then(|s| {
                        let span = s.spans.get(index)?.clone();
                        (s.decode)((*s.bytes).as_ref().get(span)?)
                    })
                    .unwrap_or_else(|| damaged(index)),
            )
        }))
    }

    /// Every rule in order (decoding the stored ones).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            rules: self,
            next: 0,
        }
    }
}

/// The iterator of [`Rules::iter`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    rules: &'a Rules,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a CompiledRule;

    fn next(&mut self) -> Option<&'a CompiledRule> {
        let r = self.rules.get(self.next)?;
        self.next += 1;
        Some(r)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rules.len().saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl std::ops::Index<usize> for Rules {
    type Output = CompiledRule;

    /// The rule at `index`; panics when out of bounds, like a slice.
    #[allow(clippy::panic)]
    fn index(&self, index: usize) -> &CompiledRule {
        match self.get(index) {
            Some(r) => r,
            None => panic!("rule index {index} out of bounds ({} rules)", self.len()),
        }
    }
}

impl<'a> IntoIterator for &'a Rules {
    type Item = &'a CompiledRule;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The stand-in for stored rule `index` that did not decode: denies every action.
fn damaged(index: usize) -> CompiledRule {
    let rule = Rule {
        id: DAMAGED_RULE.into(),
        decision: Some(Decision::Deny),
        tags: Vec::new(),
        message: format!(
            "rule #{} of the compiled-policy cache does not decode: the cache file is damaged (delete it to rebuild)",
            index + 1
        ),
        hint: None,
        matcher: Some(Match::default()),
        wasm: None,
        config: None,
        examples: Default::default(),
    };
    CompiledRule {
        rule,
        source: "cache".into(),
        matcher: Default::default(),
        wasm: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn never(_: &[u8]) -> Option<CompiledRule> {
        None
    }

    #[test]
    fn a_rule_that_does_not_decode_denies() {
        let rules = Rules::stored(Arc::new(vec![1, 2, 3]), vec![0..3, 2..9], never);
        assert_eq!(rules.len(), 2);
        for i in 0..2 {
            let r = rules.get(i).unwrap();
            assert_eq!(r.rule.id, DAMAGED_RULE);
            assert_eq!(r.rule.decision, Some(Decision::Deny));
        }
        assert!(rules.get(2).is_none());
    }
}
