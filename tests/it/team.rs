//! The team store: the same test bodies against SQLite and PostgreSQL.
//!
//! PostgreSQL comes from `BACKOFFICE_TEST_PG_URL` (`.ci/run` starts a throwaway cluster and
//! sets it); each test works in a schema of its own. Without the variable the PostgreSQL
//! variants say so and return.

use backoffice::audit::{Actor, AuditLog, Event, Outcome};
use backoffice::team::{
    AuditComparison, ClaimResult, EntryKind, NewProposal, Operator, ProposalStatus, TeamError,
    TeamStore, compare_audit,
};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Barrier;

const MINUTE: Duration = Duration::from_secs(60);

enum Kind {
    Sqlite {
        dir: PathBuf,
        path: PathBuf,
    },
    Postgres {
        url: String,
        admin: sqlx::PgPool,
        schema: String,
    },
}

struct Db {
    store: TeamStore,
    kind: Kind,
}

fn unique(tag: &str) -> String {
    format!("{tag}_{}_{:08x}", std::process::id(), fastrand::u32(..))
}

impl Db {
    async fn sqlite() -> Db {
        let dir = std::env::temp_dir().join(unique("backoffice-team"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let path = dir.join("team.sqlite");
        let store = TeamStore::open_sqlite(&path).await.unwrap();
        Db {
            store,
            kind: Kind::Sqlite { dir, path },
        }
    }

    async fn postgres() -> Option<Db> {
        let Ok(base) = std::env::var("BACKOFFICE_TEST_PG_URL") else {
            eprintln!("BACKOFFICE_TEST_PG_URL is not set: the PostgreSQL variant did not run");
            return None;
        };
        let admin = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&base)
            .await
            .expect("the PostgreSQL at BACKOFFICE_TEST_PG_URL answers");
        let schema = unique("t");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let mut url = url::Url::parse(&base).unwrap();
        url.query_pairs_mut()
            .append_pair("options", &format!("-c search_path={schema}"));
        let url = url.to_string();
        let store = TeamStore::open_postgres(&url, None).await.unwrap();
        Some(Db {
            store,
            kind: Kind::Postgres { url, admin, schema },
        })
    }

    fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    async fn reopen(&self) -> Result<TeamStore, TeamError> {
        match &self.kind {
            Kind::Sqlite { path, .. } => TeamStore::open_sqlite(path).await,
            Kind::Postgres { url, .. } => TeamStore::open_postgres(url, None).await,
        }
    }

    /// Runs `sql` on a connection of its own, past the store's API.
    async fn raw(&self, sql: &str) -> Result<u64, String> {
        match &self.kind {
            Kind::Sqlite { path, .. } => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
                let r = sqlx::query(sql).execute(&pool).await;
                pool.close().await;
                r.map(|r| r.rows_affected()).map_err(|e| e.to_string())
            }
            Kind::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let r = sqlx::query(sql).execute(&pool).await;
                pool.close().await;
                r.map(|r| r.rows_affected()).map_err(|e| e.to_string())
            }
        }
    }

    async fn finish(self) {
        self.store.close().await;
        match self.kind {
            Kind::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Kind::Postgres { admin, schema, .. } => {
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
            }
        }
    }
}

/// Each test body once per engine: `team::sqlite::NAME` and `team::postgres::NAME`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Db::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = super::Db::postgres().await else { return };
                    super::$name(db).await
                }
            )*
        }
    };
}

on_both_engines!(
    two_consoles_claiming_at_once_get_exactly_one_claim,
    an_expired_claim_is_free_and_not_listed,
    a_claim_is_renewed_by_its_owner_and_released_only_by_it,
    a_take_over_needs_a_reason_and_is_on_the_timeline,
    the_maker_cannot_decide_even_past_the_api,
    a_proposal_is_confirmed_once_under_concurrency,
    a_cut_off_sending_is_taken_over_once_after_the_lease,
    void_and_decline_close_a_proposal,
    the_timeline_has_every_operator_newest_first,
    the_audit_copy_is_kept_in_order,
    the_audit_copy_and_the_timeline_refuse_update_and_delete,
    a_newer_schema_is_refused,
    verify_names_truncation_deletion_rewrite_and_fork,
    the_start_check_compares_last_records_and_catches_up_a_store_behind,
    a_log_deleted_under_the_console_refuses_once_then_goes_on_with_the_gap_in_the_store_copy,
);

fn alice() -> Operator {
    Operator::new("alice", Some("Alice A".into()), "jump1")
}

fn bob() -> Operator {
    Operator::new("bob", Some("Bob B".into()), "jump2")
}

fn proposal(maker: &Operator, subject: &str) -> NewProposal {
    NewProposal {
        action: "legitimation.reject".into(),
        backend: "Unioo".into(),
        targets: vec!["user:7".into(), "document:12".into()],
        subject: subject.into(),
        seen_version: "v3".into(),
        reason: Some("blurred photo".into()),
        payload: serde_json::json!({"documentId": 12, "reason": "blurred photo"}),
        maker: maker.clone(),
    }
}

async fn two_consoles_claiming_at_once_get_exactly_one_claim(db: Db) {
    // Two consoles: two stores (two pools) on one database.
    let other = db.reopen().await.unwrap();
    for round in 0..20 {
        let item = format!("unioo:document:{round}");
        let gate = Arc::new(Barrier::new(2));
        let tasks = [(db.store.clone(), alice()), (other.clone(), bob())].map(|(store, who)| {
            let (gate, item) = (gate.clone(), item.clone());
            tokio::spawn(async move {
                gate.wait().await;
                store.claim(&item, &who, MINUTE).await.unwrap()
            })
        });
        let mut taken = Vec::new();
        let mut held = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                ClaimResult::Taken(c) => taken.push(c),
                ClaimResult::HeldBy(c) => held.push(c),
            }
        }
        assert_eq!(taken.len(), 1, "round {round}: {taken:?} {held:?}");
        assert_eq!(held.len(), 1, "round {round}");
        assert_eq!(held[0].owner, taken[0].owner, "the loser is told who won");
        let live = db.store.claims(std::slice::from_ref(&item)).await.unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].owner, taken[0].owner);
    }
    other.close().await;
    db.finish().await;
}

