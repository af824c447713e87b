//! Benchmarks for the foundation's goals. `cargo bench --bench console` prints:
//! - start to first drawn frame: the real release binary in a pseudo-terminal (median and max
//!   of 15; `-- --first-frame` runs only this), and in-process (sandbox start + client + first
//!   draw) under criterion;
//! - CPR search round trip to a painted result on the sandbox (p50, p99 over 2,000);
//! - one full draw of the person view and of a 100,000-row users list at 200x50, against a
//!   1,000-row list to show drawing does not grow with the list;
//! - peak RSS of a console process with 100,000 users paged in (sandbox in another process).
//!
//! Quick mode (`BACKOFFICE_BENCH_QUICK=1` or `--quick`, as CI runs it): the same steps with a
//! few iterations each and 2,000 users. Waiting for a screen fails with the screen after a
//! deadline.

#[path = "common/mod.rs"]
mod common;
use backoffice::app::action::{Action, Call, Effect, Payload};
use backoffice::app::features::ViewKind;
use backoffice::app::paging::PagedList;
use backoffice::app::runner::{Backends, perform};
use backoffice::app::state::{ProfileInfo, State};
use backoffice::app::update;
use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::unioo::{self, UniooClient};
use backoffice::core::{Cpr, PersonSummary, Sort};
use backoffice::sandbox::{Sandbox, SandboxOptions, TOKEN_TTL_SECS};
use common::{pick, proc_status_kib, settle};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the search pane's title says when the console is up (`ui/panes/search.rs`).
const SEARCH_PANE: &str = "Find a person in every backend";

/// The longest a bench waits for a screen, a quit or a sandbox.
const DEADLINE: Duration = Duration::from_secs(30);

fn profile() -> ProfileInfo {
    ProfileInfo::new("bench", "Unioo")
}

fn new_state(w: u16, h: u16) -> State {
    State::new(
        profile(),
        (w, h),
        Instant::now(),
        backoffice::clock::today(),
    )
}

fn client(url: &str, token: String) -> UniooClient {
    UniooClient::new(GraphqlClient::new(
        unioo::NAME,
        url.parse().unwrap(),
        secrecy::SecretString::from(token),
        Default::default(),
    ))
}

/// What the runner uses: the client for people and review, and an audit log in `dir`.
fn backends(url: &str, token: String, dir: &std::path::Path) -> Backends {
    let c = std::sync::Arc::new(client(url, token));
    let audit = backoffice::console::open_audit(Some(dir.join("audit.jsonl")), Default::default());
    Backends {
        people: c.clone(),
        review: c.clone(),
        staff: c,
        onboarding: None,
        platform: None,
        end_users: None,
        bank_users: None,
        audit,
        // Documents are claimed before they are decided: a store in `dir`, as the console has.
        team: backoffice::app::team::Team::sqlite(
            backoffice::team::Operator::new("bench", None, "bench"),
            Duration::from_secs(15 * 60),
            dir.join("team.sqlite"),
        ),
    }
}

fn scratch(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("backoffice-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn draw(term: &mut Terminal<TestBackend>, state: &State) {
    term.draw(|f| backoffice::ui::draw(f, state, &Default::default()))
        .unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Pages `people` users into a users view, as scrolling to the end would, from a sandbox in
/// another process, so the figure is the console's own.
fn rss_with_users(rt: &tokio::runtime::Runtime, people: usize) -> State {
    let sandbox = backoffice::sandbox::process::SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--people", &people.to_string()],
    )
    .expect("the sandbox starts");
    let unioo = &sandbox.credentials.unioo;
    let c = backends(&unioo.url, unioo.token.clone(), &scratch("rss"));
    let before = proc_status_kib("VmRSS");
    let mut state = new_state(200, 50);
    let started = Instant::now();
    rt.block_on(async {
        settle(
            &mut state,
            &c,
            Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        )
        .await;
        settle(
            &mut state,
            &c,
            Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)),
        )
        .await;
        loop {
            let ViewKind::Users(l) = &state.top().kind else {
                unreachable!()
            };
            if l.complete() {
                break;
            }
            let had = l.rows.len();
            assert!(
                started.elapsed() < DEADLINE * 10,
                "bench: paging stopped at {had} of {people} users"
            );
            settle(
                &mut state,
                &c,
                Action::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE)),
            )
            .await;
            let ViewKind::Users(l) = &state.top().kind else {
                unreachable!()
            };
            assert!(
                l.rows.len() > had || l.complete(),
                "bench: `G` loaded no more users ({had} of {people})"
            );
        }
    });
    let ViewKind::Users(l) = &state.top().kind else {
        unreachable!()
    };
    assert_eq!(l.rows.len(), people);
    println!(
        "users paged in: {} in {:.1} s; console RSS before {:.1} MB, after {:.1} MB, peak (VmHWM) {:.1} MB",
        l.rows.len(),
        started.elapsed().as_secs_f64(),
        before as f64 / 1024.0,
        proc_status_kib("VmRSS") as f64 / 1024.0,
        proc_status_kib("VmHWM") as f64 / 1024.0
    );
    drop(sandbox);
    state
}

