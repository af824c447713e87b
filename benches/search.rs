//! Federated search against the sandbox, as the console runs it (the real `update` and
//! `Runner`, every client over loopback HTTP): time from Enter to the first result shown and
//! to the last backend's answer, medians over a run of searches. `cargo bench --bench search`.
//!
//! Twice: with bunq's own rate limits (3 GETs per endpoint per 3 s: back-to-back searches
//! wait for bunq), and with them off (the cost of the search itself).
//!
//! Quick mode (`BACKOFFICE_BENCH_QUICK=1` or `--quick`, as CI runs it): 3 searches of each
//! kind. Every answer is awaited with a deadline.

#[path = "common/mod.rs"]
mod common;
use backoffice::app::action::{Action, Effect};
use backoffice::app::features::ViewKind;
use backoffice::app::features::search::SearchView;
use backoffice::app::runner::Runner;
use backoffice::app::state::{ProfileInfo, State};
use backoffice::app::update;
use backoffice::console::SandboxClients;
use backoffice::sandbox::{Sandbox, SandboxOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

/// Searches of each kind.
fn searches() -> usize {
    common::pick(20, 3)
}

/// The longest one backend's answer may take before the bench fails.
const DEADLINE: Duration = Duration::from_secs(60);

fn view(s: &State) -> &SearchView {
    match &s.views[0].kind {
        ViewKind::Search(v) => v,
        _ => unreachable!("search is at the bottom"),
    }
}

/// The value `q` of the way up the sorted list (0.5: the median).
fn quantile(v: &[Duration], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3
}

/// One search, typed and run; (time to the first hit, time to the last answer).
async fn search(
    runner: &mut Runner,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>,
    state: &mut State,
    text: &str,
) -> (Duration, Duration) {
    // Esc leaves the field, `/` comes back to it empty, then the query and Enter.
    let keys = [KeyCode::Esc, KeyCode::Char('/')]
        .into_iter()
        .chain(text.chars().map(KeyCode::Char))
        .chain([KeyCode::Enter]);
    let mut effects = Vec::new();
    for k in keys {
        effects.extend(update(
            state,
            Action::Key(KeyEvent::new(k, KeyModifiers::NONE)),
        ));
    }
    assert!(
        view(state).error.is_none() && view(state).pending().next().is_some(),
        "{:?}",
        view(state).error
    );
    let t0 = Instant::now();
    for e in effects {
        runner.run(e);
    }
    let mut first = None;
    while view(state).pending().next().is_some() {
        let action = common::within("an answer to a search", DEADLINE, rx.recv())
            .await
            .expect("the runner answers");
        update(state, Action::Tick(Instant::now()));
        for e in update(state, action) {
            if let Effect::Call { .. } = e {
                runner.run(e);
            }
        }
        if first.is_none() && !view(state).results.is_empty() {
            first = Some(t0.elapsed());
        }
    }
    let last = t0.elapsed();
    assert!(!view(state).results.is_empty(), "{text} is found");
    assert!(
        view(state).sources.iter().all(|s| !matches!(
            s.outcome,
            backoffice::app::features::search::Outcome::Failed { .. }
        )),
        "{:?}",
        view(state).sources
    );
    (first.unwrap_or(last), last)
}

async fn run(bunq_rate_window_ms: u64) {
    let handle = Sandbox::start(SandboxOptions {
        bunq_rate_window_ms,
        healthmov_rate_limit: 0,
        upvest_rate_limit: 0,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let clients = SandboxClients::new(&handle).expect("clients");
    let backends = clients.backends(backoffice::console::open_audit(
        Some(
            std::env::temp_dir()
                .join(format!("backoffice-bench-search-{}", std::process::id()))
                .join("audit.jsonl"),
        ),
        Default::default(),
    ));
    // People bunq knows, by CPR; and surnames every listing backend has.
    let cprs: Vec<String> = handle
        .bunq
        .store
        .lock()
        .unwrap()
        .users
        .values()
        .take(searches())
        .map(|u| {
            u["tax_resident"][0]["tax_number"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let names = ["Madsen", "Jensen", "Nielsen", "Hansen", "Pedersen"];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(backends.clone(), tx);
    let mut state = State::new(
        ProfileInfo::new("bench", "Unioo"),
        (80, 24),
        Instant::now(),
        jiff::civil::date(2026, 11, 24),
    );
    state.profile.search_sources = backends.sources().configured();
    // The first search opens bunq's session and Upvest's token: not counted.
    search(&mut runner, &mut rx, &mut state, &cprs[0]).await;
    for (kind, queries) in [
        ("CPR (Unioo, bunq)", cprs.clone()),
        (
            "name (bunq, Upvest, VASCO, Healthmov)",
            (0..searches())
                .map(|i| names[i % names.len()].to_string())
                .collect(),
        ),
    ] {
        let (mut firsts, mut lasts) = (Vec::new(), Vec::new());
        for q in &queries {
            let (f, l) = search(&mut runner, &mut rx, &mut state, q).await;
            firsts.push(f);
            lasts.push(l);
        }
        println!(
            "{kind}, bunq limits {}: first result median {:.1} ms; last answer median {:.1} ms, 90th percentile {:.1} ms ({} searches back to back)",
            if bunq_rate_window_ms == 0 {
                "off"
            } else {
                "on"
            },
            quantile(&firsts, 0.5),
            quantile(&lasts, 0.5),
            quantile(&lasts, 0.9),
            queries.len()
        );
    }
    println!(
        "  bunq answered 429 {} times (waited out); requests it saw: {}",
        clients.bunq.throttled(),
        handle.bunq.seen.lock().unwrap().len()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(run(0));
    rt.block_on(run(3000));
}