async fn an_expired_claim_is_free_and_not_listed(db: Db) {
    let item = "unioo:document:1".to_string();
    // A time to live of zero: expired as soon as it is written (a console that died).
    let ClaimResult::Taken(c) = db
        .store
        .claim(&item, &alice(), Duration::ZERO)
        .await
        .unwrap()
    else {
        panic!("a free item is taken")
    };
    assert_eq!(c.owner, "alice");
    assert_eq!(c.owner_name.as_deref(), Some("Alice A"));
    assert_eq!(c.host, "jump1");
    assert!(
        db.store
            .claims(std::slice::from_ref(&item))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.store.live_claim(&item).await.unwrap(), None);
    let ClaimResult::Taken(c) = db.store.claim(&item, &bob(), MINUTE).await.unwrap() else {
        panic!("an expired claim is free")
    };
    assert_eq!(c.owner, "bob");
    let secs = c.expires_at.duration_since(c.taken_at).as_secs();
    assert_eq!(secs, 60, "{c:?}");
    assert!(db.store.claims(&[]).await.unwrap().is_empty());
    db.finish().await;
}

async fn a_claim_is_renewed_by_its_owner_and_released_only_by_it(db: Db) {
    let item = "unioo:document:2".to_string();
    let ClaimResult::Taken(first) = db.store.claim(&item, &alice(), MINUTE).await.unwrap() else {
        panic!()
    };
    let ClaimResult::Taken(renewed) = db.store.claim(&item, &alice(), 2 * MINUTE).await.unwrap()
    else {
        panic!("the owner renews")
    };
    assert_eq!(
        renewed.taken_at, first.taken_at,
        "renewing keeps when it was taken"
    );
    assert!(renewed.expires_at > first.expires_at);
    assert!(matches!(
        db.store.claim(&item, &bob(), MINUTE).await.unwrap(),
        ClaimResult::HeldBy(c) if c.owner == "alice"
    ));
    db.store.release(&item, &bob()).await.unwrap();
    assert_eq!(
        db.store.live_claim(&item).await.unwrap().unwrap().owner,
        "alice"
    );
    db.store.release(&item, &alice()).await.unwrap();
    assert_eq!(db.store.live_claim(&item).await.unwrap(), None);
    assert!(matches!(
        db.store.claim(&item, &bob(), MINUTE).await.unwrap(),
        ClaimResult::Taken(c) if c.owner == "bob"
    ));
    // Many items at once, in one query.
    let items: Vec<String> = (0..2000).map(|i| format!("unioo:document:{i}")).collect();
    for i in [10, 20, 30] {
        db.store.claim(&items[i], &alice(), MINUTE).await.unwrap();
    }
    let live = db.store.claims(&items).await.unwrap();
    let mut names: Vec<&str> = live.iter().map(|c| c.item.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "unioo:document:10",
            "unioo:document:2",
            "unioo:document:20",
            "unioo:document:30"
        ]
    );
    db.finish().await;
}

async fn a_take_over_needs_a_reason_and_is_on_the_timeline(db: Db) {
    let item = "unioo:document:3";
    db.store.claim(item, &alice(), MINUTE).await.unwrap();
    assert!(matches!(
        db.store.take_over(item, &bob(), "  ", MINUTE).await,
        Err(TeamError::Invalid(_))
    ));
    let c = db
        .store
        .take_over(item, &bob(), "Alice is on leave", MINUTE)
        .await
        .unwrap();
    assert_eq!(c.owner, "bob");
    assert!(matches!(
        db.store.claim(item, &alice(), MINUTE).await.unwrap(),
        ClaimResult::HeldBy(c) if c.owner == "bob"
    ));
    let timeline = db.store.timeline(item).await.unwrap();
    assert_eq!(timeline.len(), 1, "{timeline:?}");
    let e = &timeline[0];
    assert_eq!(e.kind, EntryKind::ClaimTakenOver);
    assert_eq!(e.who.as_deref(), Some("bob"));
    assert!(e.text.contains("alice (Alice A)") && e.text.contains("Alice is on leave"));
    // Taking over a free item is a claim, not a take-over.
    db.store
        .take_over("unioo:document:4", &bob(), "free anyway", MINUTE)
        .await
        .unwrap();
    assert!(
        db.store
            .timeline("unioo:document:4")
            .await
            .unwrap()
            .is_empty()
    );
    db.finish().await;
}