/// A child in a pseudo-terminal, killed if the bench lets go of it before it quit.
struct PtyChild(Box<dyn portable_pty::Child + Send + Sync>);

impl Drop for PtyChild {
    fn drop(&mut self) {
        if !matches!(self.0.try_wait(), Ok(Some(_))) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Feeds the pty's output to `parser` until `text` is on the screen; fails with the screen
/// when it is not there within `deadline` or the console went away first.
fn wait_for_screen(
    output: &mpsc::Receiver<Vec<u8>>,
    parser: &mut vt100::Parser,
    text: &str,
    deadline: Duration,
) {
    let until = Instant::now() + deadline;
    while !parser.screen().contents().contains(text) {
        let left = until.saturating_duration_since(Instant::now());
        match output.recv_timeout(left) {
            Ok(bytes) => parser.process(&bytes),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "bench: {text:?} was not on the screen within {deadline:?}; the screen:\n{}",
                parser.screen().contents()
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                "bench: the console exited before {text:?} was on the screen; the screen:\n{}",
                parser.screen().contents()
            ),
        }
    }
}

/// The binary in a pseudo-terminal: spawn to the search pane on screen, `runs` times.
fn first_frame_in_a_pty(runs: usize) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let home = std::env::temp_dir().join(format!("backoffice-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut times = Vec::new();
    for _ in 0..runs {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let bin = std::env::var_os("BENCH_BACKOFFICE_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_backoffice").into());
        let mut cmd = CommandBuilder::new(bin);
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("BACKOFFICE_CONFIG");
        let started = Instant::now();
        let mut child = PtyChild(pair.slave.spawn_command(cmd).unwrap());
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let mut writer = pair.master.take_writer().unwrap();
        // Read on a thread of its own, so a silent console cannot block the bench.
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut parser = vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0);
        wait_for_screen(&output, &mut parser, SEARCH_PANE, DEADLINE);
        times.push(started.elapsed());

        writer.write_all(b"\x03").unwrap();
        let quit_by = Instant::now() + DEADLINE;
        while !matches!(child.0.try_wait(), Ok(Some(_))) {
            assert!(
                Instant::now() < quit_by,
                "bench: the console did not quit on Ctrl-C within {DEADLINE:?}"
            );
            // Keep draining, so the console is never blocked writing.
            while output.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(pair.master);
    }
    times.sort();
    println!(
        "start to first frame, binary in a pty (includes the sandbox): median {:.1} ms, max {:.1} ms (n={})",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        times.len()
    );
    let _ = std::fs::remove_dir_all(home);
}

/// A CPR search from Enter to the painted result, on the in-process sandbox.
fn search_round_trip(rt: &tokio::runtime::Runtime, n: usize) {
    let (times, _) = rt.block_on(async {
        let s = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let c = backends(
            &s.unioo_url(),
            s.mint_unioo_token(TOKEN_TTL_SECS),
            &scratch("search"),
        );
        let cprs: Vec<Cpr> = s
            .world
            .people
            .iter()
            .take(500)
            .map(|p| Cpr::parse_recorded(&p.cpr_text()).unwrap())
            .collect();
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut times = Vec::new();
        for i in 0..n {
            let mut state = new_state(80, 24);
            let cpr = cprs[i % cprs.len()];
            let started = Instant::now();
            let effects = update(
                &mut state,
                Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            );
            debug_assert!(effects.is_empty());
            // What the runner does for the search call.
            let query = backoffice::search::Query::Cpr(cpr);
            let call = Call::Search(backoffice::app::features::search::calls::Call::Ask {
                source: backoffice::search::Source::Unioo,
                query: query.clone(),
            });
            let result = common::within("a CPR search", DEADLINE, perform(&c, call)).await;
            let hits = match result {
                Ok(Payload::Search(backoffice::app::features::search::calls::Payload::Hits(
                    answer,
                ))) => answer.hits,
                other => panic!("{other:?}"),
            };
            black_box(&hits);
            let mut state2 = new_state(80, 24);
            if let ViewKind::Search(v) = &mut state2.views[0].kind {
                v.results = hits;
                v.submitted = Some(query);
            }
            draw(&mut term, &state2);
            times.push(started.elapsed());
        }
        (times, s)
    });
    let mut times = times;
    times.sort();
    println!(
        "CPR search to painted result (sandbox on loopback): p50 {:.3} ms, p99 {:.3} ms (n={})",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.len()
    );
}

fn users_state(rows: usize, template: &[PersonSummary]) -> State {
    let mut state = new_state(200, 50);
    let list = PagedList {
        rows: (0..rows)
            .map(|i| template[i % template.len()].clone())
            .collect(),
        total: Some(rows),
        selected: rows / 2,
        offset: rows / 2 - 10,
        sort: Sort::default(),
        ..Default::default()
    };
    state.push(ViewKind::Users(list));
    state
}

fn main() {
    // `cargo bench --bench console -- --first-frame`: only start to first frame in a pty.
    if std::env::args().any(|a| a == "--first-frame") {
        first_frame_in_a_pty(15);
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let people = pick(100_000, 2_000);
    let big = rss_with_users(&rt, people);
    first_frame_in_a_pty(pick(15, 2));
    search_round_trip(&rt, pick(2_000, 50));
    confirm_to_next_document(&rt, pick(200, 10));
    audit_costs(pick(500, 20), pick(100_000, 2_000), pick(5, 1));

    let mut c = common::criterion(30);
    c.bench_function(
        "first frame in-process (sandbox start, client, draw 80x24)",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    let s = Sandbox::start(SandboxOptions::default()).await.unwrap();
                    let _c = client(&s.unioo_url(), s.mint_unioo_token(TOKEN_TTL_SECS));
                    let state = new_state(80, 24);
                    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
                    draw(&mut term, &state);
                    black_box(term);
                })
            })
        },
    );

    // A person view loaded over HTTP, drawn whole (diffed against an empty screen) each time.
    let sandbox = rt
        .block_on(Sandbox::start(SandboxOptions::default()))
        .unwrap();
    let c_dir = backends(
        &sandbox.unioo_url(),
        sandbox.mint_unioo_token(TOKEN_TTL_SECS),
        &scratch("person"),
    );
    let template = rt
        .block_on(c_dir.people.users(None, Sort::default(), 100))
        .unwrap()
        .items;
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut state = new_state(w, h);
        rt.block_on(async {
            for ch in sandbox.world.people[0].cpr_text().chars() {
                settle(
                    &mut state,
                    &c_dir,
                    Action::Key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE)),
                )
                .await;
            }
            settle(
                &mut state,
                &c_dir,
                Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            )
            .await;
        });
        assert!(matches!(state.top().kind, ViewKind::Person(_)));
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        c.bench_function(&format!("full draw: person view {w}x{h}"), |b| {
            b.iter(|| {
                draw(&mut term, &state);
                term.swap_buffers();
            })
        });
    }
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function(
        &format!("full draw: users list, {people} rows loaded, 200x50"),
        |b| {
            b.iter(|| {
                draw(&mut term, &big);
                term.swap_buffers();
            })
        },
    );
    let small = users_state(1_000, &template);
    c.bench_function("full draw: users list, 1,000 rows loaded, 200x50", |b| {
        b.iter(|| {
            draw(&mut term, &small);
            term.swap_buffers();
        })
    });
    let synthetic = pick(100_000, 10_000);
    let huge = users_state(synthetic, &template);
    c.bench_function(
        &format!("full draw: users list, {synthetic} synthetic rows, 200x50"),
        |b| {
            b.iter(|| {
                draw(&mut term, &huge);
                term.swap_buffers();
            })
        },
    );
    c.final_summary();
}

