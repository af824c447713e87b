//! The state machine: keys and results in, state changes and effects out (DESIGN section 2).

pub mod action;
pub mod banking;
pub mod copy;
pub mod export;
pub mod form;
pub mod forms;
pub mod investors;
pub mod keymap;
pub mod onboarding;
pub mod palette;
pub mod platform;
pub mod registry;
pub mod review;
pub mod runner;
pub mod search;
pub mod state;
#[cfg(test)]
pub mod test_support;
pub mod update;

pub use action::{Action, Call, Effect, Payload, RequestId};
pub use state::State;
pub use update::update;
