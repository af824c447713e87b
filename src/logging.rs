//! Logs go to a file in the state directory, never to the terminal the UI draws on.
//! What is logged: request ids, operations, timings, statuses. Never variables, tokens or names.
//!
//! One file a day (`backoffice.log.YYYY-MM-DD`, UTC), mode 0600 in a directory created 0700,
//! never opened through a symlink; tracing-appender's background writer keeps the console from
//! waiting on the disk.

use std::io::Write;
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
    crate::files::private_dir(&dir).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(Daily::new(dir));
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

/// The day's log file, opened (0600, appending) at the first line of each day.
pub struct Daily {
    dir: PathBuf,
    open: Option<(jiff::civil::Date, std::fs::File)>,
}

impl Daily {
    pub fn new(dir: PathBuf) -> Daily {
        Daily { dir, open: None }
    }

    /// The file for `day`.
    pub fn path(&self, day: jiff::civil::Date) -> PathBuf {
        self.dir
            .join(format!("backoffice.log.{}", day.strftime("%Y-%m-%d")))
    }

    fn file(&mut self) -> std::io::Result<&mut std::fs::File> {
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        if self.open.as_ref().is_none_or(|(day, _)| *day != today) {
            self.open = Some((today, crate::files::append(&self.path(today))?));
        }
        Ok(&mut self.open.as_mut().expect("just opened").1)
    }
}

impl Write for Daily {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.open {
            Some((_, f)) => f.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_0600_in_a_directory_made_0700_and_never_written_through_a_symlink() {
        let root = std::env::temp_dir().join(format!(
            "backoffice-log-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let dir = root.join("state");
        crate::files::private_dir(&dir).unwrap();
        let mut log = Daily::new(dir.clone());
        writeln!(log, "one line").unwrap();
        log.flush().unwrap();
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let path = log.path(today);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one line\n");
        assert_eq!(crate::files::tests::mode(&path), 0o600);
        assert_eq!(crate::files::tests::mode(&dir), 0o700);

        // A log file swapped for a symlink is refused, not followed.
        let target = root.join("elsewhere");
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let mut again = Daily::new(dir);
        assert!(writeln!(again, "two").is_err());
        assert!(!target.exists());
        std::fs::remove_dir_all(root).unwrap();
    }
}
