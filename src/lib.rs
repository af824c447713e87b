//! backoffice: a keyboard-driven terminal console for back-office and compliance staff.

pub mod app;
pub mod audit;
pub mod backends;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod core;
pub mod files;
pub mod format;
pub mod logging;
pub mod onboarding;
pub mod sandbox;
pub mod sanitize;
pub mod scripts;
pub mod search;
pub mod team;
pub mod tui;
pub mod ui;
