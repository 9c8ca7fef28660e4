//! Flat lists for the candidate index and the regexes' required literals:
//! many small strings or id lists kept in one buffer each, with the end
//! offset of every item.
//!
//! The index of the default packs has ~900 patterns and ~700 per-pattern rule
//! lists. As `Vec<String>` and `Vec<Vec<u32>>` a cached policy cost one
//! allocation per item to decode and one per item to assemble (~0.4 M of a
//! hook call's 2.9 M instructions); as [`Strs`] and [`Lists`] it costs two
//! per list.
//!
//! Offsets come from the cache file, which a checksum guards against
//! accidents, not forgery: every accessor is total (an item whose offsets do
//! not fit is empty), so a forged file changes which rules are candidates,
//! never the process's safety.

use serde::{Deserialize, Serialize};

/// Where item `i` lies in a buffer whose items end at `ends`: an empty
/// range when `i` is out of range, a range the buffer's `get` refuses when
/// the offsets are forged (backwards or past its end).
fn span(ends: &[u32], i: usize) -> std::ops::Range<usize> {
    let start = match i.checked_sub(1) {
        None => 0,
        Some(p) => ends.get(p).map_or(usize::MAX, |&e| e as usize),
    };
    let end = ends.get(i).map_or(0, |&e| e as usize);
    start..end
}

/// Strings in one buffer: item `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Strs {
    text: String,
    #[serde(with = "crate::policy::packed::u32s")]
    ends: Vec<u32>,
}

impl Strs {
    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String `i` (empty when `i` is out of range or its offsets do not fit).
    pub(crate) fn get(&self, i: usize) -> &str {
        self.text.get(span(&self.ends, i)).unwrap_or("")
    }

    /// String `i`'s bytes (no character-boundary checks: for comparisons).
    pub(crate) fn bytes(&self, i: usize) -> &[u8] {
        self.text
            .as_bytes()
            .get(span(&self.ends, i))
            .unwrap_or_default()
    }

    /// The strings in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Adds a string at the end.
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }
}

impl<S: AsRef<str>> FromIterator<S> for Strs {
    fn from_iter<I: IntoIterator<Item = S>>(items: I) -> Strs {
        let mut out = Strs::default();
        for s in items {
            out.push(s.as_ref());
        }
        out
    }
}

/// Byte strings in one buffer: item `i` is `bytes[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Blobs {
    #[serde(with = "crate::policy::packed::bytes")]
    bytes: Vec<u8>,
    #[serde(with = "crate::policy::packed::u32s")]
    ends: Vec<u32>,
}

impl Blobs {
    /// Item `i` (empty when `i` is out of range or its offsets do not fit).
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        self.bytes.get(span(&self.ends, i)).unwrap_or_default()
    }

    /// The items in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.ends.len()).map(|i| self.get(i))
    }

    /// The number of items.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

impl<B: AsRef<[u8]>> FromIterator<B> for Blobs {
    fn from_iter<I: IntoIterator<Item = B>>(items: I) -> Blobs {
        let mut out = Blobs::default();
        for b in items {
            out.bytes.extend_from_slice(b.as_ref());
            out.ends.push(out.bytes.len() as u32);
        }
        out
    }
}

/// Lists of ids in one buffer: list `i` is `ids[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Lists {
    #[serde(with = "crate::policy::packed::u32s")]
    ids: Vec<u32>,
    #[serde(with = "crate::policy::packed::u32s")]
    ends: Vec<u32>,
}

impl Lists {
    /// The number of lists.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// List `i` (empty when `i` is out of range or its offsets do not fit).
    pub(crate) fn get(&self, i: usize) -> &[u32] {
        self.ids.get(span(&self.ends, i)).unwrap_or_default()
    }

    /// The lists in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Every id of every list.
    pub(crate) fn all_ids(&self) -> &[u32] {
        &self.ids
    }

    /// Adds a list at the end.
    pub(crate) fn push(&mut self, list: &[u32]) {
        self.ids.extend_from_slice(list);
        self.ends.push(self.ids.len() as u32);
    }

    /// `n` lists: list `k` holds, in order, the `i` of every `(k, i)` in
    /// `pairs` (a counting sort: two passes, two allocations).
    pub(crate) fn group(n: usize, pairs: &[(u32, u32)]) -> Lists {
        let mut ends = vec![0u32; n];
        for &(k, _) in pairs {
            if let Some(c) = ends.get_mut(k as usize) {
                *c += 1;
            }
        }
        let mut total = 0u32;
        for c in &mut ends {
            total += *c;
            *c = total;
        }
        // Fill from the back so that each list keeps the pairs' order.
        let mut ids = vec![0u32; total as usize];
        let mut next = ends.clone();
        for &(k, i) in pairs.iter().rev() {
            if let Some(slot) = next.get_mut(k as usize) {
                *slot -= 1;
                if let Some(id) = ids.get_mut(*slot as usize) {
                    *id = i;
                }
            }
        }
        Lists { ids, ends }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strs_keep_their_items_and_order() {
        let s: Strs = ["b", "", "ab", "é"].into_iter().collect();
        assert_eq!(s.len(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["b", "", "ab", "é"]);
        assert_eq!(s.get(4), "");
        assert!(Strs::default().is_empty());
    }

    #[test]
    fn blobs_keep_their_items() {
        let b: Blobs = [&b"ab"[..], b"", b"\xff"].into_iter().collect();
        assert_eq!(b.iter().collect::<Vec<_>>(), [&b"ab"[..], b"", b"\xff"]);
        assert!(b.get(3).is_empty());
        let forged = Blobs {
            bytes: b"abc".to_vec(),
            ends: vec![2, 1, 9],
        };
        assert_eq!(forged.iter().collect::<Vec<_>>(), [&b"ab"[..], b"", b""]);
    }

    #[test]
    fn forged_offsets_give_empty_items_not_panics() {
        let s = Strs {
            text: "héllo".into(),
            ends: vec![2, 1, 99, 3],
        };
        // 0..2 splits `é`; 2..1 is backwards; 1..99 is past the end.
        assert_eq!(s.iter().collect::<Vec<_>>(), ["", "", "", ""]);
        let l = Lists {
            ids: vec![1, 2, 3],
            ends: vec![2, 1, 9],
        };
        assert_eq!(l.get(0), [1, 2]);
        assert!(l.get(1).is_empty() && l.get(2).is_empty() && l.get(3).is_empty());
    }

    #[test]
    fn group_is_a_stable_counting_sort() {
        let l = Lists::group(4, &[(2, 10), (0, 11), (2, 12), (9, 13), (0, 14)]);
        assert_eq!(l.len(), 4);
        assert_eq!(l.get(0), [11, 14]);
        assert!(l.get(1).is_empty());
        assert_eq!(l.get(2), [10, 12]);
        assert!(l.get(3).is_empty());
        let mut m = Lists::default();
        m.push(&[1]);
        m.push(&[]);
        m.push(&[2, 3]);
        assert_eq!(m.iter().collect::<Vec<_>>(), [&[1][..], &[], &[2, 3]]);
        assert_eq!(m.all_ids(), [1, 2, 3]);
    }
}
