//! Logs go to a file in the state directory, never to the terminal the UI draws on.
//! What is logged: request ids, operations, timings, statuses. Never variables, tokens or names.

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;

/// The directory for logs (and other per-machine state).
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "backoffice")?;
    Some(
        dirs.state_dir()
            .unwrap_or(dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// Starts file logging; keep the guard alive for the program's life. Returns `None` (and logs
/// nothing) when no directory can be had: logging must never stop the console.
pub fn init(dir: Option<&Path>) -> Option<WorkerGuard> {
    let dir = dir.map(Path::to_path_buf).or_else(state_dir)?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::daily(&dir, "backoffice.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("BACKOFFICE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
