//! Integration tests: over real HTTP against the in-process sandbox, snapshots of every pane,
//! and the real binary in a pseudo-terminal. One test binary, so the crate links once.

mod bunq;
mod bunq_contracts;
mod cli;
mod common;
mod config_file;
mod contracts;
mod e2e;
mod exports;
mod faults;
mod federated;
mod healthmov_api;
mod healthmov_client;
mod healthmov_onboarding;
mod hostile;
mod hostile_answers;
mod hostile_server;
mod import;
mod notes;
mod review;
mod sandbox_api;
mod signature_vectors;
mod snapshots;
mod soak;
mod team;
mod two_officers;
mod unioo_client;
mod upvest;
mod vasco_api;
mod vasco_client;
