//! GitHub's documented secondary limit on points: at most 900 points per minute for REST per
//! token (a GET or HEAD costs 1 point; PUT, POST, PATCH and DELETE cost 5).
//!
//! Every authenticated attempt takes its points from the budget of its credential on its host
//! before it is sent ([`take`]), shared by every command and run of the process. Bursts up to
//! the budget go at once; then an attempt waits until the oldest points of the last minute
//! expire. The window is kept a little longer than GitHub's minute ([`MARGIN`]), so a request
//! sent the moment a slot frees cannot arrive inside the minute GitHub counts. A context's
//! `points_per_minute` changes the budget (GitHub Enterprise Server administrators set their
//! own limits); `0` turns pacing off.
//!
//! Writes are also spaced: GitHub asks for at least one second between mutating requests of a
//! token ([`WRITE_INTERVAL`], counted from the previous write's answer); a context's `write_interval_sec` changes it (`0` turns it off), as
//! `Sync-GitHubOidcConfiguration -WriteInterval` does.
//!
//! Budgets are keyed by the API base and a hash of the bearer credential, in memory only:
//! two tokens never share a budget, and no token is kept.

use reqwest::Method;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// GitHub's secondary limit for REST: points per minute per token.
pub const DEFAULT_POINTS_PER_MINUTE: u32 = 900;
/// The window GitHub counts points in.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Kept on top of the window: latency between taking points and GitHub counting the request.
pub const MARGIN: Duration = Duration::from_secs(1);

/// GitHub's least time between two writes (PUT, POST, PATCH, DELETE) of one token.
pub const WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// The points an attempt with this method costs.
pub fn cost(method: &Method) -> u32 {
    if matches!(*method, Method::GET | Method::HEAD) {
        1
    } else {
        5
    }
}

/// Whose budget: an API base and a credential (hashed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    api: String,
    credential: u64,
}

impl Key {
    /// The budget of `credential` (a bearer token) on the API base `api`.
    pub fn new(api: &str, credential: &str) -> Key {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        credential.hash(&mut h);
        Key {
            api: api.trim_end_matches('/').to_ascii_lowercase(),
            credential: h.finish(),
        }
    }
}

/// Points spent in the current window, oldest first.
#[derive(Debug, Default)]
struct Spent {
    entries: VecDeque<(Instant, u32)>,
    total: u32,
    /// When the last write was admitted.
    last_write: Option<Instant>,
}

impl Spent {
    fn expire(&mut self, now: Instant) {
        while let Some(&(at, points)) = self.entries.front() {
            if now.duration_since(at) < WINDOW + MARGIN {
                break;
            }
            self.entries.pop_front();
            self.total -= points;
        }
    }
}

static BUDGETS: LazyLock<Mutex<HashMap<Key, Arc<Mutex<Spent>>>>> = LazyLock::new(Default::default);

fn spent(key: &Key) -> Arc<Mutex<Spent>> {
    let mut map = BUDGETS.lock().unwrap_or_else(|p| p.into_inner());
    Arc::clone(map.entry(key.clone()).or_default())
}

/// Takes `points` from `key`'s budget of `per_minute` now, or answers how long to wait until
/// they may be taken. An attempt that costs more than the whole budget goes when the window
/// is empty. `per_minute` 0 never waits for points. A write (`write_gap` given) also waits until
/// `write_gap` has passed since the credential's last write.
pub fn take(key: &Key, points: u32, per_minute: u32, write_gap: Option<Duration>) -> Result<(), Duration> {
    let entry = spent(key);
    let mut s = entry.lock().unwrap_or_else(|p| p.into_inner());
    let now = Instant::now();
    if let (Some(gap), Some(last)) = (write_gap, s.last_write) {
        let wait = (last + gap).saturating_duration_since(now);
        if !wait.is_zero() {
            return Err(wait);
        }
    }
    let admitted = |s: &mut Spent| {
        if write_gap.is_some() {
            s.last_write = Some(now);
        }
        Ok(())
    };
    if per_minute == 0 {
        return admitted(&mut s);
    }
    s.expire(now);
    if s.total == 0 || s.total + points <= per_minute {
        s.entries.push_back((now, points));
        s.total += points;
        return admitted(&mut s);
    }
    // Wait until enough of the oldest points expire.
    let mut freed = 0;
    let need = s.total + points - per_minute;
    for &(at, p) in &s.entries {
        freed += p;
        if freed >= need {
            return Err((at + WINDOW + MARGIN)
                .saturating_duration_since(now)
                .max(Duration::from_millis(1)));
        }
    }
    Err(WINDOW + MARGIN)
}

