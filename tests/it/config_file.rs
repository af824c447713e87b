//! The config file on a shared jump host: refused when others could write it (its `*_cmd`
//! keys run commands), and a command that hangs is stopped with an error naming its key.

use crate::common::TempDir;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn write(dir: &std::path::Path, text: &str, mode: u32) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// Runs `backoffice ARGS`; (exit code, stdout, stderr), failing the test past `deadline`.
fn run(args: &[&std::ffi::OsStr], deadline: Duration) -> (i32, String, String) {
    let mut child = crate::common::backoffice_bin()
        .env_remove("BACKOFFICE_CONFIG")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("backoffice {args:?} still runs after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SLOW: &str = "[profiles.slow]\ncmd_timeout_secs = 1\n\
    [profiles.slow.unioo]\nurl = \"https://bank-api.example.com/graphql\"\n\
    token_cmd = \"echo not-the-token; sleep 600\"\n";

#[test]
fn a_config_others_can_write_is_refused_naming_file_mode_and_fix() {
    let dir = TempDir::new("writable-config");
    let path = write(&dir.0, SLOW, 0o666);
    let args = [path.as_os_str()];
    let args = [
        &["--config".as_ref()][..],
        &args,
        &["get".as_ref(), "users".as_ref()],
    ]
    .concat();
    let (code, _, err) = run(&args, Duration::from_secs(30));
    assert_ne!(code, 0);
    assert!(
        err.contains(&format!(
            "config {}: (file): it can be written by its group and everyone (mode 0666)",
            path.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("chmod go-w {}", path.display())),
        "{err}"
    );
    assert!(!err.contains("not-the-token"), "nothing was run: {err}");
}

#[test]
fn a_hanging_token_command_is_stopped_after_its_timeout_with_the_key_named() {
    let dir = TempDir::new("slow-token");
    let path = write(&dir.0, SLOW, 0o600);
    let args = [path.as_os_str()];
    let args = [
        &["--config".as_ref()][..],
        &args,
        &["get".as_ref(), "users".as_ref()],
    ]
    .concat();
    let started = Instant::now();
    let (code, out, err) = run(&args, Duration::from_secs(30));
    assert_ne!(code, 0);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(
        err.contains("profiles.slow.unioo.token_cmd did not finish within 1 s and was stopped"),
        "{err}"
    );
    assert!(
        !err.contains("not-the-token") && !out.contains("not-the-token"),
        "the command's output is not shown: {err}"
    );
}
