//! The team store under a team's load: 50 consoles (tokio tasks, each with its own store and
//! connections) for 60 s against the PostgreSQL at `BACKOFFICE_TEST_PG_URL` (in a schema of its
//! own, dropped afterwards), or a SQLite file when that is unset. Each console claims a
//! document, appends its audit intent, proposes a four-eyes action or confirms someone else's,
//! appends the outcome and releases the claim. At the end: no document was held by two
//! consoles at once, no proposal was confirmed twice, and every audit record each console
//! appended is in the store, in order. Prints operations per second and p50/p99 per operation,
//! then the claim round trip of one console alone on SQLite and (when set) PostgreSQL.
//!
//! `cargo bench --bench team_load`; quick mode (`BACKOFFICE_BENCH_QUICK=1`, as CI runs it):
//! about 3 s.

#[path = "common/mod.rs"]
mod common;

use backoffice::team::{ClaimResult, NewProposal, Operator, ProposalStatus, TeamError, TeamStore};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

const CONSOLES: usize = 50;
const DOCUMENTS: usize = 200;
const TTL: Duration = Duration::from_secs(300);

fn run_for() -> Duration {
    common::pick(Duration::from_secs(60), Duration::from_secs(3))
}

enum Target {
    Sqlite(PathBuf),
    Postgres {
        url: String,
        admin: sqlx::PgPool,
        schema: String,
    },
}

impl Target {
    async fn new(tag: &str) -> Target {
        match std::env::var("BACKOFFICE_TEST_PG_URL") {
            Ok(base) => {
                let admin = sqlx::PgPool::connect(&base)
                    .await
                    .expect("the PostgreSQL at BACKOFFICE_TEST_PG_URL answers");
                let schema = format!(
                    "bench_{tag}_{}_{:08x}",
                    std::process::id(),
                    fastrand::u32(..)
                );
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                let mut url = url::Url::parse(&base).unwrap();
                url.query_pairs_mut()
                    .append_pair("options", &format!("-c search_path={schema}"));
                Target::Postgres {
                    url: url.to_string(),
                    admin,
                    schema,
                }
            }
            Err(_) => Target::sqlite(tag),
        }
    }

