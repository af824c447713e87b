//! What a slow link and a bad day cost: bytes written to the terminal per cursor move in a
//! 200-row table at 80x24 and per pane switch (the real crossterm backend, counting bytes);
//! the time for a keystroke to be handled and drawn while a backend hangs; and RSS before and
//! after a soak (paging and searching in a loop against a sandbox in its own process, so the
//! figure is the console's own memory).
//! `cargo bench --bench terminal [-- --soak-secs N]` (default 180 s). Quick mode
//! (`BACKOFFICE_BENCH_QUICK=1` or `--quick`, as CI runs it): a 2 s soak, fewer rows and keys.

#[path = "common/mod.rs"]
mod common;
use backoffice::app::action::{Action, Effect};
use backoffice::app::runner::Backends;
use backoffice::app::state::{ProfileInfo, State};
use backoffice::app::update;
use backoffice::console::SandboxClients;
use backoffice::sandbox::faults::Fault;
use backoffice::sandbox::process::SandboxProcess;
use backoffice::sandbox::{Sandbox, SandboxOptions};
use common::{median, pick, proc_status_kib, settle};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::Cell;
use std::io::Write;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The longest the bench waits for a list to load.
const DEADLINE: Duration = Duration::from_secs(60);

/// Counts the bytes the backend writes.
#[derive(Clone, Default)]
struct Counter(Rc<Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn terminal(c: &Counter) -> Terminal<CrosstermBackend<Counter>> {
    Terminal::with_options(
        CrosstermBackend::new(c.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .expect("a terminal on a counter")
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn new_state(backends: &Backends) -> State {
    let mut s = State::new(
        ProfileInfo::new("bench", "Unioo"),
        (80, 24),
        Instant::now(),
        backoffice::clock::today(),
    );
    s.profile.search_sources = backends.sources().configured();
    s
}

fn backends(clients: &SandboxClients) -> Backends {
    clients.backends(backoffice::console::open_audit(
        Some(
            std::env::temp_dir()
                .join(format!("backoffice-bench-terminal-{}", std::process::id()))
                .join("audit.jsonl"),
        ),
        Default::default(),
    ))
}

async fn bytes_per_move_and_switch(b: &Backends) {
    let mut state = new_state(b);
    settle(&mut state, b, key(KeyCode::Esc)).await;
    settle(&mut state, b, key(KeyCode::Char('u'))).await;
    // Rows loaded (the list pages as the cursor nears the end).
    let rows = pick(200, 60);
    let loading = Instant::now();
    while matches!(&state.top().kind, backoffice::app::features::ViewKind::Users(l) if l.rows.len() < rows)
    {
        assert!(
            loading.elapsed() < DEADLINE,
            "bench: {rows} users were not loaded within {DEADLINE:?}"
        );
        settle(&mut state, b, key(KeyCode::End)).await;
    }
    settle(&mut state, b, key(KeyCode::Home)).await;
    let counter = Counter::default();
    let mut term = terminal(&counter);
    term.draw(|f| backoffice::ui::draw(f, &state, &Default::default()))
        .unwrap();
    let full = counter.0.replace(0);
    // Moves within the visible rows, then moves that scroll the table by a row each.
    let (mut within, mut scrolling) = (Vec::new(), Vec::new());
    for _ in 0..rows {
        let before = match &state.top().kind {
            backoffice::app::features::ViewKind::Users(l) => l.offset,
            _ => 0,
        };
        settle(&mut state, b, key(KeyCode::Down)).await;
        let after = match &state.top().kind {
            backoffice::app::features::ViewKind::Users(l) => l.offset,
            _ => 0,
        };
        term.draw(|f| backoffice::ui::draw(f, &state, &Default::default()))
            .unwrap();
        let n = counter.0.replace(0) as f64;
        if before == after {
            within.push(n)
        } else {
            scrolling.push(n)
        }
    }
    let moves = [within.clone(), scrolling.clone()].concat();
    settle(&mut state, b, key(KeyCode::Char('B'))).await;
    term.draw(|f| backoffice::ui::draw(f, &state, &Default::default()))
        .unwrap();
    let switch = counter.0.replace(0);
    settle(&mut state, b, key(KeyCode::Char('u'))).await;
    term.draw(|f| backoffice::ui::draw(f, &state, &Default::default()))
        .unwrap();
    let back = counter.0.replace(0);
    println!(
        "bytes to the terminal at 80x24: first frame {full}; cursor move in a {rows}-row table: median {:.0} over all {} moves; {:.0} when the table does not scroll (n={}), {:.0} when it scrolls half a page (n={}); pane switch users → bunq users {switch}, and back {back}",
        median(moves.clone()),
        moves.len(),
        median(within.clone()),
        within.len(),
        median(scrolling.clone()),
        scrolling.len()
    );
}

/// Keys typed while the only backend asked hangs: each handled and drawn.
async fn keystrokes_while_hung(
    clients: &SandboxClients,
    handle: &backoffice::sandbox::SandboxHandle,
) {
    let b = backends(clients);
    handle.api_faults.unioo.arm(Fault::Hang, 1.0, None);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = backoffice::app::runner::Runner::new(b.clone(), tx);
    let mut state = new_state(&b);
    state.profile.search_sources = vec![backoffice::search::Source::Unioo];
    for c in "0101014000".chars() {
        update(&mut state, key(KeyCode::Char(c)));
    }
    for e in update(&mut state, key(KeyCode::Enter)) {
        runner.run(e);
    }
    let counter = Counter::default();
    let mut term = terminal(&counter);
    let mut times = Vec::new();
    let keys = pick(500, 50);
    for i in 0..keys {
        let code = if i % 2 == 0 {
            KeyCode::Char('7')
        } else {
            KeyCode::Backspace
        };
        let t = Instant::now();
        for e in update(&mut state, key(code)) {
            runner.run(e);
        }
        term.draw(|f| backoffice::ui::draw(f, &state, &Default::default()))
            .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e6);
        tokio::task::yield_now().await;
    }
    assert!(
        state.requests.values().count() == 1,
        "the search is still hanging"
    );
    println!(
        "keystroke handled and drawn while Unioo hangs: median {:.1} µs (n={keys})",
        median(times)
    );
    handle.api_faults.unioo.clear();
    runner.run(Effect::Quit);
}

/// `backoffice sandbox` in its own process, and clients for it.
fn sandbox_process() -> (SandboxProcess, SandboxClients) {
    let process = SandboxProcess::spawn(
        env!("CARGO_BIN_EXE_backoffice").as_ref(),
        &["--healthmov-rate-limit", "0", "--bunq-rate-window-ms", "0"],
    )
    .expect("the sandbox starts");
    let clients = SandboxClients::from_credentials(process.credentials.clone()).expect("clients");
    (process, clients)
}

/// Searching and paging in a loop; RSS before and after.
async fn soak(b: &Backends, secs: u64) {
    let queries = ["Madsen", "Jensen", "2010", "0101014000", "Nielsen"];
    let mut state = new_state(b);
    // Warm: the first of each kind of screen and session.
    for q in queries {
        search(&mut state, b, q).await;
    }
    let start = proc_status_kib("VmRSS");
    let until = Instant::now() + Duration::from_secs(secs);
    let mut rounds = 0;
    let mut samples = vec![start];
    while Instant::now() < until {
        for q in queries {
            search(&mut state, b, q).await;
        }
        settle(&mut state, b, key(KeyCode::Esc)).await;
        settle(&mut state, b, key(KeyCode::Char('u'))).await;
        for _ in 0..10 {
            settle(&mut state, b, key(KeyCode::PageDown)).await;
        }
        settle(&mut state, b, key(KeyCode::Char('/'))).await;
        rounds += 1;
        if rounds % 20 == 0 {
            samples.push(proc_status_kib("VmRSS"));
        }
    }
    let end = proc_status_kib("VmRSS");
    println!(
        "soak {secs} s ({rounds} rounds of 5 searches and 10 pages): RSS at start {:.1} MB, after {:.1} MB; samples (MB): {}",
        start as f64 / 1024.0,
        end as f64 / 1024.0,
        samples
            .iter()
            .map(|k| format!("{:.1}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" ")
    );
}

async fn search(state: &mut State, b: &Backends, q: &str) {
    settle(state, b, key(KeyCode::Char('/'))).await;
    settle(state, b, key(KeyCode::Esc)).await;
    settle(state, b, key(KeyCode::Char('/'))).await;
    for c in q.chars() {
        settle(state, b, key(KeyCode::Char(c))).await;
    }
    settle(state, b, key(KeyCode::Enter)).await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let soak_secs = args
        .iter()
        .position(|a| a == "--soak-secs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(pick(180, 2));
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        println!(
            "RSS at start of the process: {:.1} MB",
            proc_status_kib("VmRSS") as f64 / 1024.0
        );
        let handle = Sandbox::start(SandboxOptions {
            bunq_rate_window_ms: 0,
            healthmov_rate_limit: 0,
            upvest_rate_limit: 0,
            ..Default::default()
        })
        .await
        .expect("sandbox");
        let clients = SandboxClients::new(&handle).expect("clients");
        let b = backends(&clients);
        bytes_per_move_and_switch(&b).await;
        keystrokes_while_hung(&clients, &handle).await;
        drop(handle);
        let (_child, far) = sandbox_process();
        soak(&backends(&far), soak_secs).await;
    });
}
