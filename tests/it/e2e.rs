//! The real binary in a pseudo-terminal: type a CPR, see the person and their roles, quit, and
//! find the terminal restored.

use crate::common::{TempDir, wait_until};
use backoffice::sandbox::data::{DEFAULT_PEOPLE, DEFAULT_SEED, World};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) const DEADLINE: Duration = Duration::from_secs(20);

pub(crate) struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the console wrote, for what the screen does not show (terminal queries).
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub(crate) child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    _home: TempDir,
}

impl Console {
    fn start(tag: &str) -> Console {
        Console::start_with(tag, &[])
    }

    fn start_with(tag: &str, args: &[&str]) -> Console {
        Console::start_env(tag, args, &[])
    }

    pub(crate) fn start_env(tag: &str, args: &[&str], env: &[(&str, &str)]) -> Console {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = TempDir::new(tag);
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_backoffice"));
        cmd.args(args);
        cmd.env("HOME", &home.0);
        cmd.env("XDG_CONFIG_HOME", home.0.join("config"));
        cmd.env("XDG_STATE_HOME", home.0.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("BACKOFFICE_CONFIG");
        cmd.env_remove("NO_COLOR");
        // Not inside tmux or kitty, whatever the test runner is in.
        for k in [
            "TMUX",
            "TERM_PROGRAM",
            "KITTY_WINDOW_ID",
            "BACKOFFICE_NO_GRAPHICS",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let sink = screen.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Console {
            screen,
            raw,
            writer,
            child,
            master: pair.master,
            _home: home,
        }
    }

    pub(crate) fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub(crate) fn wait_for(&self, text: &str) {
        let found = std::time::Instant::now() + DEADLINE;
        while !self.contents().contains(text) {
            assert!(
                std::time::Instant::now() < found,
                "{text:?} never appeared; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }
}

#[test]
fn type_a_cpr_see_the_person_and_roles_quit_and_the_terminal_is_restored() {
    let world = World::generate(DEFAULT_SEED, DEFAULT_PEOPLE);
    let idx = (0..DEFAULT_PEOPLE as u32)
        .find(|&i| world.person(i).orgs.len() >= 2)
        .unwrap();
    let person = world.person(idx);
    let org = world.organization(person.orgs[0]).name;

    let mut c = Console::start("cpr");
    c.wait_for("Find a person in every backend");
    assert!(c.screen.lock().unwrap().screen().alternate_screen());
    c.send(&person.ssn);
    c.wait_for(&person.ssn);
    c.send("\r");
    // One person in every backend asked: it opens by itself once all have answered.
    c.wait_for(&format!(
        "Search › {} {}",
        person.first_name, person.last_name
    ));
    let masked = format!("{}-****", &person.ssn[..6]);
    c.wait_for(&masked);
    assert!(
        !c.contents().contains(&person.ssn),
        "the full CPR stays on screen after searching"
    );
    c.send("2");
    c.wait_for("Organizations administered");
    c.wait_for(&org);
    c.send("q");

    let mut status = None;
    wait_until("the console to exit", DEADLINE, || {
        status = c.child.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success());
    wait_until("the main screen to come back", DEADLINE, || {
        !c.screen.lock().unwrap().screen().alternate_screen()
    });
    let screen = c.screen.lock().unwrap();
    assert!(!screen.screen().hide_cursor(), "cursor left hidden");
    drop(screen);
    // Raw mode is off again: the line discipline echoes and reads lines.
    let termios = c.master.get_termios().expect("termios of the pty");
    use nix::sys::termios::LocalFlags;
    assert!(
        termios
            .local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO),
        "{:?}",
        termios.local_flags
    );
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in [
        nix::sys::signal::Signal::SIGTERM,
        nix::sys::signal::Signal::SIGHUP,
    ] {
        ends_restored_on(signal);
    }
}

fn ends_restored_on(signal: nix::sys::signal::Signal) {
    let mut c = Console::start(signal.as_str());
    c.wait_for("Find a person in every backend");
    c.send("0101");
    c.wait_for("0101");
    let pid = c.child.process_id().expect("pid") as i32;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let mut status = None;
    wait_until("the console to exit", DEADLINE, || {
        status = c.child.try_wait().unwrap();
        status.is_some()
    });
    wait_until("the main screen to come back", DEADLINE, || {
        !c.screen.lock().unwrap().screen().alternate_screen()
    });
    let termios = c.master.get_termios().expect("termios of the pty");
    use nix::sys::termios::LocalFlags;
    assert!(
        termios
            .local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO)
    );
}

#[test]
fn review_reject_then_approve_from_the_keyboard_and_the_audit_chain_verifies() {
    use backoffice::sandbox::review::Review;
    let world = World::generate(DEFAULT_SEED, DEFAULT_PEOPLE);
    let queue = Review::default().pending(&world, None, None);
    let names: Vec<String> = queue[..3]
        .iter()
        .map(|p| {
            let r = world.person(p.person);
            let doc = if p.photo {
                r.photo
            } else {
                r.social_security_card
            }
            .unwrap();
            assert!(
                doc.expires.is_none_or(|e| e > jiff::Timestamp::now()),
                "the first documents are decidable"
            );
            format!("{} {}", r.first_name, r.last_name)
        })
        .collect();
    let audit_dir = TempDir::new("review-audit");
    let log = audit_dir.0.join("audit.jsonl");
    // `$USER` says whatever the session set: the record names the password database's user.
    let mut c = Console::start_env(
        "review",
        &["--audit-log", log.to_str().unwrap()],
        &[("USER", "mallory"), ("LOGNAME", "mallory")],
    );
    c.wait_for("Find a person in every backend");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send("v");
    c.wait_for("Review queue:");
    c.send("\r");
    c.wait_for(&format!("of {}", names[0]));
    c.wait_for("a approve");
    c.send("r");
    c.wait_for("Reject this document?");
    c.send("\r");
    c.wait_for(&format!("of {}", names[1]));
    c.send("a");
    c.wait_for("Approve this document?");
    c.send("\r");
    c.wait_for(&format!("of {}", names[2]));
    c.send("q");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });

    let out = crate::common::backoffice_bin()
        .args(["audit", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("records, chain intact"));
    let records = std::fs::read_to_string(&log).unwrap();
    // Two decisions (intent and outcome each), and every read that showed the documents.
    for action in [
        "\"legitimation.reject\"",
        "\"legitimation.approve\"",
        "\"review-queue.list\"",
        "\"document.view\"",
    ] {
        assert!(records.contains(action), "{action} missing");
    }
    assert_eq!(records.matches("\"action\":\"legitimation.").count(), 4);
    let real = nix::unistd::User::from_uid(nix::unistd::getuid())
        .unwrap()
        .unwrap()
        .name;
    assert!(!records.contains("mallory"), "{records}");
    assert!(records.contains(&format!("\"{real}\"")), "{records}");
    let shown = crate::common::backoffice_bin()
        .args(["audit", "show"])
        .arg(&log)
        .args(["--action", "reject"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert_eq!(shown.lines().count(), 2, "{shown}");
    assert!(shown.contains("Image is blurred or unreadable"), "{shown}");
}

#[test]
fn onboard_a_department_and_an_employee_with_a_dependent_then_find_them_by_external_id() {
    let audit_dir = TempDir::new("onboard-audit");
    let log = audit_dir.0.join("audit.jsonl");
    let mut c = Console::start_with("onboard", &["--audit-log", log.to_str().unwrap()]);
    c.wait_for("Find a person in every backend");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send("o");
    c.wait_for("Client companies: 12");
    c.send("\r");
    c.wait_for("Departments of");
    // A new department, through the form and its confirm step.
    c.send("n");
    c.wait_for("New department (Healthmov)");
    c.send("Klinik\tKLINIK-E2E\r");
    c.wait_for("Create this department?");
    c.send("\r");
    c.wait_for("Created department Klinik");
    c.send("G\r");
    c.wait_for("Employees of Klinik: 0");
    // An employee with one dependent; a bad email is caught when leaving the field.
    c.send("n");
    c.wait_for("Onboard an employee (Healthmov)");
    c.send("E2E-1\tMaja\tLund\tmaja@\t");
    c.wait_for("Email is not an email address");
    c.send("\x1b[Z");
    for _ in 0.."maja@".len() {
        c.send("\x7f");
    }
    c.send("maja.lund@klinik.example.com\t\t\t2026-02-01\t\tEXT-E2E-1\tElla\tLund\t2018-03-09\r");
    c.wait_for("Onboard this employee?");
    c.send("\r");
    c.wait_for("Saved Maja Lund (1 dependent)");
    // Found again from anywhere by external id: the employee, then the department.
    c.send("/");
    c.wait_for("Find a person in every backend");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send("x");
    c.wait_for("Find by external id");
    c.send("EXT-E2E-1\r");
    c.wait_for("Client employee (Healthmov)");
    c.wait_for("maja.lund@klinik.example.com");
    c.wait_for("Ella Lund");
    c.wait_for("1 (1 onboarded, 0 offboarded)");
    c.send("x");
    c.send("KLINIK-E2E\r");
    c.wait_for("Employees of Klinik: 1");
    c.wait_for("Maja Lund");
    c.send("q");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
    let out = crate::common::backoffice_bin()
        .args(["audit", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    let verified = String::from_utf8_lossy(&out.stdout);
    assert!(verified.contains("records, chain intact"), "{verified}");
    let text = std::fs::read_to_string(&log).unwrap();
    // Each change once, before and after it was sent. (The reads around them vary: a list
    // still loading at `q` has its intent only.)
    for action in ["department.create", "employee.onboard"] {
        let records = text
            .lines()
            .filter(|l| l.contains(&format!("\"action\":\"{action}\"")))
            .count();
        assert_eq!(records, 2, "{action}: {text}");
    }
    assert!(text.contains("department.create") && text.contains("employee.onboard"));
    assert!(
        !text.contains("maja.lund@klinik"),
        "the audit log holds the email masked"
    );
}

#[test]
fn find_one_person_in_unioo_and_bunq_by_cpr_and_block_the_bunq_user() {
    let (user, cpr) = crate::common::shared_bunq_user();
    let tax = cpr.replace('-', "");
    assert_eq!(user["status"], "ACTIVE");
    let name = format!(
        "{} {}",
        user["first_name"].as_str().unwrap(),
        user["last_name"].as_str().unwrap()
    );

    let audit_dir = TempDir::new("bunq-audit");
    let log = audit_dir.0.join("audit.jsonl");
    let mut c = Console::start_with("bunq", &["--audit-log", log.to_str().unwrap()]);
    c.wait_for("Find a person in every backend");
    c.send(&cpr);
    c.send("\r");
    // Unioo and bunq both know the number: one person, two rows, the CPR masked.
    c.wait_for("Results: 2 in 1 person");
    c.wait_for("└ bunq");
    c.wait_for(&format!("{}-****", &cpr[..6]));
    assert!(!c.contents().contains(&cpr), "the full CPR left the screen");
    c.send("j\r");
    c.wait_for(&format!("Search › {name}"));
    c.wait_for("bunq user");
    c.send("b");
    c.wait_for("Block bunq user");
    c.send("Account takeover reported\r");
    c.wait_for("Block this user?");
    c.send("\r");
    c.wait_for(&format!("{name} is BLOCKED now."));
    c.send("q");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
    let out = crate::common::backoffice_bin()
        .args(["audit", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("records, chain intact"));
    let text = std::fs::read_to_string(&log).unwrap();
    // The search is on the record with its CPR masked, and so is the opened bunq user.
    assert!(text.contains("\"person.search\"") && text.contains("\"bunq-user.view\""));
    assert!(
        !text.contains(&cpr) && !text.contains(&tax),
        "a full CPR in the audit log"
    );
    assert!(text.contains("bank-user.block") && text.contains("bunq-user:2003"));
    assert!(text.contains("Account takeover reported"));
    assert!(!text.contains(&tax), "no CPR in the audit log");
}

#[test]
fn a_rebound_key_works_the_old_one_does_nothing_and_no_color_means_no_colour() {
    let dir = TempDir::new("keys-config");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"demo\"\n[profiles.demo]\nsandbox = true\n[keys]\nbunq-users = \"ctrl-b\"\n",
    )
    .unwrap();
    let mut c = Console::start_env(
        "keys",
        &["--config", config.to_str().unwrap()],
        &[("NO_COLOR", "1")],
    );
    c.wait_for("Find a person in every backend");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send("B");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !c.contents().contains("bunq users"),
        "B is not bound any more"
    );
    c.send("?");
    c.wait_for("Ctrl-b");
    c.send("\x1b");
    // Esc alone: followed at once by another key it reads as Alt.
    wait_until("the help to close", DEADLINE, || {
        !c.contents().contains("Keys (Esc closes)")
    });
    c.send("\x02");
    c.wait_for("bunq users: 60 loaded");
    {
        let parser = c.screen.lock().unwrap();
        let screen = parser.screen();
        for row in 0..24 {
            for col in 0..80 {
                let cell = screen.cell(row, col).unwrap();
                assert_eq!(
                    cell.fgcolor(),
                    vt100::Color::Default,
                    "colour at {row},{col}"
                );
                assert_eq!(
                    cell.bgcolor(),
                    vt100::Color::Default,
                    "colour at {row},{col}"
                );
            }
        }
    }
    c.send("q");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn while_a_backend_hangs_keys_still_work_and_the_request_ends_at_its_deadline() {
    let s = crate::common::sandbox(500).await;
    s.api_faults
        .unioo
        .arm(backoffice::sandbox::faults::Fault::Hang, 1.0, None);
    let dir = TempDir::new("hang-config");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"hung\"\n[profiles.hung]\n[profiles.hung.unioo]\nurl = \"{}\"\ntoken_env = \"UNIOO_TOKEN\"\ntimeout_secs = 3\n",
            s.unioo_url()
        ),
    )
    .unwrap();
    let token = s.mint_unioo_token(backoffice::sandbox::TOKEN_TTL_SECS);
    let cpr = s.world.people[3].cpr_text();
    tokio::task::spawn_blocking(move || {
        let mut c = Console::start_env(
            "hang",
            &["--config", config.to_str().unwrap()],
            &[("UNIOO_TOKEN", &token)],
        );
        c.wait_for("Find a person in every backend");
        c.send(&cpr);
        c.send("\r");
        c.wait_for("searching…");
        // The backend hangs; the console does not (F1: the field has the focus).
        c.send("\x1bOP");
        c.wait_for("Keys (Esc closes)");
        c.send("\x1b");
        wait_until("the help to close", DEADLINE, || {
            !c.contents().contains("Keys (Esc closes)")
        });
        c.wait_for("Unioo failed");
        c.wait_for("did not answer within 3 s");
        c.wait_for("Unioo down");
        c.send("\x03");
        wait_until("the console to exit", DEADLINE, || {
            c.child.try_wait().unwrap().is_some()
        });
    })
    .await
    .unwrap();
}

#[test]
fn profile_switches_without_restarting() {
    let dir = TempDir::new("profiles-config");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"demo\"\n[profiles.demo]\nsandbox = true\n[profiles.training]\nsandbox = true\nread_only = true\n",
    )
    .unwrap();
    let mut c = Console::start_with("profiles", &["--config", config.to_str().unwrap()]);
    c.wait_for("profile: demo");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send(":profile nowhere\r");
    c.wait_for("No profile \"nowhere\"; there are demo, training.");
    c.send(":profile training\r");
    c.wait_for("profile: training");
    c.wait_for("Find a person in every backend");
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}

/// How many times the console has asked the terminal for its image protocols (the question
/// ends with a device status request).
fn graphics_probes(c: &Console) -> usize {
    let raw = c.raw.lock().unwrap();
    raw.windows(4).filter(|w| w == b"\x1b[5n").count()
}

/// Whether a sixel image (a device control string) has been drawn.
fn sixels_drawn(c: &Console) -> bool {
    c.raw.lock().unwrap().windows(2).any(|w| w == b"\x1bP")
}

/// Whether any pixel image has been drawn: sixel, or kitty graphics (an APC string).
fn pixels_drawn(c: &Console) -> bool {
    sixels_drawn(c) || c.raw.lock().unwrap().windows(3).any(|w| w == b"\x1b_G")
}

/// At the first document, in a terminal that says it may draw images.
fn open_first_document(tag: &str, env: &[(&str, &str)]) -> Console {
    let mut c = Console::start_env(tag, &[], env);
    c.wait_for("Find a person in every backend");
    c.send("\x1b");
    c.wait_for("/ search");
    c.send("v");
    c.wait_for("Review queue:");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(graphics_probes(&c), 0, "asked before any image was drawn");
    c.send("\r");
    c.wait_for("a approve");
    wait_until("the image protocol question", DEADLINE, || {
        graphics_probes(&c) == 1
    });
    c
}

#[test]
fn the_image_protocol_is_asked_at_the_first_image_and_keys_typed_meanwhile_are_kept() {
    // foot: sixel graphics, found by asking.
    let mut c = open_first_document("probe", &[("TERM", "foot")]);
    assert!(!pixels_drawn(&c));
    // A key typed while the terminal is being asked, then its answer: sixel, cells of 10x20
    // pixels, and the status report. One write, so a busy machine cannot miss the deadline.
    c.send("r\x1b[?62;4;22c\x1b[6;20;10t\x1b[0n");
    wait_until("the image drawn in sixels", DEADLINE, || sixels_drawn(&c));
    c.wait_for("Reject this document?");
    // Closed, the dialog leaves nothing behind on the image.
    c.send("\x1b");
    wait_until("the prompt to close", DEADLINE, || {
        !c.contents().contains("Reject this document?")
    });
    c.send("\x1b");
    c.wait_for("Review queue:");
    // The next image does not ask again.
    c.send("j\r");
    c.wait_for("a approve");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(graphics_probes(&c), 1, "asked twice");
    c.send("\x1b");
    c.wait_for("Review queue:");
    c.send("q");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}

#[test]
fn a_terminal_that_never_answers_costs_half_a_second_and_no_key() {
    let mut c = open_first_document("probe-silent", &[("KITTY_WINDOW_ID", "1")]);
    // Typed while the console waits for an answer that never comes: handled after the wait.
    c.send("r");
    c.wait_for("Reject this document?");
    assert!(!pixels_drawn(&c), "halfblocks without an answer");
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}

#[test]
fn after_idling_the_unlock_cmd_runs_with_the_terminal_and_only_its_success_unlocks() {
    let dir = TempDir::new("unlock-config");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"demo\"\n[profiles.demo]\nsandbox = true\n\
         unlock_cmd = \"printf 'Unlock word: '; read w; [ \\\"$w\\\" = open ]\"\n",
    )
    .unwrap();
    let mut c = Console::start_env(
        "unlock",
        &["--config", config.to_str().unwrap()],
        &[("BACKOFFICE_IDLE_LOCK_SECS", "2")],
    );
    c.wait_for("Find a person in every backend");
    c.send("Qx");
    c.wait_for("to re-authenticate (unlock_cmd)");
    assert!(
        !c.contents().contains("Find a person"),
        "nothing shown while locked"
    );
    c.send("\r");
    // The command has the terminal: the console's screen is left while it asks.
    c.wait_for("Unlock word:");
    c.send("wrong\r");
    c.wait_for("Still locked: unlock_cmd exited with status 1");
    c.send("\r");
    c.wait_for("Unlock word:");
    c.send("open\r");
    c.wait_for("Find a person in every backend");
    assert!(c.contents().contains("Qx"), "the draft is kept");
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_without_an_unlock_cmd_ends_the_session_at_idle_and_says_why() {
    let s = crate::common::sandbox(20).await;
    let dir = TempDir::new("idle-end-config");
    let config = dir.0.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"staging\"\n[profiles.staging]\n[profiles.staging.unioo]\nurl = \"{}\"\ntoken_env = \"UNIOO_TOKEN\"\n",
            s.unioo_url()
        ),
    )
    .unwrap();
    let token = s.mint_unioo_token(backoffice::sandbox::TOKEN_TTL_SECS);
    tokio::task::spawn_blocking(move || {
        let mut c = Console::start_env(
            "idle-end",
            &["--config", config.to_str().unwrap()],
            &[("UNIOO_TOKEN", &token), ("BACKOFFICE_IDLE_LOCK_SECS", "2")],
        );
        c.wait_for("Find a person in every backend");
        c.wait_for(
            "backoffice: the session ended after 2 seconds without input: profile staging has no unlock_cmd",
        );
        assert!(
            !c.contents().contains("Find a person"),
            "the console's screen is gone"
        );
        wait_until("the console to exit", DEADLINE, || {
            c.child.try_wait().unwrap().is_some()
        });
    })
    .await
    .unwrap();
}

/// A sandbox profile whose audit log and SQLite team store are in `dir` (config 0600).
fn audit_config(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (log, store) = (dir.join("audit.jsonl"), dir.join("team.sqlite"));
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.s]\nsandbox = true\naudit_log = {:?}\n[profiles.s.team]\npath = {:?}\n",
            log.display().to_string(),
            store.display().to_string()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    (config, store)
}

#[tokio::test(flavor = "multi_thread")]
async fn at_start_a_team_store_copy_that_differs_and_a_torn_log_stay_in_red_at_the_top() {
    use backoffice::audit::{Actor, AuditLog, Event, Outcome};
    use backoffice::team::{Operator, TeamStore};
    let actor = Actor::from_env(None, "s");
    let me = Operator::new(&actor.os_user, None, &actor.host);
    let event = || Event {
        backend: "Unioo".into(),
        action: "legitimation.view".into(),
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    };

    // The store holds a record of this OS user and host that the local log does not.
    let dir = TempDir::new("start-differs");
    let (config, store_path) = audit_config(&dir.0);
    let mut other = AuditLog::open(&dir.0.join("other.jsonl"), actor.clone()).unwrap();
    let r = other.append(event(), Outcome::Ok).unwrap();
    let store = TeamStore::open_sqlite(&store_path).await.unwrap();
    store
        .append_audit(&me, &r.line(), &r.hash, &r.prev)
        .await
        .unwrap();
    store.close().await;
    let mut c = Console::start_with("start-differs", &["--config", config.to_str().unwrap()]);
    c.wait_for("Audit log and team store differ: run `backoffice audit verify`");
    // Keys go on working, and the warning stays.
    c.send("Ann");
    c.wait_for("Find: Ann");
    assert!(
        c.contents()
            .contains("Audit log and team store differ: run `backoffice audit verify`"),
        "{}",
        c.contents()
    );
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });

    // A log whose last write was cut short, the store merely behind: only the torn line shows,
    // and the store is caught up quietly.
    let dir = TempDir::new("start-torn");
    let (config, store_path) = audit_config(&dir.0);
    let log_path = dir.0.join("audit.jsonl");
    let mut log = AuditLog::open(&log_path, actor.clone()).unwrap();
    let sent = log.append(event(), Outcome::Ok).unwrap();
    drop(log);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .unwrap();
    f.write_all(b"{\"time\":\"2026-").unwrap();
    drop(f);
    let mut c = Console::start_with("start-torn", &["--config", config.to_str().unwrap()]);
    c.wait_for("Audit log's last line is cut short: run `backoffice audit verify`");
    let store = TeamStore::open_sqlite(&store_path).await.unwrap();
    let mut copied = Vec::new();
    for _ in 0..400 {
        copied = store.audit_lines(&me.os_user, &me.host).await.unwrap();
        if !copied.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(copied, [sent.line()]);
    store.close().await;
    assert!(
        !c.contents().contains("team store differ"),
        "{}",
        c.contents()
    );
    c.send("\x03");
    wait_until("the console to exit", DEADLINE, || {
        c.child.try_wait().unwrap().is_some()
    });
}
