//! `:export` writes files that hold personal data: into the profile's export directory (made
//! 0700) unless given a full path, mode 0600, never over an existing file unless typed as
//! `:export!`, never through a symlink.

use crate::common::{Console, TempDir, backends, sandbox};
use crossterm::event::KeyCode;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

async fn command(c: &mut Console<'_>, line: &str) {
    c.key(KeyCode::Char(':')).await;
    c.text(line).await;
    c.key(KeyCode::Enter).await;
}

/// The bunq users list, with the export directory `dir`.
async fn bunq_list<'a>(b: &'a backoffice::app::runner::Backends, dir: &Path) -> Console<'a> {
    let mut c = Console::new(b);
    c.state.profile.export_dir = Some(dir.to_path_buf());
    c.key(KeyCode::Esc).await;
    c.key(KeyCode::Char('B')).await;
    c
}

#[tokio::test]
async fn an_export_with_no_path_goes_to_the_export_directory_made_0700_as_a_0600_file() {
    let s = sandbox(50).await;
    let tmp = TempDir::new("export-dir");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let dir = tmp.0.join("data").join("exports");
    let mut c = bunq_list(&b, &dir).await;
    command(&mut c, "export csv").await;
    let toast = c
        .state
        .toast
        .as_ref()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    assert!(
        toast.starts_with("Exported"),
        "{toast} {:?}",
        c.state.last_error
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("bunq-users-") && name.ends_with(".csv"),
        "{name}"
    );
    assert!(toast.contains(&name), "the toast says where: {toast}");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&tmp.0.join("data")), 0o700);
    assert_eq!(mode(file), 0o600);
    // A relative path lands there too, not in the working directory.
    command(&mut c, "export json mine.json").await;
    assert_eq!(mode(&dir.join("mine.json")), 0o600);
    assert!(!Path::new("mine.json").exists());
}

#[tokio::test]
async fn an_existing_file_is_kept_until_export_bang_replaces_it() {
    let s = sandbox(50).await;
    let tmp = TempDir::new("export-exists");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut c = bunq_list(&b, &tmp.0).await;
    let path = tmp.0.join("taken.csv");
    std::fs::write(&path, "someone's work").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    command(&mut c, "export csv taken.csv").await;
    let error = c.state.last_error.clone().unwrap_or_default();
    assert!(
        error.contains(&format!("exists: {}", path.display()))
            && error.contains("`:export! csv taken.csv` replaces it"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "someone's work");
    assert!(c.screen().contains("exists:"), "the operator is told");

    command(&mut c, "export! csv taken.csv").await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("Status,Name"), "{text}");
    assert_eq!(mode(&path), 0o600, "the replacement is a new file");
}

#[tokio::test]
async fn an_export_never_writes_through_a_symlink() {
    let s = sandbox(50).await;
    let tmp = TempDir::new("export-symlink");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut c = bunq_list(&b, &tmp.0).await;
    let victim = tmp.0.join("victim.txt");
    std::fs::write(&victim, "not yours").unwrap();
    let link = tmp.0.join("link.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let dangling = tmp.0.join("dangling.csv");
    std::os::unix::fs::symlink(tmp.0.join("nowhere.csv"), &dangling).unwrap();

    for name in ["link.csv", "dangling.csv"] {
        c.state.last_error = None;
        command(
            &mut c,
            &format!("export csv {}", tmp.0.join(name).display()),
        )
        .await;
        let error = c.state.last_error.clone().unwrap_or_default();
        assert!(error.contains("exists:"), "{name}: {error}");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours");
    assert!(!tmp.0.join("nowhere.csv").exists());

    // Replacing puts a file where the link was; what it pointed at is untouched.
    command(&mut c, &format!("export! csv {}", link.display())).await;
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours");
    assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(mode(&link), 0o600);
}
