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
