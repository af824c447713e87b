//! Helpers the benches share (each bench includes this file; not all use every helper).
#![allow(dead_code)]

use backoffice::app::action::{Action, Effect};
use backoffice::app::runner::{Backends, perform};
use backoffice::app::state::State;
use backoffice::app::update;

/// Feeds an action and carries out its calls until nothing is pending.
pub async fn settle(state: &mut State, dir: &Backends, action: Action) {
    let mut queue = vec![action];
    while let Some(a) = queue.pop() {
        for e in update(state, a) {
            if let Effect::Call { req, call } = e {
                queue.push(Action::Loaded {
                    req,
                    result: perform(dir, call).await,
                });
            }
        }
    }
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A `kB` figure of this process (`VmRSS`, `VmHWM`).
pub fn proc_status_kib(field: &str) -> u64 {
    backoffice::sandbox::process::proc_status_kib(None, field).unwrap_or(0)
}

/// Quick mode, for CI: a few iterations of every measurement, the same code paths, so a bench
/// that no longer runs fails CI. `BACKOFFICE_BENCH_QUICK=1`, or `--quick` on the command line
/// (which criterion reads too).
pub fn quick() -> bool {
    std::env::var_os("BACKOFFICE_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
        || std::env::args().any(|a| a == "--quick")
}

/// `full` in a normal run, `quick` in quick mode.
pub fn pick<T>(full: T, quick: T) -> T {
    if self::quick() { quick } else { full }
}

/// Criterion as the command line sets it, with `sample_size` samples; in quick mode 10 short
/// samples (under `cargo test --benches` criterion runs each function once anyway).
pub fn criterion(sample_size: usize) -> criterion::Criterion {
    let c = criterion::Criterion::default().configure_from_args();
    if quick() {
        c.sample_size(10)
            .warm_up_time(std::time::Duration::from_millis(100))
            .measurement_time(std::time::Duration::from_millis(300))
    } else {
        c.sample_size(sample_size)
    }
}

/// Fails the bench, naming what it waited for, when `done` has not become true in `deadline`.
pub async fn within<T>(
    what: &str,
    deadline: std::time::Duration,
    done: impl Future<Output = T>,
) -> T {
    match tokio::time::timeout(deadline, done).await {
        Ok(v) => v,
        Err(_) => panic!("bench: {what} did not happen within {deadline:?}"),
    }
}
