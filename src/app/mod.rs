//! The state machine: keys and results in, state changes and effects out (DESIGN section 2).
//!
//! Shared machinery (state, action, requests, paging, columns, pane, form, registry, keymap,
//! palette, reveal, copy, export) sits below `features/`, one folder per feature; `update` and
//! `runner` route to the features and hold no feature's logic.

pub mod action;
pub mod ask;
pub mod backends;
pub mod central_audit;
pub mod columns;
pub mod copy;
pub mod document_image;
pub mod export;
pub mod features;
pub mod filter;
pub mod form;
pub mod forms;
pub mod four_eyes;
pub mod keymap;
pub mod paging;
pub mod palette;
pub mod pane;
pub mod registry;
pub mod requests;
pub mod reveal;
pub mod runner;
pub mod state;
pub mod team;
#[cfg(test)]
pub mod test_support;
pub mod update;

pub use action::{Action, Call, Effect, Payload, RequestId};
pub use state::State;
pub use update::update;