    fn sqlite(tag: &str) -> Target {
        let dir = std::env::temp_dir().join(format!(
            "backoffice-team-bench-{tag}-{}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Target::Sqlite(dir.join("team.sqlite"))
    }

    async fn open(&self) -> TeamStore {
        match self {
            Target::Sqlite(path) => TeamStore::open_sqlite(path).await.unwrap(),
            Target::Postgres { url, .. } => TeamStore::open_postgres(url, None).await.unwrap(),
        }
    }

    async fn drop_it(self) {
        match self {
            Target::Sqlite(path) => {
                let _ = std::fs::remove_dir_all(path.parent().unwrap());
            }
            Target::Postgres { admin, schema, .. } => {
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
            }
        }
    }
}

/// What the consoles saw, to check the store's rules against.
#[derive(Default)]
struct Shared {
    /// Document → the console that holds its claim now (as far as the consoles know).
    holders: HashMap<usize, usize>,
    /// Open proposals: id → maker.
    open: BTreeMap<Uuid, usize>,
    confirmed: HashSet<Uuid>,
    violations: Vec<String>,
}

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    held_by_other: u64,
    lost_confirm_races: u64,
    appended: usize,
}

impl Tally {
    fn time(&mut self, op: &'static str, started: Instant) {
        self.latencies
            .entry(op)
            .or_default()
            .push(started.elapsed());
    }
}

fn pct(v: &mut [Duration], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

async fn console(
    i: usize,
    store: TeamStore,
    shared: Arc<Mutex<Shared>>,
    until: Instant,
) -> (Tally, Vec<String>) {
    let me = Operator::new(
        format!("console{i:02}"),
        Some(format!("Officer {i}")),
        "bench",
    );
    let mut tally = Tally::default();
    let mut chain = Chain {
        console: i,
        seq: 0,
        prev: "0".repeat(64),
        lines: Vec::new(),
    };
    let mut rng = fastrand::Rng::with_seed(i as u64);
    let mut rounds = 0u64;
    while Instant::now() < until {
        let doc = rng.usize(..DOCUMENTS);
        let item = format!("unioo:document:{doc}");
        let t = Instant::now();
        let claimed = store.claim(&item, &me, TTL).await.unwrap();
        tally.time("claim", t);
        if let ClaimResult::HeldBy(_) = claimed {
            tally.held_by_other += 1;
            continue;
        }
        {
            let mut s = shared.lock().unwrap();
            if let Some(other) = s.holders.insert(doc, i) {
                s.violations.push(format!(
                    "document {doc} claimed by console {i} while console {other} held it"
                ));
            }
        }
        rounds += 1;
        let (line, hash, p) = chain.next("intent");
        let t = Instant::now();
        store.append_audit(&me, &line, &hash, &p).await.unwrap();
        tally.time("append_audit", t);

        // Confirm someone else's open proposal, or propose one.
        let candidate = {
            let s = shared.lock().unwrap();
            let others: Vec<Uuid> = s
                .open
                .iter()
                .filter(|&(_, &maker)| maker != i)
                .map(|(id, _)| *id)
                .collect();
            (!others.is_empty() && rng.bool()).then(|| others[rng.usize(..others.len())])
        };
        match candidate {
            Some(id) => {
                let t = Instant::now();
                let result = store.confirm(id, &me).await;
                tally.time("confirm", t);
                match result {
                    Ok(p) => {
                        assert_eq!(p.status, ProposalStatus::Confirmed);
                        {
                            let mut s = shared.lock().unwrap();
                            s.open.remove(&id);
                            if !s.confirmed.insert(id) {
                                s.violations.push(format!("proposal {id} confirmed twice"));
                            }
                        }
                        let t = Instant::now();
                        store.finish(id, "done").await.unwrap();
                        tally.time("finish", t);
                    }
                    Err(TeamError::NotOpen { .. }) => tally.lost_confirm_races += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            None => {
                let t = Instant::now();
                let p = store
                    .propose(NewProposal {
                        action: "legitimation.reject".into(),
                        backend: "Unioo".into(),
                        targets: vec![format!("document:{doc}")],
                        subject: item.clone(),
                        seen_version: "v1".into(),
                        reason: Some("bench".into()),
                        payload: serde_json::json!({ "documentId": doc }),
                        maker: me.clone(),
                    })
                    .await
                    .unwrap();
                tally.time("propose", t);
                shared.lock().unwrap().open.insert(p.id, i);
            }
        }
        if rounds % 40 == 1 {
            let t = Instant::now();
            store.pending().await.unwrap();
            tally.time("pending", t);
        }
        let (line, hash, p) = chain.next("outcome");
        let t = Instant::now();
        store.append_audit(&me, &line, &hash, &p).await.unwrap();
        tally.time("append_audit", t);
        // Let go in the shared view first: once released, another console may take it.
        shared.lock().unwrap().holders.remove(&doc);
        let t = Instant::now();
        store.release(&item, &me).await.unwrap();
        tally.time("release", t);
    }
    tally.appended = chain.lines.len();
    (tally, chain.lines)
}

/// One console's audit records: each chained to the one before.
struct Chain {
    console: usize,
    seq: u64,
    prev: String,
    lines: Vec<String>,
}

impl Chain {
    /// The next record: its line, hash and prev.
    fn next(&mut self, what: &str) -> (String, String, String) {
        self.seq += 1;
        let (i, seq, prev) = (self.console, self.seq, &self.prev);
        let hash = format!("{:064x}", ((i as u128) << 64) | seq as u128);
        let line = format!(
            r#"{{"console":{i},"seq":{seq},"what":"{what}","prev":"{prev}","hash":"{hash}"}}"#
        );
        let out = (line.clone(), hash.clone(), prev.clone());
        self.prev = hash;
        self.lines.push(line);
        out
    }
}

async fn load() {
    let target = Target::new("load").await;
    let engine = match &target {
        Target::Sqlite(path) => {
            println!(
                "BACKOFFICE_TEST_PG_URL is not set: the load runs on SQLite ({})",
                path.display()
            );
            "SQLite"
        }
        Target::Postgres { .. } => "PostgreSQL",
    };
    let first = target.open().await;
    let mut stores = vec![first];
    for _ in 1..CONSOLES {
        stores.push(target.open().await);
    }
    let shared = Arc::new(Mutex::new(Shared::default()));
    let span = run_for();
    println!(
        "team_load: {CONSOLES} consoles on {engine}, {DOCUMENTS} documents, {} s",
        span.as_secs()
    );
    let started = Instant::now();
    let until = started + span;
    let tasks: Vec<_> = stores
        .iter()
        .enumerate()
        .map(|(i, s)| tokio::spawn(console(i, s.clone(), shared.clone(), until)))
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.expect("a console ran to the end"));
    }
    let elapsed = started.elapsed().as_secs_f64();

    // The rules held.
    let shared = std::mem::take(&mut *shared.lock().unwrap());
    assert!(shared.violations.is_empty(), "{:#?}", shared.violations);
    let checker = &stores[0];
    let mut lost = 0;
    for (i, (_, lines)) in results.iter().enumerate() {
        let stored = checker
            .audit_lines(&format!("console{i:02}"), "bench")
            .await
            .unwrap();
        if &stored != lines {
            lost += lines.len().saturating_sub(stored.len()).max(1);
        }
    }
    assert_eq!(lost, 0, "audit records lost or out of order");
    for id in &shared.confirmed {
        let p = checker.proposal(*id).await.unwrap().unwrap();
        assert_eq!(p.status, ProposalStatus::Done, "{id}");
    }
    let still_open = checker.pending().await.unwrap();
    assert_eq!(still_open.len(), shared.open.len());

    let mut all: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let (mut held, mut races, mut appended) = (0, 0, 0);
    for (tally, _) in results {
        for (op, v) in tally.latencies {
            all.entry(op).or_default().extend(v);
        }
        held += tally.held_by_other;
        races += tally.lost_confirm_races;
        appended += tally.appended;
    }
    let total: usize = all.values().map(Vec::len).sum();
    println!(
        "team_load: {total} operations in {elapsed:.1} s = {:.0} ops/s; {} proposals confirmed \
         once each ({races} confirm races lost, {} left open), {held} claims refused as held, \
         {appended} audit records all stored in order, no document held twice",
        total as f64 / elapsed,
        shared.confirmed.len(),
        shared.open.len()
    );
    for (op, v) in &mut all {
        let n = v.len();
        println!(
            "team_load: {op:<13} {n:>7} ops {:>8.0} ops/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
            n as f64 / elapsed,
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
    for s in &stores {
        s.close().await;
    }
    target.drop_it().await;
}

/// One console alone, claiming (and renewing) back to back: the round trip.
async fn claim_round_trip(target: Target, engine: &str) {
    let store = target.open().await;
    let me = Operator::new("solo", None, "bench");
    let n = common::pick(2000, 200);
    let mut v = Vec::with_capacity(n);
    for k in 0..n {
        let item = format!("unioo:document:{}", k % 50);
        let t = Instant::now();
        store.claim(&item, &me, TTL).await.unwrap();
        v.push(t.elapsed());
    }
    println!(
        "team_load: claim round trip on {engine:<10} ({n} claims, one console)  p50 {:.3} ms  p99 {:.3} ms",
        pct(&mut v, 0.5),
        pct(&mut v, 0.99)
    );
    store.close().await;
    target.drop_it().await;
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        load().await;
        claim_round_trip(Target::sqlite("rtt"), "SQLite").await;
        if std::env::var_os("BACKOFFICE_TEST_PG_URL").is_some() {
            claim_round_trip(Target::new("rtt").await, "PostgreSQL").await;
        } else {
            println!("team_load: BACKOFFICE_TEST_PG_URL is not set: no PostgreSQL round trip");
        }
    });
}
