//! Onboarding client companies' employees: the bulk import's parsing and validation.

pub mod cli;
pub mod import;
pub mod run;
pub mod upload;
