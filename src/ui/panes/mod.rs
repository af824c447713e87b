//! One module per pane.

pub mod employees;
pub mod person;
pub mod search;
pub mod users;