/// From Enter in the confirm dialog to the next document painted: the decision (audit intent,
/// HTTP, audit outcome), the next document's KYC and image loads, and the draw.
fn confirm_to_next_document(rt: &tokio::runtime::Runtime, n: usize) {
    let (to_first_paint, to_complete) = rt.block_on(async {
        let s = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let b = backends(
            &s.unioo_url(),
            s.mint_unioo_token(TOKEN_TTL_SECS),
            &scratch("review"),
        );
        let mut state = new_state(80, 24);
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let key = |c: KeyCode| Action::Key(KeyEvent::new(c, KeyModifiers::NONE));
        settle(&mut state, &b, key(KeyCode::Esc)).await;
        settle(&mut state, &b, key(KeyCode::Char('v'))).await;
        settle(&mut state, &b, key(KeyCode::Enter)).await;
        let (mut first, mut complete) = (Vec::new(), Vec::new());
        for i in 0..n {
            let verdict = if i % 2 == 0 {
                KeyCode::Char('a')
            } else {
                KeyCode::Char('r')
            };
            settle(&mut state, &b, key(verdict)).await;
            let started = Instant::now();
            // Enter: the decision goes out; its answer opens the next document.
            let mut pending: Vec<(u64, Call)> = update(&mut state, key(KeyCode::Enter))
                .into_iter()
                .filter_map(|e| match e {
                    Effect::Call { req, call } => Some((req, call)),
                    _ => None,
                })
                .collect();
            let mut painted = false;
            while let Some((req, call)) = pending.pop() {
                let result = common::within("a review call", DEADLINE, perform(&b, call)).await;
                for e in update(&mut state, Action::Loaded { req, result }) {
                    if let Effect::Call { req, call } = e {
                        pending.insert(0, (req, call));
                    }
                }
                if !painted
                    && matches!(state.top().kind, ViewKind::Document(_))
                    && pending.len() == 2
                {
                    draw(&mut term, &state);
                    first.push(started.elapsed());
                    painted = true;
                }
            }
            draw(&mut term, &state);
            complete.push(started.elapsed());
            let ViewKind::Document(d) = &state.top().kind else {
                panic!("the queue ran out")
            };
            if d.notice.is_some() {
                // An expired document cannot be decided: move past it.
                settle(&mut state, &b, key(KeyCode::Esc)).await;
                settle(&mut state, &b, key(KeyCode::Down)).await;
                settle(&mut state, &b, key(KeyCode::Enter)).await;
            }
        }
        first.sort();
        complete.sort();
        (percentile(&first, 0.5), percentile(&complete, 0.5))
    });
    println!(
        "confirm to next document: painted (header, loading) median {:.2} ms; with its image and KYC median {:.2} ms (n={n}, audit fsync included)",
        to_first_paint.as_secs_f64() * 1e3,
        to_complete.as_secs_f64() * 1e3
    );
}

