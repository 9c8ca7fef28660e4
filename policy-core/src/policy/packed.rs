//! Serde adapters that store number and byte vectors as one byte string.
//!
//! `postcard` encodes a `Vec<u32>` element by element (a varint and a visitor
//! call each) and a `Vec<u8>` the same way, one byte per call. The candidate
//! index holds a few thousand ids, which made decoding it a tenth of a hook
//! call. As byte strings (`serialize_bytes`), a vector decodes in one pass
//! over a borrowed slice: `u32`s little-endian, four bytes each.
//!
//! Use with `#[serde(with = "crate::policy::packed::u32s")]` on a `Vec<u32>`,
//! or `…::bytes` on a `Vec<u8>`.

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};

/// A `Vec<u32>` as a byte string of little-endian `u32`s.
pub(crate) mod u32s {
    use super::*;

    /// Writes `v` as one byte string.
    pub(crate) fn serialize<S: Serializer>(v: &[u32], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(v.len() * 4);
        for x in v {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        s.serialize_bytes(&bytes)
    }

    /// Reads a byte string whose length is a multiple of four.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Vec<u32>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string of little-endian u32s")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u32>, E> {
                let words = b.chunks_exact(4);
                if !words.remainder().is_empty() {
                    return Err(E::invalid_length(b.len(), &self));
                }
                Ok(words
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                    .collect())
            }
        }
        d.deserialize_bytes(V)
    }
}

/// A `Vec<u8>` as a byte string.
pub(crate) mod bytes {
    use super::*;

    /// Writes `v` as one byte string.
    pub(crate) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    /// Reads a byte string.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u8>, E> {
                Ok(b.to_vec())
            }
            fn visit_byte_buf<E: Error>(self, b: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(b)
            }
        }
        d.deserialize_bytes(V)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "super::u32s")]
        ids: Vec<u32>,
        #[serde(with = "super::bytes")]
        raw: Vec<u8>,
    }

    #[test]
    fn round_trips_through_postcard() {
        let t = T {
            ids: vec![0, 1, 127, 128, 70_000, u32::MAX],
            raw: b"\x00\xffab".to_vec(),
        };
        let enc = postcard::to_allocvec(&t).unwrap();
        assert_eq!(postcard::from_bytes::<T>(&enc).unwrap(), t);
        let empty = T {
            ids: Vec::new(),
            raw: Vec::new(),
        };
        let enc = postcard::to_allocvec(&empty).unwrap();
        assert_eq!(postcard::from_bytes::<T>(&enc).unwrap(), empty);
    }

    #[test]
    fn a_length_not_a_multiple_of_four_is_an_error() {
        // One id of three bytes: a damaged entry, refused, never misread.
        let t = T {
            ids: vec![7],
            raw: Vec::new(),
        };
        let mut enc = postcard::to_allocvec(&t).unwrap();
        assert_eq!(enc[0], 4);
        enc[0] = 3;
        enc.remove(4);
        assert!(postcard::from_bytes::<T>(&enc).is_err());
    }
}
