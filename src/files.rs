//! Files that can hold personal data or secrets (exports, rejects, logs, the audit log, saved
//! sessions): created mode 0600, in directories created 0700, never through a symlink, and
//! never over an existing file unless the caller means to replace it.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Mode of every file written: the operator only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every directory created.
pub const DIR_MODE: u32 = 0o700;

/// The data directory (`~/.local/share/backoffice` on Linux): the audit log, exports.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backoffice").map(|d| d.data_dir().to_path_buf())
}

/// Where an export with no path goes, unless the profile names `export_dir`.
pub fn default_export_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("exports"))
}

/// Creates `dir` and any missing parents, each mode 0700. Directories already there are left
/// as they are.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// A new file, mode 0600: refused when anything is at `path` already (a file, or a symlink,
/// dangling or not, which is never followed).
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// A file to append to, created 0600 if missing; refused when `path` is a symlink.
pub fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Writes a new file at `path` through `write`; an existing file or symlink there is an
/// `AlreadyExists` error and is left alone.
pub fn write_new<T>(path: &Path, write: impl FnOnce(&mut File) -> io::Result<T>) -> io::Result<T> {
    let mut file = create_new(path)?;
    let written = write(&mut file).and_then(|t| file.sync_all().map(|()| t));
    if written.is_err() {
        // Half a file is worse than none.
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Writes `path` whole through `write`, replacing what is there: a new 0600 file beside it,
/// then renamed over it, so a symlink at `path` is replaced, not followed, and a reader never
/// sees half a file.
pub fn replace<T>(path: &Path, write: impl FnOnce(&mut File) -> io::Result<T>) -> io::Result<T> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".{}.{:08x}.tmp",
        std::process::id(),
        fastrand::u32(..)
    ));
    let tmp = path.with_file_name(tmp_name);
    let t = write_new(&tmp, write)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(t)
}

/// [`replace`] with these bytes.
pub fn replace_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, |f| f.write_all(bytes))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    pub fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "backoffice-files-{tag}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn directories_are_made_0700_and_files_0600() {
        let root = scratch("modes");
        let dir = root.join("a").join("b");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&root), DIR_MODE);
        assert_eq!(mode(&root.join("a")), DIR_MODE);
        assert_eq!(mode(&dir), DIR_MODE);
        let new = dir.join("new.csv");
        write_new(&new, |f| f.write_all(b"x")).unwrap();
        assert_eq!(mode(&new), FILE_MODE);
        let log = dir.join("log");
        append(&log).unwrap().write_all(b"y").unwrap();
        assert_eq!(mode(&log), FILE_MODE);
        let replaced = dir.join("replaced.csv");
        replace_bytes(&replaced, b"z").unwrap();
        assert_eq!(mode(&replaced), FILE_MODE);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_new_file_never_overwrites_nor_follows_a_symlink() {
        let dir = scratch("nofollow");
        private_dir(&dir).unwrap();
        let existing = dir.join("existing.csv");
        std::fs::write(&existing, "keep").unwrap();
        let e = write_new(&existing, |f| f.write_all(b"lost")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep");

        let target = dir.join("target");
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_new(&link, |f| f.write_all(b"x")).is_err());
        assert!(append(&link).is_err());
        assert!(
            !target.exists(),
            "nothing written through the dangling link"
        );

        // Replacing swaps the link itself for a file; what it pointed at is untouched.
        std::fs::write(&target, "victim").unwrap();
        replace_bytes(&link, b"mine").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "victim");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "mine");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