/// A write of `key` was answered (or failed): the next write's gap counts from now, so GitHub
/// receives two writes at least the gap apart even when the first one took long to arrive.
pub fn wrote(key: &Key) {
    let entry = spent(key);
    let mut s = entry.lock().unwrap_or_else(|p| p.into_inner());
    s.last_write = Some(Instant::now());
}

/// Gives back the points of an attempt that was taken but not sent (the newest entry of that
/// size).
pub fn refund(key: &Key, points: u32) {
    let entry = spent(key);
    let mut s = entry.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = s.entries.iter().rposition(|&(_, p)| p == points) {
        s.entries.remove(i);
        s.total -= points;
    }
}

/// Points spent in the last minute (for progress and tests).
pub fn spent_now(key: &Key) -> u32 {
    let entry = spent(key);
    let mut s = entry.lock().unwrap_or_else(|p| p.into_inner());
    s.expire(Instant::now());
    s.total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_github() {
        assert_eq!(cost(&Method::GET), 1);
        assert_eq!(cost(&Method::HEAD), 1);
        for m in [Method::PUT, Method::POST, Method::PATCH, Method::DELETE] {
            assert_eq!(cost(&m), 5);
        }
    }

    #[test]
    fn bursts_up_to_the_budget_then_waits_about_a_minute() {
        let k = Key::new("https://api.example", "token-a");
        for _ in 0..180 {
            take(&k, 5, 900, None).unwrap();
        }
        assert_eq!(spent_now(&k), 900);
        let wait = take(&k, 1, 900, None).unwrap_err();
        assert!(
            wait > Duration::from_secs(59) && wait <= WINDOW + MARGIN,
            "{wait:?}"
        );
        // Another token, or another host, has its own budget.
        take(&Key::new("https://api.example", "token-b"), 5, 900, None).unwrap();
        take(&Key::new("https://ghes.example/api/v3", "token-a"), 5, 900, None).unwrap();
        // A refund makes room again; 0 turns pacing off.
        refund(&k, 5);
        take(&k, 1, 900, None).unwrap();
        take(&k, 5, 0, None).unwrap();
    }

    #[test]
    fn writes_of_a_credential_are_a_gap_apart() {
        let k = Key::new("https://api.example", "token-writes");
        let gap = Some(Duration::from_millis(300));
        take(&k, 5, 900, gap).unwrap();
        let wait = take(&k, 5, 900, gap).unwrap_err();
        assert!(
            wait > Duration::from_millis(200) && wait <= Duration::from_millis(300),
            "{wait:?}"
        );
        // Reads are not spaced, nor are writes of another credential; points pacing off keeps the gap.
        take(&k, 1, 900, None).unwrap();
        take(&Key::new("https://api.example", "token-other"), 5, 900, gap).unwrap();
        assert!(take(&k, 5, 0, gap).is_err());
        std::thread::sleep(wait);
        take(&k, 5, 0, gap).unwrap();
        // The gap counts again from the write's answer.
        wrote(&k);
        assert!(take(&k, 5, 0, gap).unwrap_err() > Duration::from_millis(250));
    }

    #[test]
    fn an_attempt_larger_than_the_budget_goes_alone() {
        let k = Key::new("https://api.example", "token-c");
        take(&k, 5, 3, None).unwrap();
        assert!(take(&k, 1, 3, None).is_err());
    }
}
