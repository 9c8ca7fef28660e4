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
/// assert!(Clock::System.now() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed time in unix seconds.
    Fixed(u64),
}

impl Clock {
    /// `AGENT_POLICY_CLOCK` when set (an error when it is not unix seconds:
    /// a bad value must not silently fall back to the wall clock), else the
    /// system clock.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var("AGENT_POLICY_CLOCK") {
            Ok(v) if v.is_empty() => Ok(Clock::System),
            Ok(v) => v
                .trim()
                .parse::<u64>()
                .map(Clock::Fixed)
                .map_err(|_| ClockError(v)),
            Err(std::env::VarError::NotPresent) => Ok(Clock::System),
            Err(std::env::VarError::NotUnicode(v)) => {
                Err(ClockError(v.to_string_lossy().into_owned()))
            }
        }
    }

    /// Now, in unix seconds (0 if the system clock is before 1970).
    pub fn now(self) -> u64 {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }
}