/// Audit append (with fsync) per record, `appends` times, and `verify` over `records` records,
/// `verifies` times.
fn audit_costs(appends: usize, records: usize, verifies: usize) {
    use backoffice::audit::{Actor, AuditLog, Event, GENESIS, Outcome, Record, verify_file};
    let dir = scratch("audit");
    let mut log = AuditLog::open(&dir.join("append.jsonl"), Actor::default()).unwrap();
    let mut times = Vec::new();
    for i in 0..appends {
        let event = Event {
            action: "legitimation.approve".into(),
            targets: vec![format!("document:{i}")],
            correlation: i.to_string(),
            ..Default::default()
        };
        let started = Instant::now();
        log.append(event, Outcome::Ok).unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    // The records written in one go (sealed the same way, without an fsync each).
    let actor = Actor {
        operator: Some("Jane Doe".into()),
        os_user: "jdoe".into(),
        host: "jump-1".into(),
        ssh_client: None,
        profile: "prod".into(),
    };
    let mut prev = GENESIS.to_string();
    let mut text = String::new();
    for i in 0..records {
        let event = Event {
            backend: "Unioo".into(),
            action: "legitimation.reject".into(),
            targets: vec![format!("user:{i}"), format!("document:{i}")],
            cpr_masked: Some("211062-****".into()),
            reason: Some("Image is blurred".into()),
            correlation: i.to_string(),
        };
        let r = Record::seal(&actor, event, Outcome::Ok, &prev);
        prev = r.hash.clone();
        text.push_str(&serde_json::to_string(&r).unwrap());
        text.push('\n');
    }
    let big = dir.join("big.jsonl");
    std::fs::write(&big, text).unwrap();
    let mut verify = Vec::new();
    for _ in 0..verifies {
        let started = Instant::now();
        assert_eq!(verify_file(&big).unwrap(), records);
        verify.push(started.elapsed());
    }
    verify.sort();
    println!(
        "audit append with fsync: median {:.3} ms, p99 {:.3} ms per record (n={appends}); verify {records} records: median {:.0} ms (n={verifies})",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        percentile(&verify, 0.5).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(dir);
}