async fn the_maker_cannot_decide_even_past_the_api(db: Db) {
    let p = db
        .store
        .propose(proposal(&alice(), "unioo:document:12"))
        .await
        .unwrap();
    assert_eq!(p.status, ProposalStatus::Open);
    assert_eq!(p.maker, "alice");
    // Another console of the same OS user with another name is still the maker.
    let alice_renamed = Operator::new("alice", Some("Someone Else".into()), "jump9");
    for maker in [alice(), alice_renamed] {
        assert!(matches!(
            db.store.confirm(p.id, &maker).await,
            Err(TeamError::OwnProposal)
        ));
        assert!(matches!(
            db.store.decline(p.id, &maker, "no").await,
            Err(TeamError::OwnProposal)
        ));
    }
    // Past the API: the database's constraint refuses it.
    let bypass = format!(
        "UPDATE proposals SET status = 'confirmed', checker = maker, checker_host = 'x' \
         WHERE id = '{}'",
        p.id
    );
    let e = db.raw(&bypass).await.unwrap_err();
    assert!(e.contains("proposal_checker_not_maker"), "{e}");
    // Nor can a raw UPDATE rewrite what was proposed or move a status back.
    let e = db
        .raw(&format!(
            "UPDATE proposals SET payload = '{{}}' WHERE id = '{}'",
            p.id
        ))
        .await
        .unwrap_err();
    assert!(e.contains("never changes"), "{e}");
    assert_eq!(
        db.store.proposal(p.id).await.unwrap().unwrap().status,
        ProposalStatus::Open
    );
    let confirmed = db.store.confirm(p.id, &bob()).await.unwrap();
    assert_eq!(confirmed.status, ProposalStatus::Confirmed);
    assert_eq!(confirmed.checker.as_deref(), Some("bob"));
    let e = db
        .raw(&format!(
            "UPDATE proposals SET status = 'open', checker = NULL WHERE id = '{}'",
            p.id
        ))
        .await
        .unwrap_err();
    assert!(e.contains("only moves forward"), "{e}");

    // Sandbox profiles tell two consoles of one OS user apart by name.
    let maker = Operator::by_name("ops", "officer-a", "laptop");
    let checker = Operator::by_name("ops", "officer-b", "laptop");
    assert_eq!(maker.key(), "ops/officer-a");
    let p = db
        .store
        .propose(proposal(&maker, "unioo:document:13"))
        .await
        .unwrap();
    assert!(matches!(
        db.store.confirm(p.id, &maker).await,
        Err(TeamError::OwnProposal)
    ));
    assert_eq!(
        db.store.confirm(p.id, &checker).await.unwrap().status,
        ProposalStatus::Confirmed
    );
    db.finish().await;
}

