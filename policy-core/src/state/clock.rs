//! The time state and audit records use: the system clock, or a fixed time
//! from `AGENT_POLICY_CLOCK` (unix seconds) for tests and replays of recorded
//! sessions.

use std::time::{SystemTime, UNIX_EPOCH};

/// `AGENT_POLICY_CLOCK` holds something other than unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("AGENT_POLICY_CLOCK=`{0}` is not a number of unix seconds")]
pub struct ClockError(pub String);

/// Where "now" comes from.
///
/// ```
/// use policy_core::state::Clock;
/// assert_eq!(Clock::Fixed(1_700_000_000).now(), 1_700_000_000);
/// assert_eq!(Clock::FixedMillis(1_700_000_000_500).now_ms(), 1_700_000_000_500);
/// assert!(Clock::System.now() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed time in unix seconds.
    Fixed(u64),
    /// A fixed time in unix milliseconds (`AGENT_POLICY_CLOCK=1700000000.25`:
    /// replays of recorded sessions have sub-second steps).
    FixedMillis(u64),
}

impl Clock {
    /// `AGENT_POLICY_CLOCK` when set (an error when it is not unix seconds:
    /// a bad value must not silently fall back to the wall clock), else the
    /// system clock.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var("AGENT_POLICY_CLOCK") {
            Ok(v) if v.is_empty() => Ok(Clock::System),
            Ok(v) => parse(v.trim()).ok_or(ClockError(v)),
            Err(std::env::VarError::NotPresent) => Ok(Clock::System),
            Err(std::env::VarError::NotUnicode(v)) => {
                Err(ClockError(v.to_string_lossy().into_owned()))
            }
        }
    }

    /// Now, in unix seconds (0 if the system clock is before 1970).
    pub fn now(self) -> u64 {
        self.now_ms() / 1000
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(self) -> u64 {
        match self {
            Clock::Fixed(t) => t.saturating_mul(1000),
            Clock::FixedMillis(t) => t,
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or(0),
        }
    }
}

/// `SECONDS` or `SECONDS.FRACTION` (at most millisecond precision is kept).
fn parse(v: &str) -> Option<Clock> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: u64 = int.parse().ok()?;
    if frac.is_empty() {
        return Some(Clock::Fixed(secs));
    }
    let mut ms = 0u64;
    for (i, b) in frac.bytes().take(3).enumerate() {
        ms += u64::from(b - b'0') * 10u64.pow(2 - i as u32);
    }
    secs.checked_mul(1000)?
        .checked_add(ms)
        .map(Clock::FixedMillis)
}

#[cfg(test)]
mod tests {
    use super::{parse, Clock};

    #[test]
    fn parses_seconds_and_fractions() {
        assert_eq!(parse("17"), Some(Clock::Fixed(17)));
        assert_eq!(parse("1.9"), Some(Clock::FixedMillis(1900)));
        assert_eq!(parse("60.5"), Some(Clock::FixedMillis(60_500)));
        assert_eq!(parse("2.0005"), Some(Clock::FixedMillis(2000)));
        for bad in ["", ".5", "x", "-1", "1e9", "1.2.3", "99999999999999999999"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
