//! One module per pane.

pub mod audit;
pub mod banking;
pub mod document;
pub mod employees;
pub mod investors;
pub mod notes;
pub mod onboarding;
pub mod pending;
pub mod person;
pub mod platform;
pub mod queue;
pub mod search;
pub mod users;
