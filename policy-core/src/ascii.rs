//! ASCII-case-insensitive substring search for short texts, shared by the
//! required-literal checks (`policy::needles`) and the secret detectors'
//! triggers: no lower-cased copy, no `memmem` searcher to build, and the
//! rest of the needle compared only where its first byte is.

/// Whether `needle` occurs in `hay`, ASCII case ignored on both sides (the
/// empty needle occurs everywhere).
pub(crate) fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((first, rest)) = needle.split_first() else {
        return true;
    };
    let first = first.to_ascii_lowercase();
    let Some(last) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    (0..=last).any(|i| {
        hay.get(i).is_some_and(|b| b.to_ascii_lowercase() == first)
            && hay
                .get(i + 1..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(rest))
    })
}

#[cfg(test)]
mod tests {
    use super::contains_ignore_case;

    proptest::proptest! {
        /// The same answer as lower-casing both and searching.
        #[test]
        fn is_a_lowercased_substring_test(
            hay in "[a-cA-C_ -]{0,40}",
            needle in "[a-cA-C_-]{0,5}",
        ) {
            let want = hay.to_ascii_lowercase().contains(&needle.to_ascii_lowercase());
            proptest::prop_assert_eq!(contains_ignore_case(hay.as_bytes(), needle.as_bytes()), want);
        }
    }
}
