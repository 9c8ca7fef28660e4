//! Sliding-window counting. A call at time `t` counts every recorded call
//! with `t - window < t' <= t`, itself included (a half-open window: a call
//! exactly one window old no longer counts).

/// Most buckets kept per counter. Past it the two oldest buckets merge into
/// the later one's time, which can only make a count larger (stricter), never
/// smaller.
pub const MAX_BUCKETS: usize = 1024;

/// Calls in `buckets` within `(now - window, now]`.
///
/// ```
/// use policy_core::state::rate::in_window;
/// let b = vec![(0, 1), (30_000, 2), (60_000, 1)];
/// assert_eq!(in_window(&b, 60_000, 60_000), 3); // the call at 0 has left the window
/// assert_eq!(in_window(&b, 59_999, 60_000), 3);
/// ```
pub fn in_window(buckets: &[(u64, u32)], now_ms: u64, window_ms: u64) -> u32 {
    buckets
        .iter()
        .filter(|(t, _)| t.saturating_add(window_ms) > now_ms && *t <= now_ms)
        .fold(0u32, |n, (_, c)| n.saturating_add(*c))
}

/// Records one call at `now_ms`, drops buckets that left the window, and
/// returns the count including this call.
///
/// ```
/// use policy_core::state::rate::record;
/// let mut b = Vec::new();
/// for t in 0..30 { assert_eq!(record(&mut b, t * 1000, 60_000), t as u32 + 1); }
/// assert_eq!(record(&mut b, 30_000, 60_000), 31);
/// assert_eq!(record(&mut b, 60_000, 60_000), 31); // t=0 left, this one added
/// ```
pub fn record(buckets: &mut Vec<(u64, u32)>, now_ms: u64, window_ms: u64) -> u32 {
    prune(buckets, now_ms, window_ms);
    // Times never go backwards in a session; a clock that does is recorded at
    // the latest bucket's time (counted, never lost).
    let at = buckets.last().map_or(now_ms, |(t, _)| now_ms.max(*t));
    match buckets.last_mut() {
        Some((t, c)) if *t == at => *c = c.saturating_add(1),
        _ => buckets.push((at, 1)),
    }
    while buckets.len() > MAX_BUCKETS {
        let (_, first) = buckets.remove(0);
        if let Some((_, c)) = buckets.first_mut() {
            *c = c.saturating_add(first);
        }
    }
    in_window(buckets, now_ms.max(at), window_ms)
}

/// Drops buckets at or before `now - window`.
pub fn prune(buckets: &mut Vec<(u64, u32)>, now_ms: u64, window_ms: u64) {
    buckets.retain(|(t, _)| t.saturating_add(window_ms) > now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_open_window() {
        let mut b = Vec::new();
        for t in 0..30 {
            record(&mut b, t * 1000, 60_000);
        }
        // At t=60 the call at t=0 is exactly 60 s old: out.
        assert_eq!(record(&mut b, 60_000, 60_000), 30);
    }

    #[test]
    fn early_times_count_from_zero() {
        // Before one window has passed since the epoch, a call at 0 counts.
        let mut b = Vec::new();
        assert_eq!(record(&mut b, 0, 60_000), 1);
        assert_eq!(record(&mut b, 500, 60_000), 2);
    }

    #[test]
    fn bucket_cap_only_overcounts() {
        let mut b = Vec::new();
        for t in 0..(MAX_BUCKETS as u64 + 100) {
            record(&mut b, t, 10_000_000);
        }
        assert_eq!(b.len(), MAX_BUCKETS);
        assert_eq!(
            in_window(&b, MAX_BUCKETS as u64 + 99, 10_000_000),
            MAX_BUCKETS as u32 + 100
        );
    }

    #[test]
    fn clock_going_back_still_counts() {
        let mut b = Vec::new();
        record(&mut b, 10_000, 60_000);
        assert_eq!(record(&mut b, 5_000, 60_000), 2);
    }
}