async fn a_proposal_is_confirmed_once_under_concurrency(db: Db) {
    let others = [db.reopen().await.unwrap(), db.reopen().await.unwrap()];
    let stores = [db.store.clone(), others[0].clone(), others[1].clone()];
    for round in 0..10 {
        let p = db
            .store
            .propose(proposal(&alice(), &format!("unioo:document:{round}")))
            .await
            .unwrap();
        let gate = Arc::new(Barrier::new(4));
        let tasks: Vec<_> = (0..4)
            .map(|i| {
                let store = stores[i % 3].clone();
                let gate = gate.clone();
                let checker = Operator::new(format!("checker{i}"), None, "jump3");
                tokio::spawn(async move {
                    gate.wait().await;
                    store.confirm(p.id, &checker).await
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(p) => {
                    assert_eq!(p.status, ProposalStatus::Confirmed);
                    ok += 1;
                }
                Err(TeamError::NotOpen { status, .. }) => {
                    assert_eq!(status, ProposalStatus::Confirmed)
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(ok, 1, "round {round}");
        db.store
            .finish(p.id, "rejected, request r-1")
            .await
            .unwrap();
        let done = db.store.proposal(p.id).await.unwrap().unwrap();
        assert_eq!(done.status, ProposalStatus::Done);
        assert_eq!(done.outcome.as_deref(), Some("rejected, request r-1"));
        assert_eq!(done.idempotency_key, p.idempotency_key);
        assert!(matches!(
            db.store.finish(p.id, "again").await,
            Err(TeamError::NotConfirmed {
                status: ProposalStatus::Done,
                ..
            })
        ));
    }
    for o in others {
        o.close().await;
    }
    db.finish().await;
}

/// A confirmation whose sending was cut off: listed as unsent once the lease passed, taken
/// over by exactly one console (never the maker, never while the last attempt may still run),
/// counted, on the timeline, and the decision itself never rewritten, even past the API.
async fn a_cut_off_sending_is_taken_over_once_after_the_lease(db: Db) {
    let lease = Duration::from_millis(300);
    let p = db
        .store
        .propose(proposal(&alice(), "unioo:document:40"))
        .await
        .unwrap();
    assert!(matches!(
        db.store.resend(p.id, &bob(), lease).await,
        Err(TeamError::NotConfirmed {
            status: ProposalStatus::Open,
            ..
        })
    ));
    let confirmed = db.store.confirm(p.id, &bob()).await.unwrap();
    assert_eq!(confirmed.sends, 1);
    assert!(confirmed.send_started.is_some());
    // The checker's console may still be sending: nobody takes it over, it is not listed.
    assert!(db.store.unsent(lease).await.unwrap().is_empty());
    let carol = Operator::new("carol", Some("Carol C".into()), "jump3");
    assert!(matches!(
        db.store.resend(p.id, &carol, lease).await,
        Err(TeamError::StillSending { .. })
    ));
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let unsent = db.store.unsent(lease).await.unwrap();
    assert_eq!(unsent.iter().map(|u| u.id).collect::<Vec<_>>(), vec![p.id]);
    assert!(matches!(
        db.store.resend(p.id, &alice(), lease).await,
        Err(TeamError::OwnProposal)
    ));
    // Three consoles at once: exactly one takes the sending over.
    let others = [db.reopen().await.unwrap(), db.reopen().await.unwrap()];
    let stores = [db.store.clone(), others[0].clone(), others[1].clone()];
    let gate = Arc::new(Barrier::new(3));
    let tasks: Vec<_> = (0..3)
        .map(|i| {
            let store = stores[i].clone();
            let gate = gate.clone();
            let who = Operator::new(format!("sender{i}"), None, "jump4");
            tokio::spawn(async move {
                gate.wait().await;
                store.resend(p.id, &who, lease).await
            })
        })
        .collect();
    let mut won = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(p) => won.push(p),
            Err(TeamError::StillSending { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won.len(), 1, "one console sends it again");
    let again = &won[0];
    assert_eq!(again.sends, 2);
    assert_eq!(again.status, ProposalStatus::Confirmed);
    assert_eq!(again.checker, confirmed.checker, "the confirmation stays");
    assert_eq!(again.decided_at, confirmed.decided_at);
    assert!(again.send_started > confirmed.send_started);
    let kinds: Vec<EntryKind> = db
        .store
        .timeline("unioo:document:40")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EntryKind::ProposalResent)
            .count(),
        1
    );
    // Past the API: the decision cannot be rewritten under cover of a new attempt.
    for sql in [
        format!(
            "UPDATE proposals SET sends = sends + 1, checker_name = 'Mallory' WHERE id = '{}'",
            p.id
        ),
        format!(
            "UPDATE proposals SET sends = sends + 1, decided_at_us = decided_at_us + 1 WHERE id = '{}'",
            p.id
        ),
        format!("UPDATE proposals SET sends = 1 WHERE id = '{}'", p.id),
    ] {
        let e = db.raw(&sql).await.expect_err(&sql);
        assert!(e.contains("only moves forward"), "{sql}: {e}");
    }
    db.store.finish(p.id, "done").await.unwrap();
    assert!(db.store.unsent(Duration::ZERO).await.unwrap().is_empty());
    assert!(matches!(
        db.store.resend(p.id, &carol, Duration::ZERO).await,
        Err(TeamError::NotConfirmed {
            status: ProposalStatus::Done,
            ..
        })
    ));
    for o in others {
        o.close().await;
    }
    db.finish().await;
}

/// A team's store made before the sending could be taken over (schema version 1), holding a
/// proposal confirmed then: brought to the current schema at the next start, the proposal is
/// kept as it was and, its sending never finished, can be sent again.
#[tokio::test]
async fn a_version_1_store_is_upgraded_and_its_confirmed_proposal_can_be_sent_again() {
    use sha2::{Digest, Sha384};
    let dir = std::env::temp_dir().join(unique("backoffice-team-v1"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.join("team.sqlite");
    let v1 = include_str!("../../migrations/sqlite/0001_team.sql");
    {
        std::fs::File::create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        sqlx::raw_sql(v1).execute(&pool).await.unwrap();
        // As sqlx records an applied migration.
        sqlx::raw_sql(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (1, 'team', TRUE, $1, 0)",
        )
        .bind(Sha384::digest(v1.as_bytes()).to_vec())
        .execute(&pool)
        .await
        .unwrap();
        sqlx::raw_sql(
            "INSERT INTO proposals (id, idempotency_key, action, backend, targets, subject, \
             seen_version, payload, maker, maker_host, made_at_us, status, checker, \
             checker_host, decided_at_us) VALUES ('00000000-0000-4000-8000-000000000001', \
             '00000000-0000-4000-8000-000000000002', 'legitimation.reject', 'Unioo', \
             '[\"document:1\"]', 'Unioo:document:1', '3', '{}', 'alice', 'jump1', 1000000, \
             'confirmed', 'bob', 'jump2', 2000000)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let store = TeamStore::open_sqlite(&path).await.unwrap();
    let id = uuid::Uuid::parse_str("00000000-0000-4000-8000-000000000001").unwrap();
    let p = store.proposal(id).await.unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::Confirmed);
    assert_eq!((p.sends, p.send_started), (0, None));
    assert_eq!(p.checker.as_deref(), Some("bob"));
    assert_eq!(store.unsent(MINUTE).await.unwrap().len(), 1);
    let carol = Operator::new("carol", None, "jump3");
    let again = store.resend(id, &carol, MINUTE).await.unwrap();
    assert_eq!(again.sends, 1);
    assert_eq!(again.decided_at, p.decided_at);
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn void_and_decline_close_a_proposal(db: Db) {
    let subject = "unioo:document:20";
    // Apart by more than the clock's step (SQLite's is a millisecond): within one step,
    // proposals have no order.
    let step = Duration::from_millis(3);
    let a = db.store.propose(proposal(&alice(), subject)).await.unwrap();
    tokio::time::sleep(step).await;
    let b = db.store.propose(proposal(&alice(), subject)).await.unwrap();
    tokio::time::sleep(step).await;
    let c = db.store.propose(proposal(&bob(), subject)).await.unwrap();
    assert_ne!(a.idempotency_key, b.idempotency_key);
    let pending: Vec<_> = db
        .store
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(pending, [a.id, b.id, c.id], "oldest first");

    let void = db
        .store
        .void(a.id, "the document changed since it was proposed (v3 → v4)")
        .await
        .unwrap();
    assert_eq!(void.status, ProposalStatus::Void);
    assert!(void.decision_note.as_deref().unwrap().contains("v3 → v4"));
    assert!(matches!(
        db.store.confirm(a.id, &bob()).await,
        Err(TeamError::NotOpen {
            status: ProposalStatus::Void,
            ..
        })
    ));
    assert!(matches!(
        db.store.decline(b.id, &bob(), "").await,
        Err(TeamError::Invalid(_))
    ));
    let declined = db
        .store
        .decline(b.id, &bob(), "photo is fine")
        .await
        .unwrap();
    assert_eq!(declined.status, ProposalStatus::Declined);
    assert_eq!(declined.checker.as_deref(), Some("bob"));
    assert!(matches!(
        db.store.void(b.id, "late").await,
        Err(TeamError::NotOpen {
            status: ProposalStatus::Declined,
            ..
        })
    ));
    let pending: Vec<_> = db
        .store
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(pending, [c.id]);
    let missing = uuid::Uuid::new_v4();
    assert!(matches!(
        db.store.confirm(missing, &bob()).await,
        Err(TeamError::NoSuchProposal(id)) if id == missing
    ));
    assert_eq!(db.store.proposal(missing).await.unwrap(), None);
    let stored = db.store.proposal(c.id).await.unwrap().unwrap();
    assert_eq!(stored, c, "read back as made");
    assert_eq!(stored.payload["documentId"], 12);
    db.finish().await;
}

async fn the_timeline_has_every_operator_newest_first(db: Db) {
    let subject = "unioo:user:7";
    db.store
        .add_note(subject, &alice(), "called the customer")
        .await
        .unwrap();
    db.store
        .record_event(
            subject,
            &bob(),
            "cpr.reveal",
            "revealed the CPR: fraud check",
        )
        .await
        .unwrap();
    assert!(matches!(
        db.store
            .record_event(subject, &bob(), "note", "sneaky")
            .await,
        Err(TeamError::Invalid(_))
    ));
    assert!(matches!(
        db.store.add_note(subject, &bob(), " ").await,
        Err(TeamError::Invalid(_))
    ));
    let p = db.store.propose(proposal(&alice(), subject)).await.unwrap();
    db.store.confirm(p.id, &bob()).await.unwrap();
    db.store.finish(p.id, "ok").await.unwrap();
    db.store
        .add_note("unioo:user:8", &bob(), "elsewhere")
        .await
        .unwrap();

    let timeline = db.store.timeline(subject).await.unwrap();
    let kinds: Vec<_> = timeline.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::ProposalDone,
            EntryKind::ProposalConfirmed,
            EntryKind::ProposalMade,
            EntryKind::Event("cpr.reveal".into()),
            EntryKind::Note,
        ]
    );
    assert!(timeline.windows(2).all(|w| w[0].at >= w[1].at));
    let who: Vec<_> = timeline.iter().map(|e| e.who.as_deref()).collect();
    assert_eq!(
        who,
        [
            Some("bob"),
            Some("bob"),
            Some("alice"),
            Some("bob"),
            Some("alice")
        ]
    );
    assert_eq!(
        timeline[0].host.as_deref(),
        Some("jump2"),
        "done by the checker's console"
    );
    assert_eq!(timeline[2].proposal, Some(p.id));
    assert!(
        timeline[2].text.contains("legitimation.reject")
            && timeline[2].text.contains("blurred photo")
    );
    assert_eq!(timeline[4].text, "called the customer");
    assert_eq!(timeline[4].who_name.as_deref(), Some("Alice A"));
    db.finish().await;
}

fn chained(n: usize, tag: &str) -> Vec<(String, String, String)> {
    let mut prev = "0".repeat(64);
    (0..n)
        .map(|i| {
            let hash = format!("{tag}{i:0>63}");
            let line = format!(r#"{{"n":{i},"prev":"{prev}","hash":"{hash}"}}"#);
            let out = (line, hash.clone(), prev.clone());
            prev = hash;
            out
        })
        .collect()
}

async fn the_audit_copy_is_kept_in_order(db: Db) {
    let who = alice();
    let records = chained(3, "a");
    for (line, hash, prev) in &records {
        db.store.append_audit(&who, line, hash, prev).await.unwrap();
    }
    let lines = db.store.audit_lines("alice", "jump1").await.unwrap();
    assert_eq!(
        lines,
        records.iter().map(|r| r.0.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        db.store.last_audit_hash("alice", "jump1").await.unwrap(),
        Some(records[2].1.clone())
    );
    // A retry of the last record (its answer lost) stores nothing twice.
    let (line, hash, prev) = &records[2];
    db.store.append_audit(&who, line, hash, prev).await.unwrap();
    assert_eq!(
        db.store.audit_lines("alice", "jump1").await.unwrap().len(),
        3
    );
    // A record that does not follow the last one is refused.
    let (line, hash, _) = &chained(5, "b")[4];
    let e = db
        .store
        .append_audit(&who, line, hash, &records[0].1)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, TeamError::AuditOutOfOrder { last: Some(l), .. } if *l == records[2].1),
        "{e}"
    );
    // Another host is another chain; the first record may chain to a log older than the store.
    let on_jump2 = Operator::new("alice", None, "jump2");
    db.store
        .append_audit(&on_jump2, "older", "h1", "h0")
        .await
        .unwrap();
    assert_eq!(
        db.store.audit_lines("alice", "jump2").await.unwrap(),
        ["older"]
    );
    assert_eq!(
        db.store.last_audit_hash("bob", "jump1").await.unwrap(),
        None
    );
    // Past the API, the database keeps the order too.
    let e = db
        .raw(
            "INSERT INTO audit (os_user, host, n, line, hash, prev, operator, received_at_us) \
             VALUES ('alice', 'jump1', 9, 'x', 'y', 'z', 'alice', 0)",
        )
        .await
        .unwrap_err();
    assert!(e.contains("out of order"), "{e}");
    let e = db
        .raw(
            "INSERT INTO audit (os_user, host, n, line, hash, prev, operator, received_at_us) \
             VALUES ('alice', 'jump1', 4, 'x', 'y', 'not the last hash', 'alice', 0)",
        )
        .await
        .unwrap_err();
    assert!(e.contains("out of order"), "{e}");
    // Consoles of one user on one host appending at once all land, in some order.
    let stores = [db.store.clone(), db.reopen().await.unwrap()];
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = stores[i % 2].clone();
            tokio::spawn(async move {
                let who = Operator::new("carol", None, "jump5");
                store
                    .append_audit(
                        &who,
                        &format!("line {i}"),
                        &format!("h{i}"),
                        "ignored-for-first",
                    )
                    .await
            })
        })
        .collect();
    let mut stored = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => stored += 1,
            Err(TeamError::AuditOutOfOrder { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    // Only the first may chain to anything; the rest had the wrong prev and were refused.
    assert_eq!(stored, 1);
    assert_eq!(
        db.store.audit_lines("carol", "jump5").await.unwrap().len(),
        1
    );
    stores[1].close().await;
    db.finish().await;
}

async fn the_audit_copy_and_the_timeline_refuse_update_and_delete(db: Db) {
    for (line, hash, prev) in chained(2, "c") {
        db.store
            .append_audit(&alice(), &line, &hash, &prev)
            .await
            .unwrap();
    }
    db.store
        .add_note("unioo:user:1", &alice(), "a note")
        .await
        .unwrap();
    let p = db
        .store
        .propose(proposal(&alice(), "unioo:user:1"))
        .await
        .unwrap();
    let mut refused = vec![
        "UPDATE audit SET line = 'edited' WHERE n = 2".to_string(),
        "DELETE FROM audit WHERE n = 2".to_string(),
        "DELETE FROM audit".to_string(),
        "UPDATE events SET text = 'edited'".to_string(),
        "DELETE FROM events".to_string(),
        format!("DELETE FROM proposals WHERE id = '{}'", p.id),
    ];
    if db.is_postgres() {
        refused.extend([
            "TRUNCATE audit".to_string(),
            "TRUNCATE events".to_string(),
            "TRUNCATE proposals".to_string(),
        ]);
    }
    for sql in &refused {
        let e = db.raw(sql).await.expect_err(sql);
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(
        db.store.audit_lines("alice", "jump1").await.unwrap().len(),
        2
    );
    assert_eq!(db.store.timeline("unioo:user:1").await.unwrap().len(), 2);
    assert!(db.store.proposal(p.id).await.unwrap().is_some());
    db.finish().await;
}

async fn a_newer_schema_is_refused(db: Db) {
    let checksum = if db.is_postgres() {
        "'\\x00'::bytea"
    } else {
        "X'00'"
    };
    db.raw(&format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from a newer backoffice', TRUE, {checksum}, 0)"
    ))
    .await
    .unwrap();
    let e = db.reopen().await.unwrap_err();
    assert!(
        matches!(
            e,
            TeamError::SchemaTooNew {
                found: 99,
                known: backoffice::team::SCHEMA_VERSION,
                ..
            }
        ),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("version 99")
            && text.contains(&format!("({})", backoffice::team::SCHEMA_VERSION)),
        "{text}"
    );
    db.finish().await;
}

/// A real local log (the audit module's own records), its lines copied to the store, then
/// damaged in each way `audit verify` must name.
async fn verify_names_truncation_deletion_rewrite_and_fork(db: Db) {
    let dir = std::env::temp_dir().join(unique("backoffice-team-audit"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let actor = Actor {
        os_user: "alice".into(),
        host: "jump1".into(),
        profile: "sandbox".into(),
        ..Actor::default()
    };
    let event = document_event;
    let mut log = AuditLog::open(&path, actor.clone()).unwrap();
    for action in [
        "legitimation.view",
        "legitimation.reject",
        "legitimation.reject",
    ] {
        let r = log.append(event(action), Outcome::Ok).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text.lines().last().unwrap();
        db.store
            .append_audit(&alice(), line, &r.hash, &r.prev)
            .await
            .unwrap();
    }
    drop(log);
    let local: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let central = db.store.audit_lines("alice", "jump1").await.unwrap();
    assert_eq!(compare_audit(&local, &central), AuditComparison::Same);
    assert_eq!(
        compare_audit(&local[..1], &central),
        AuditComparison::LocalTruncated { missing_from: 2 }
    );
    assert_eq!(compare_audit(&[], &central), AuditComparison::LocalMissing);
    let mut rewritten = local.clone();
    rewritten[1] = rewritten[1].replace("legitimation.reject", "legitimation.approve");
    assert_eq!(
        compare_audit(&rewritten, &central),
        AuditComparison::Rewritten { line: 2 }
    );
    // A copy of line 1 written on: a record of its own after line 1, sealed, never sent.
    let rehashed_path = dir.join("rehashed.jsonl");
    std::fs::write(&rehashed_path, format!("{}\n", local[0])).unwrap();
    let mut log = AuditLog::open(&rehashed_path, actor.clone()).unwrap();
    log.append(event("legitimation.approve"), Outcome::Ok)
        .unwrap();
    drop(log);
    let rehashed: Vec<String> = std::fs::read_to_string(&rehashed_path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    // The histories fork at line 2.
    assert_eq!(
        compare_audit(&rehashed, &central),
        AuditComparison::Fork { line: 2 }
    );
    // An edited record whose hash was recomputed, time kept: a rewrite, not a fork.
    let mut edited: serde_json::Value = serde_json::from_str(&local[2]).unwrap();
    edited["action"] = "legitimation.approve".into();
    let obj = edited.as_object_mut().unwrap();
    obj.remove("hash");
    let hash = backoffice::audit::sha256_hex(serde_json::to_string(&edited).unwrap().as_bytes());
    edited["hash"] = hash.into();
    let mut resealed = local.clone();
    resealed[2] = serde_json::to_string(&edited).unwrap();
    assert_eq!(
        compare_audit(&resealed, &central),
        AuditComparison::Rewritten { line: 3 }
    );
    let msg = AuditComparison::Fork { line: 2 }.to_string();
    assert!(msg.contains("line 2"), "{msg}");
    let _ = std::fs::remove_dir_all(dir);
    db.finish().await;
}

#[tokio::test]
async fn the_sqlite_file_is_0600_or_0660_in_a_setgid_group_directory() {
    let db = Db::sqlite().await;
    let Kind::Sqlite { path, dir } = &db.kind else {
        unreachable!()
    };
    db.store.add_note("s", &alice(), "written").await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(path), 0o600);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert_eq!(mode(&wal), 0o600);

    // A group's shared directory: setgid, group-writable.
    let shared = dir.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let team = shared.join("team.sqlite");
    let store = TeamStore::open_sqlite(&team).await.unwrap();
    store.add_note("s", &alice(), "written").await.unwrap();
    assert_eq!(mode(&team), 0o660);
    assert_eq!(
        mode(&PathBuf::from(format!("{}-wal", team.display()))),
        0o660
    );
    assert_eq!(
        mode(&PathBuf::from(format!("{}-shm", team.display()))),
        0o660
    );
    assert_eq!(
        std::fs::metadata(&team).unwrap().gid(),
        std::fs::metadata(&shared).unwrap().gid()
    );
    store.close().await;

    // A file others can read is refused; so is a symlink.
    let open = dir.join("open.sqlite");
    std::fs::write(&open, b"").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&open, b"not empty").unwrap();
    let e = TeamStore::open_sqlite(&open).await.unwrap_err();
    assert!(matches!(e, TeamError::File { .. }), "{e}");
    let link = dir.join("link.sqlite");
    std::os::unix::fs::symlink(path, &link).unwrap();
    let e = TeamStore::open_sqlite(&link).await.unwrap_err();
    assert!(e.to_string().contains("symlink"), "{e}");
    db.finish().await;
}

#[tokio::test]
async fn an_unreachable_or_unverified_postgres_is_refused_without_its_password() {
    let e = TeamStore::open_postgres(
        "postgres://console:hunter2@db.example.invalid/team?sslmode=disable",
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, TeamError::Config(_)), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // Nothing listens on port 1 of loopback.
    let e = TeamStore::open_postgres(
        "postgres://console@127.0.0.1:1/team",
        Some(secrecy::SecretString::from("hunter2")),
    )
    .await
    .unwrap_err();
    assert!(e.is_unreachable(), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

/// The README's GRANTs, run as written (for a role and schema of this test's own): a console
/// with only those works, and cannot erase the audit copy even past the triggers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_grants_let_a_console_work_but_not_erase() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    let Kind::Postgres { url, admin, schema } = &db.kind else {
        unreachable!()
    };
    let role = unique("console");
    sqlx::query(&format!("CREATE ROLE {role} LOGIN"))
        .execute(admin)
        .await
        .unwrap();
    let readme = include_str!("../../README.md");
    let block = readme
        .split("<!-- console grants")
        .nth(1)
        .and_then(|s| s.split("```sql\n").nth(1))
        .and_then(|s| s.split("\n```").next())
        .expect("the README's console grants");
    let grants = block
        .replace("backoffice_console", &role)
        .replace("SCHEMA public", &format!("SCHEMA {schema}"));
    for statement in grants.split(';').filter(|s| !s.trim().is_empty()) {
        db.raw(statement).await.unwrap();
    }
    let mut console_url = url::Url::parse(url).unwrap();
    console_url.set_username(&role).unwrap();
    let console_url = console_url.to_string();
    let console = TeamStore::open_postgres(&console_url, None).await.unwrap();

    let item = "unioo:document:1";
    assert!(matches!(
        console.claim(item, &alice(), MINUTE).await.unwrap(),
        ClaimResult::Taken(_)
    ));
    console
        .take_over(item, &bob(), "covering", MINUTE)
        .await
        .unwrap();
    console.release(item, &bob()).await.unwrap();
    let p = console.propose(proposal(&alice(), item)).await.unwrap();
    console.confirm(p.id, &bob()).await.unwrap();
    console.finish(p.id, "ok").await.unwrap();
    let q = console.propose(proposal(&alice(), item)).await.unwrap();
    console.void(q.id, "changed").await.unwrap();
    console.add_note(item, &alice(), "note").await.unwrap();
    for (line, hash, prev) in chained(2, "g") {
        console
            .append_audit(&alice(), &line, &hash, &prev)
            .await
            .unwrap();
    }
    assert_eq!(console.timeline(item).await.unwrap().len(), 7);
    assert_eq!(
        console.audit_lines("alice", "jump1").await.unwrap().len(),
        2
    );

    let raw = sqlx::PgPool::connect(&console_url).await.unwrap();
    for sql in [
        "TRUNCATE audit",
        "ALTER TABLE audit DISABLE TRIGGER audit_append_only",
        "DROP TRIGGER audit_append_only ON audit",
        "DROP TABLE audit",
        "DELETE FROM events",
        "UPDATE audit SET line = 'x'",
        "CREATE TABLE mine (x int)",
    ] {
        let e = sqlx::query(sql)
            .execute(&raw)
            .await
            .expect_err(sql)
            .to_string();
        assert!(
            e.contains("permission denied") || e.contains("must be owner"),
            "{sql}: {e}"
        );
    }
    raw.close().await;
    console.close().await;
    for sql in [format!("DROP OWNED BY {role}"), format!("DROP ROLE {role}")] {
        sqlx::query(&sql).execute(admin).await.unwrap();
    }
    db.finish().await;
}

/// An audit event on Unioo document 12.
fn document_event(action: &str) -> Event {
    Event {
        backend: "Unioo".into(),
        action: action.into(),
        targets: vec!["document:12".into()],
        correlation: unique("c"),
        ..Event::default()
    }
}

/// Alice's audit log's actor on jump1, and her console's view of `db` as its team store.
fn alice_s_log_and_team(db: &Db) -> (Actor, backoffice::app::team::Team) {
    let actor = Actor {
        os_user: "alice".into(),
        host: "jump1".into(),
        profile: "sandbox".into(),
        ..Actor::default()
    };
    let store = db.store.clone();
    let team = backoffice::app::team::Team::new(alice(), MINUTE, move || {
        let store = store.clone();
        async move { Ok(store) }
    });
    (actor, team)
}

/// The console's start-up check over a real log file and store: the store's last record
/// found at the end of the log is "same", earlier is "behind" (and is caught up), not found
/// is a difference (cut short, deleted, rewritten, forked).
async fn the_start_check_compares_last_records_and_catches_up_a_store_behind(db: Db) {
    use backoffice::app::central_audit::{CentralCopy, LastRecord, compare_last};
    let dir = std::env::temp_dir().join(unique("backoffice-start-check"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let (actor, team) = alice_s_log_and_team(&db);
    let event = document_event;
    let compare = || compare_last(&team, &path);
    let log = Arc::new(std::sync::Mutex::new(
        AuditLog::open(&path, actor.clone()).unwrap(),
    ));
    assert_eq!(compare().await.unwrap(), LastRecord::Same, "both empty");
    for action in [
        "legitimation.view",
        "legitimation.reject",
        "legitimation.reject",
    ] {
        log.lock()
            .unwrap()
            .append(event(action), Outcome::Ok)
            .unwrap();
    }
    assert_eq!(
        compare().await.unwrap(),
        LastRecord::Behind { missing: 3 },
        "the store has none of them"
    );
    // Caught up as the console does it, holding the log.
    let central = CentralCopy::new(team.clone());
    let sent = tokio::task::spawn_blocking({
        let log = log.clone();
        move || central.catch_up_now(&log)
    })
    .await
    .unwrap();
    drop(log);
    assert_eq!(sent, Ok(3));
    assert_eq!(compare().await.unwrap(), LastRecord::Same);
    assert_eq!(
        db.store.audit_lines("alice", "jump1").await.unwrap().len(),
        3
    );
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let write = |lines: &[String]| {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&path, text).unwrap();
    };
    // One more record, not sent: behind by one.
    let mut log = AuditLog::open(&path, actor.clone()).unwrap();
    log.append(event("legitimation.view"), Outcome::Ok).unwrap();
    drop(log);
    assert_eq!(compare().await.unwrap(), LastRecord::Behind { missing: 1 });
    // Cut short at the end.
    write(&lines[..2]);
    assert_eq!(compare().await.unwrap(), LastRecord::Differs, "truncated");
    // Deleted.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(compare().await.unwrap(), LastRecord::Differs, "deleted");
    // The last record rewritten.
    let mut rewritten = lines.clone();
    rewritten[2] = rewritten[2].replace("legitimation.reject", "legitimation.approve");
    write(&rewritten);
    assert_eq!(compare().await.unwrap(), LastRecord::Differs, "rewritten");
    // Put back to its first line and written on: a fork.
    write(&lines[..1]);
    let mut log = AuditLog::open(&path, actor.clone()).unwrap();
    log.append(event("legitimation.approve"), Outcome::Ok)
        .unwrap();
    log.append(event("legitimation.approve"), Outcome::Ok)
        .unwrap();
    drop(log);
    assert_eq!(compare().await.unwrap(), LastRecord::Differs, "forked");
    // The same lines again: the same.
    write(&lines);
    assert_eq!(compare().await.unwrap(), LastRecord::Same);
    let _ = std::fs::remove_dir_all(dir);
    db.finish().await;
}

/// The console's log deleted, then replaced by a shortened copy, while it runs: the next
/// audited action is refused (nothing sent) and the log opened again with the gap on record;
/// the action after it goes through; the store's copy keeps one chain with both gaps on it.
async fn a_log_deleted_under_the_console_refuses_once_then_goes_on_with_the_gap_in_the_store_copy(
    db: Db,
) {
    use backoffice::app::backends::Audit;
    let dir = std::env::temp_dir().join(unique("backoffice-reopen"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let (actor, team) = alice_s_log_and_team(&db);
    let audit = Audit::Open {
        log: Arc::new(std::sync::Mutex::new(
            AuditLog::open(&path, actor.clone()).unwrap(),
        )),
        central: None,
    }
    .with_central(team);
    let event = document_event;
    let append = |action: &'static str| {
        let audit = audit.clone();
        let e = event(action);
        tokio::task::spawn_blocking(move || audit.append(&e, Outcome::Ok))
    };
    let actions = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                serde_json::from_str::<backoffice::audit::Record>(l)
                    .unwrap()
                    .event
                    .action
            })
            .collect()
    };
    append("legitimation.view").await.unwrap().unwrap();
    append("legitimation.reject").await.unwrap().unwrap();
    // Deleted.
    std::fs::remove_file(&path).unwrap();
    let refused = append("legitimation.approve").await.unwrap().unwrap_err();
    assert!(
        refused.contains("deleted or replaced")
            && refused.contains("nothing was sent")
            && refused.contains("do it again"),
        "{refused}"
    );
    append("legitimation.approve").await.unwrap().unwrap();
    let file = std::fs::read_to_string(&path).unwrap();
    let file: Vec<String> = file.lines().map(String::from).collect();
    assert_eq!(actions(&file), ["audit.reopen", "legitimation.approve"]);
    assert_eq!(backoffice::audit::verify_file(&path), Ok(2));
    // `audit verify` names the gap: the store holds the two records the deleted file had.
    let copied = db.store.audit_lines("alice", "jump1").await.unwrap();
    assert_eq!(
        backoffice::team::compare_audit(&file, &copied),
        backoffice::team::AuditComparison::Reopened { before: 2 }
    );
    // Replaced by a copy holding only its first line.
    let copy = dir.join("copy.jsonl");
    std::fs::write(&copy, format!("{}\n", file[0])).unwrap();
    std::fs::rename(&copy, &path).unwrap();
    assert!(append("legitimation.view").await.unwrap().is_err());
    append("legitimation.view").await.unwrap().unwrap();
    let copied = db.store.audit_lines("alice", "jump1").await.unwrap();
    assert_eq!(
        actions(&copied),
        [
            "legitimation.view",
            "legitimation.reject",
            "audit.reopen",
            "legitimation.approve",
            "audit.reopen",
            "legitimation.view"
        ],
        "the refused actions are in neither"
    );
    let _ = std::fs::remove_dir_all(dir);
    db.finish().await;
}
