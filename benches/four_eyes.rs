//! The team's shared ground as an officer feels it:
//! - proposal to mutation: the checker's confirmation of a four-eyes rejection, from the key to
//!   the change done at the sandbox over HTTP (store read, the document read back, confirm,
//!   the decision sent with the proposal's key, done), on the SQLite team store and, when
//!   `BACKOFFICE_TEST_PG_URL` is set, on PostgreSQL;
//! - a review queue of 10,000 pending documents, each with a claim, drawn at 200x50.
//!
//! `cargo bench --bench four_eyes`; quick mode (`BACKOFFICE_BENCH_QUICK=1`, as CI runs it): a
//! few seconds.

#[path = "common/mod.rs"]
mod common;

use backoffice::app::action::{Call, Payload};
use backoffice::app::features::ViewKind;
use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
use backoffice::app::features::review::{self, ClaimShown, QueueRow, QueueView};
use backoffice::app::runner::{Backends, perform};
use backoffice::app::team::Team;
use backoffice::backends::LegitimationReview;
use backoffice::console::SandboxClients;
use backoffice::core::*;
use backoffice::sandbox::{Sandbox, SandboxOptions};
use backoffice::team::{Operator, TeamStore};
use std::time::{Duration, Instant};

fn scratch(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("backoffice-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An officer on `clients`, with a log in `dir` and the team store `open` opens.
fn officer<F, Fut>(clients: &SandboxClients, dir: &std::path::Path, who: &str, open: F) -> Backends
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<TeamStore, String>> + Send + 'static,
{
    let actor = backoffice::audit::Actor {
        operator: Some(who.into()),
        os_user: who.into(),
        host: "bench".into(),
        ssh_client: None,
        profile: "bench".into(),
    };
    let team = Team::new(
        Operator::new(who, Some(who.into()), "bench"),
        Duration::from_secs(900),
        open,
    );
    let audit = backoffice::console::open_audit(Some(dir.join(format!("{who}.jsonl"))), actor)
        .with_central(team.clone());
    let mut b = clients.backends(audit);
    b.team = team;
    b
}

/// Milliseconds from the checker's confirmation to the change done, per proposal.
async fn proposal_to_mutation(
    clients: &SandboxClients,
    engine: &str,
    open: impl Fn() -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<TeamStore, String>> + Send>,
    > + Send
    + Sync
    + Clone
    + 'static,
    n: usize,
) {
    let dir = scratch(&format!("four-eyes-{engine}"));
    let (o1, o2) = (open.clone(), open);
    let maker = officer(clients, &dir, "ana", o1);
    let checker = officer(clients, &dir, "bo", o2);
    let items = clients
        .unioo
        .review_queue(None, None, 100)
        .await
        .unwrap()
        .items;
    let mut took = Vec::new();
    // Expired documents cannot be decided: their proposal would be void, not a mutation.
    let now = jiff::Timestamp::now();
    for item in items.iter().filter(|i| !i.is_expired(now)).take(n) {
        let decision = Decision {
            document_id: item.document_id,
            kind: item.kind,
            expected_version: item.version,
            verdict: Verdict::Reject {
                reason: "Image is blurred".into(),
            },
            idempotency_key: uuid::Uuid::new_v4().to_string(),
        };
        let event = backoffice::audit::Event {
            backend: "Unioo".into(),
            action: decision.verdict.action().into(),
            targets: vec![
                format!("user:{}", item.person.id),
                format!("document:{}", item.document_id),
            ],
            reason: Some("Image is blurred".into()),
            correlation: decision.idempotency_key.clone(),
            ..Default::default()
        };
        let call = Call::Review(review::calls::Call::Decide {
            decision: Box::new(decision),
            audit: Box::new(event),
        });
        let Ok(Payload::Proposed(p)) = perform(&maker, Call::Propose(Box::new(call))).await else {
            panic!("not proposed")
        };
        let t0 = Instant::now();
        let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
        took.push(t0.elapsed().as_secs_f64() * 1e3);
        assert!(
            matches!(
                done,
                Ok(Payload::Pending(Done::Confirmed { void: false, .. }))
            ),
            "{done:?}"
        );
    }
    took.sort_by(f64::total_cmp);
    println!(
        "proposal to mutation ({engine}, {} confirmations over HTTP): median {:.1} ms, p99 {:.1} ms",
        took.len(),
        common::median(took.clone()),
        took[(took.len() * 99 / 100).min(took.len() - 1)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A queue of `n` pending documents, each claimed by someone, drawn at 200x50.
fn queue_draw(n: usize, draws: usize) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut state = backoffice::app::State::new(
        backoffice::app::state::ProfileInfo::new("bench", "Unioo"),
        (200, 50),
        Instant::now(),
        jiff::civil::date(2026, 12, 3),
    );
    let t = jiff::Timestamp::from_second(1_790_000_000).unwrap();
    let rows: Vec<ReviewItem> = (0..n)
        .map(|i| ReviewItem {
            document_id: uuid::Uuid::from_u128(i as u128),
            kind: DocumentKind::PhotoLegitimation,
            version: 1,
            state: LegitimationState::Pending,
            created: Some(t),
            expires: None,
            person: PersonSummary {
                id: uuid::Uuid::from_u128(i as u128 + 1),
                first_name: format!("Person{i}"),
                last_name: "Test".into(),
                email: None,
                organizations: vec![],
            },
            cpr: None,
        })
        .collect();
    let mut q = QueueView::default();
    q.list.take_page(Page {
        total: n,
        next_cursor: None,
        items: rows
            .into_iter()
            .enumerate()
            .map(|(i, item)| QueueRow {
                item,
                claim: Some(ClaimShown {
                    claim: backoffice::team::Claim {
                        item: format!("Unioo:document:{i}"),
                        owner: format!("officer{}", i % 40),
                        owner_name: Some(format!("Officer {}", i % 40)),
                        host: "jump-1".into(),
                        taken_at: t,
                        expires_at: t,
                    },
                    age: Duration::from_secs(60 * (i as u64 % 15)),
                    mine: i % 40 == 0,
                }),
            })
            .collect(),
    });
    q.list.selected = n / 2;
    state.push(ViewKind::Queue(q));
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let look = Default::default();
    let mut took = Vec::new();
    for i in 0..draws {
        if let ViewKind::Queue(q) = &mut state.top_mut().kind {
            q.list.selected = (n / 2 + i) % n;
        }
        let t0 = Instant::now();
        term.draw(|f| backoffice::ui::draw(f, &state, &look))
            .unwrap();
        took.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    let screen = term.backend().to_string();
    assert!(screen.contains("Officer"), "the claims are drawn");
    println!(
        "queue of {n} pending documents with claims, 200x50: median draw {:.2} ms, max {:.2} ms ({draws} draws)",
        common::median(took.clone()),
        took.iter().cloned().fold(0.0, f64::max)
    );
}

fn main() {
    let quick = common::quick();
    queue_draw(10_000, if quick { 20 } else { 200 });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions {
            people: 2_000,
            ..Default::default()
        })
        .await
        .unwrap();
        let clients = SandboxClients::new(&sandbox).unwrap();
        let n = if quick { 5 } else { 50 };
        let dir = scratch("four-eyes-store");
        let path = dir.join("team.sqlite");
        proposal_to_mutation(
            &clients,
            "SQLite",
            move || {
                let path = path.clone();
                Box::pin(async move {
                    TeamStore::open_sqlite(&path)
                        .await
                        .map_err(|e| e.to_string())
                })
            },
            n,
        )
        .await;
        if let Ok(base) = std::env::var("BACKOFFICE_TEST_PG_URL") {
            let admin = sqlx::PgPool::connect(&base).await.unwrap();
            let schema = format!("bench_four_eyes_{}", std::process::id());
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
                .unwrap();
            let mut url = url::Url::parse(&base).unwrap();
            url.query_pairs_mut()
                .append_pair("options", &format!("-c search_path={schema}"));
            let url = url.to_string();
            proposal_to_mutation(
                &clients,
                "PostgreSQL",
                move || {
                    let url = url.clone();
                    Box::pin(async move {
                        TeamStore::open_postgres(&url, None)
                            .await
                            .map_err(|e| e.to_string())
                    })
                },
                n,
            )
            .await;
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await
                .unwrap();
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
