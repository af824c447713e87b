//! Legitimation review against the sandbox over HTTP: decisions, refusals, idempotency, lost
//! responses, and the audit trail around every decision.

use crate::common::*;
use backoffice::app::action::{Call, Payload};
use backoffice::app::runner::perform;
use backoffice::audit::{Event, Outcome, Record, verify_file};
use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::unioo::{self, UniooClient};
use backoffice::backends::{BackendError, LegitimationReview, PeopleDirectory};
use backoffice::core::*;
use backoffice::sandbox::TOKEN_TTL_SECS;
use serde_json::json;
use std::time::Duration;

fn decision(item: &ReviewItem, verdict: Verdict) -> Decision {
    Decision {
        document_id: item.document_id,
        kind: item.kind,
        expected_version: item.version,
        verdict,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
    }
}

fn reject(reason: &str) -> Verdict {
    Verdict::Reject {
        reason: reason.into(),
    }
}

/// The oldest pending documents that have not expired.
async fn pending(c: &UniooClient, n: usize) -> Vec<ReviewItem> {
    let now = jiff::Timestamp::now();
    let page = c.review_queue(None, None, 100).await.unwrap();
    page.items
        .into_iter()
        .filter(|i| !i.is_expired(now))
        .take(n)
        .collect()
}

async fn current(c: &UniooClient, item: &ReviewItem) -> Legitimation {
    let p = c.person(item.person.id).await.unwrap().unwrap();
    [p.photo_legitimation, p.social_security_card]
        .into_iter()
        .flatten()
        .find(|d| d.id == Some(item.document_id))
        .unwrap()
}

#[tokio::test]
async fn approve_and_reject_change_the_document_and_leave_the_queue() {
    let s = sandbox(1_000).await;
    let c = client(&s);
    let first = c.review_queue(None, None, 100).await.unwrap();
    assert!(
        first.items.windows(2).all(|w| w[0].created <= w[1].created),
        "oldest first"
    );
    let items = pending(&c, 2).await;
    let approved = c
        .decide(decision(&items[0], Verdict::Approve))
        .await
        .unwrap();
    assert_eq!(
        (approved.state, approved.version),
        (LegitimationState::Approved, items[0].version + 1)
    );
    let rejected = c
        .decide(decision(&items[1], reject("Image is blurred")))
        .await
        .unwrap();
    assert_eq!(rejected.state, LegitimationState::Rejected);
    let doc = current(&c, &items[1]).await;
    assert_eq!(doc.state, LegitimationState::Rejected);
    assert_eq!(doc.rejected_reason.as_deref(), Some("Image is blurred"));
    assert!(doc.decided.is_some());
    let after = c.review_queue(None, None, 100).await.unwrap();
    assert_eq!(after.total, first.total - 2);
    assert!(after.items.iter().all(|i| i.document_id != items[0].document_id && i.document_id != items[1].document_id));
    assert_eq!(s.review.decisions(), 2);
}

#[tokio::test]
async fn a_document_decided_meanwhile_is_refused_not_overwritten() {
    let s = sandbox(500).await;
    let reviewer_a = client(&s);
    let reviewer_b = client(&s);
    let item = pending(&reviewer_a, 1).await.remove(0);
    reviewer_b
        .decide(decision(&item, Verdict::Approve))
        .await
        .unwrap();
    // A still holds the old version and rejects: refused, says why, and is not retried.
    let e = reviewer_a
        .decide(decision(&item, reject("Name does not match")))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ALREADY_DECIDED"), "{e}");
    assert!(e.to_string().contains("APPROVED"), "{e}");
    assert_eq!(
        current(&reviewer_a, &item).await.state,
        LegitimationState::Approved
    );
    assert_eq!(s.review.decisions(), 1);
}

#[tokio::test]
async fn a_stale_version_is_refused_as_changed() {
    let s = sandbox(500).await;
    let c = client(&s);
    let item = pending(&c, 1).await.remove(0);
    let mut d = decision(&item, Verdict::Approve);
    d.expected_version += 1;
    let e = c.decide(d).await.unwrap_err();
    assert_eq!(e.code(), Some("DOCUMENT_CHANGED"), "{e}");
    assert_eq!(s.review.decisions(), 0);
}

#[tokio::test]
async fn a_replayed_key_gives_one_decision_and_a_reused_key_is_refused() {
    let s = sandbox(500).await;
    let c = client(&s);
    let item = pending(&c, 1).await.remove(0);
    let d = decision(&item, reject("Part of the document is hidden"));
    let first = c.decide(d.clone()).await.unwrap();
    let replay = c.decide(d.clone()).await.unwrap();
    assert_eq!(first, replay);
    assert_eq!(s.review.decisions(), 1);
    let other = Decision {
        verdict: Verdict::Approve,
        ..d
    };
    assert_eq!(
        c.decide(other).await.unwrap_err().code(),
        Some("IDEMPOTENCY_KEY_REUSED")
    );
}

#[tokio::test]
async fn a_connection_dropped_after_commit_ends_in_exactly_one_decision() {
    let s = sandbox(500).await;
    let c = client(&s);
    let item = pending(&c, 1).await.remove(0);
    s.faults.drop_next_responses_after_commit(1);
    let done = c
        .decide(decision(&item, Verdict::Approve))
        .await
        .expect("retried with the same key");
    assert_eq!(done.state, LegitimationState::Approved);
    assert_eq!(s.review.decisions(), 1);
    assert_eq!(current(&c, &item).await.version, Some(item.version + 1));
}

#[tokio::test]
async fn a_timeout_after_commit_is_retried_into_one_decision() {
    let s = sandbox(500).await;
    let settings = HttpSettings {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(400),
        ..Default::default()
    };
    let gql = GraphqlClient::new(
        unioo::NAME,
        s.unioo_url().parse().unwrap(),
        secrecy::SecretString::from(s.mint_unioo_token(TOKEN_TTL_SECS)),
        settings,
    );
    let c = UniooClient::new(gql);
    let item = pending(&c, 1).await.remove(0);
    s.faults.stall_next_response_after_commit(1_500);
    let done = c
        .decide(decision(&item, Verdict::Approve))
        .await
        .expect("the retry replays the key");
    assert_eq!(done.state, LegitimationState::Approved);
    assert_eq!(s.review.decisions(), 1);
}

#[tokio::test]
async fn an_expired_document_cannot_be_decided() {
    let s = sandbox(2_000).await;
    let c = client(&s);
    let now = jiff::Timestamp::now();
    let mut after = None;
    let expired = loop {
        let page = c
            .review_queue(after, Some(DocumentKind::PhotoLegitimation), 100)
            .await
            .unwrap();
        if let Some(i) = page.items.iter().find(|i| i.is_expired(now)) {
            break i.clone();
        }
        after = Some(
            page.next_cursor
                .expect("an expired pending document in the sandbox"),
        );
    };
    let e = c
        .decide(decision(&expired, Verdict::Approve))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("DOCUMENT_EXPIRED"), "{e}");
}

#[tokio::test]
async fn raw_api_checks_reasons_kinds_and_age() {
    let s = sandbox(500).await;
    let auth = bearer(&s);
    let c = client(&s);
    let item = pending(&c, 1).await.remove(0);
    let (mutation, wrong) = match item.kind {
        DocumentKind::PhotoLegitimation => ("rejectPhotoLegitimation", "approveSocialSecurityCard"),
        DocumentKind::SocialSecurityCard => {
            ("rejectSocialSecurityCard", "approvePhotoLegitimation")
        }
    };
    let q = format!(
        "mutation($id: UUID!, $v: Int!) {{ {mutation}(input: {{documentId: $id, expectedVersion: $v, reason: \"  \", idempotencyKey: \"k1\"}}) {{ document {{ state }} }} }}"
    );
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        &q,
        json!({"id": item.document_id, "v": item.version}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "REASON_REQUIRED",
        "{body}"
    );
    let q = format!(
        "mutation($id: UUID!, $v: Int!) {{ {wrong}(input: {{documentId: $id, expectedVersion: $v, idempotencyKey: \"k2\"}}) {{ document {{ state }} }} }}"
    );
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        &q,
        json!({"id": item.document_id, "v": item.version}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "WRONG_DOCUMENT_KIND",
        "{body}"
    );
    let count = |kind: &str, age: i32| {
        format!("{{ reviewQueue(first: 1{kind}, minAgeDays: {age}) {{ totalCount }} }}")
    };
    let total = |b: serde_json::Value| b["data"]["reviewQueue"]["totalCount"].as_i64().unwrap();
    let (_, all) = post(&s.unioo_url(), Some(&auth), &count("", 0), json!({})).await;
    let (_, photos) = post(
        &s.unioo_url(),
        Some(&auth),
        &count(", kind: PHOTO_LEGITIMATION", 0),
        json!({}),
    )
    .await;
    let (_, cards) = post(
        &s.unioo_url(),
        Some(&auth),
        &count(", kind: SOCIAL_SECURITY_CARD", 0),
        json!({}),
    )
    .await;
    let (_, old) = post(&s.unioo_url(), Some(&auth), &count("", 1_000), json!({})).await;
    let (all, photos, cards, old) = (total(all), total(photos), total(cards), total(old));
    assert_eq!(all, photos + cards);
    assert!(old > 0 && old < all, "{old} of {all}");
    assert_eq!(s.review.decisions(), 0);
}

fn records(path: &std::path::Path) -> Vec<Record> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn event(item: &ReviewItem, d: &Decision) -> Event {
    Event {
        backend: "Unioo".into(),
        action: d.verdict.action().into(),
        targets: vec![
            format!("user:{}", item.person.id),
            format!("document:{}", item.document_id),
        ],
        cpr_masked: item.cpr.as_ref().map(|c| c.to_string()),
        reason: None,
        correlation: d.idempotency_key.clone(),
    }
}

#[tokio::test]
async fn each_decision_is_audited_before_and_after_with_masked_cpr() {
    let s = sandbox(500).await;
    let tmp = TempDir::new("audit-ok");
    let log = tmp.0.join("audit.jsonl");
    let b = backends(&s, &log);
    let c = client(&s);
    let items = pending(&c, 2).await;
    let ok = decision(&items[0], Verdict::Approve);
    let result = perform(
        &b,
        Call::Review(backoffice::app::features::review::calls::Call::Decide {
            decision: Box::new(ok.clone()),
            audit: Box::new(event(&items[0], &ok)),
        }),
    )
    .await;
    assert!(matches!(
        result,
        Ok(Payload::Review(
            backoffice::app::features::review::calls::Payload::Decided(_)
        ))
    ));
    // A refusal (4xx) is recorded with the request id, and not retried.
    let mut stale = decision(&items[1], Verdict::Approve);
    stale.expected_version = 99;
    let result = perform(
        &b,
        Call::Review(backoffice::app::features::review::calls::Call::Decide {
            decision: Box::new(stale.clone()),
            audit: Box::new(event(&items[1], &stale)),
        }),
    )
    .await;
    let err = result.unwrap_err();
    let rs = records(&log);
    assert_eq!(rs.len(), 4);
    assert_eq!(
        (rs[0].outcome.clone(), rs[1].outcome.clone()),
        (Outcome::Intent, Outcome::Ok)
    );
    assert_eq!(rs[0].event.correlation, rs[1].event.correlation);
    assert_eq!(rs[2].outcome, Outcome::Intent);
    match &rs[3].outcome {
        Outcome::Error {
            message,
            request_id,
        } => {
            assert!(message.contains("changed"), "{message}");
            assert_eq!(request_id.as_deref(), Some(err.request_id()));
        }
        o => panic!("{o:?}"),
    }
    assert_eq!(rs[0].operator.as_deref(), Some("Test Operator"));
    assert_eq!(verify_file(&log).unwrap(), 4);
    let text = crate::common::audit_content(&log);
    assert!(
        backoffice::core::cpr::find_cprs(&text).is_empty(),
        "a full CPR in the audit log"
    );
    assert_eq!(s.review.decisions(), 1);
}

#[tokio::test]
async fn a_lost_response_is_audited_as_one_decision() {
    let s = sandbox(500).await;
    let tmp = TempDir::new("audit-drop");
    let log = tmp.0.join("audit.jsonl");
    let b = backends(&s, &log);
    let item = pending(&client(&s), 1).await.remove(0);
    s.faults.drop_next_responses_after_commit(1);
    let d = decision(&item, Verdict::Approve);
    let result = perform(
        &b,
        Call::Review(backoffice::app::features::review::calls::Call::Decide {
            decision: Box::new(d.clone()),
            audit: Box::new(event(&item, &d)),
        }),
    )
    .await;
    assert!(matches!(
        result,
        Ok(Payload::Review(
            backoffice::app::features::review::calls::Payload::Decided(_)
        ))
    ));
    let rs = records(&log);
    assert_eq!(
        rs.iter().map(|r| r.outcome.clone()).collect::<Vec<_>>(),
        vec![Outcome::Intent, Outcome::Ok]
    );
    assert_eq!(s.review.decisions(), 1);
}

#[tokio::test]
async fn an_unwritable_audit_log_means_nothing_is_sent() {
    let s = sandbox(300).await;
    let b = backends_without_audit(&s);
    assert!(audit_is_unavailable(&b));
    let item = pending(&client(&s), 1).await.remove(0);
    let d = decision(&item, Verdict::Approve);
    let err = perform(
        &b,
        Call::Review(backoffice::app::features::review::calls::Call::Decide {
            decision: Box::new(d.clone()),
            audit: Box::new(event(&item, &d)),
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some("AUDIT_UNAVAILABLE"));
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert_eq!(s.review.decisions(), 0);
    let err = perform(
        &b,
        Call::Reveal {
            audit: Box::new(event(&item, &d)),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, BackendError::Rejected { .. }));
}

/// A CPR typed into a free-text reason, through the keys and the runner: the reveal's reason
/// and a bunq block's reason reach the audit log masked.
#[tokio::test]
async fn a_cpr_typed_into_a_reason_is_masked_in_the_audit_log() {
    use crossterm::event::KeyCode;
    let s = sandbox(300).await;
    let tmp = TempDir::new("audit-reason-cpr");
    let log = tmp.0.join("audit.jsonl");
    let b = backends(&s, &log);
    let mut c = crate::common::Console::new(&b);
    let p = &s.world.people[4];
    c.text(&p.cpr_text()).await;
    c.key(KeyCode::Enter).await;
    c.key(KeyCode::Char('R')).await;
    c.text("caller read 010203-1234 aloud").await;
    c.key(KeyCode::Enter).await;
    c.key(KeyCode::Char('B')).await;
    c.key(KeyCode::Char('b')).await;
    c.text("card of 0102031234 stolen").await;
    c.key(KeyCode::Enter).await;
    c.key(KeyCode::Enter).await;
    let rs = records(&log);
    let reasons: Vec<(&str, &str)> = rs
        .iter()
        .map(|r| {
            (
                r.event.action.as_str(),
                r.event.reason.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        reasons.contains(&("cpr.reveal", "caller read 010203-**** aloud")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("bank-user.block", "card of 010203-**** stolen")),
        "{reasons:?}"
    );
    let text = crate::common::audit_content(&log);
    assert!(
        backoffice::core::cpr::find_cprs(&text).is_empty(),
        "a full CPR in the audit log: {text}"
    );
    assert_eq!(verify_file(&log).unwrap(), rs.len());
}

/// The central audit copy fails closed: while the team store cannot be written nothing is
/// sent; once it can, the records it missed go up first and the copy equals the local log.
#[tokio::test]
async fn an_unwritable_team_store_refuses_audited_actions_and_the_copy_catches_up() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = sandbox(300).await;
    let tmp = TempDir::new("audit-central");
    let log = tmp.0.join("audit.jsonl");
    let store_path = tmp.0.join("team.sqlite");
    let down = Arc::new(AtomicBool::new(true));
    let me = backoffice::team::Operator::new("tester", None, "ci");
    let team = {
        let (down, path) = (down.clone(), store_path.clone());
        backoffice::app::team::Team::new(me.clone(), Duration::from_secs(60), move || {
            let (down, path) = (down.load(Ordering::SeqCst), path.clone());
            async move {
                if down {
                    return Err("connection refused".to_string());
                }
                backoffice::team::TeamStore::open_sqlite(&path)
                    .await
                    .map_err(|e| e.to_string())
            }
        })
    };
    let mut b = backends(&s, &log);
    b.audit = b.audit.with_central(team.clone());
    b.team = team;
    let items = pending(&client(&s), 2).await;
    let decide = |item: &ReviewItem| {
        let d = decision(item, Verdict::Approve);
        Call::Review(backoffice::app::features::review::calls::Call::Decide {
            decision: Box::new(d.clone()),
            audit: Box::new(event(item, &d)),
        })
    };
    let err = perform(&b, decide(&items[0])).await.unwrap_err();
    assert_eq!(err.code(), Some("AUDIT_UNAVAILABLE"));
    assert!(err.to_string().contains("team store"), "{err}");
    assert_eq!(s.review.decisions(), 0, "sent although the copy failed");
    let refused = records(&log);
    assert_eq!(refused.len(), 2, "the intent and its not-sent outcome");
    assert!(
        matches!(&refused[1].outcome, Outcome::Error { message, .. } if message.starts_with("not sent"))
    );

    down.store(false, Ordering::SeqCst);
    perform(&b, decide(&items[1])).await.unwrap();
    assert_eq!(s.review.decisions(), 1);
    let local: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(local.len(), 4);
    let store = backoffice::team::TeamStore::open_sqlite(&store_path)
        .await
        .unwrap();
    let central = store.audit_lines("tester", "ci").await.unwrap();
    assert_eq!(central, local, "the copy is the local log, in order");
}

/// Two officers on one team store: each with their own audit log and operator.
fn officer(
    s: &backoffice::sandbox::SandboxHandle,
    dir: &std::path::Path,
    who: &str,
) -> backoffice::app::runner::Backends {
    let mut b = backends(s, &dir.join(format!("audit-{who}.jsonl")));
    b.team = backoffice::app::team::Team::sqlite(
        backoffice::team::Operator::new(who, Some(who.to_uppercase()), "ci"),
        Duration::from_secs(15 * 60),
        dir.join("team.sqlite"),
    );
    b.audit = b.audit.with_central(b.team.clone());
    b
}

fn proposed(result: Result<Payload, BackendError>) -> backoffice::team::Proposal {
    match result {
        Ok(Payload::Proposed(p)) => *p,
        other => panic!("not proposed: {other:?}"),
    }
}

/// A bunq block of user `id` made under four-eyes: its proposal.
fn bunq_block_proposal(id: u64) -> Call {
    use backoffice::app::features::bank_users::calls::Call as Bunq;
    let update = backoffice::core::banking::BankUserUpdate {
        status: Some("BLOCKED".into()),
        ..Default::default()
    };
    let audit = backoffice::audit::Event {
        backend: "bunq".into(),
        action: "bank-user.block".into(),
        targets: vec![format!("bunq-user:{id}")],
        reason: Some("card fraud".into()),
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    };
    Call::Propose(Box::new(Call::BankUsers(Bunq::Change {
        id,
        update: Box::new(update),
        audit: Box::new(audit),
    })))
}

/// Four-eyes over HTTP: the maker's reject becomes a proposal and nothing reaches Unioo; the
/// maker cannot confirm it; the checker's confirmation sends it once with the proposal's key
/// (a second confirmation is refused); both steps are on the document's timeline.
#[tokio::test]
async fn a_four_eyes_reject_is_sent_once_by_the_checker_and_never_by_the_maker() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let item = pending(&client(&s), 1).await.remove(0);
    let d = decision(&item, reject("Image is blurred"));
    let call = Call::Review(backoffice::app::features::review::calls::Call::Decide {
        decision: Box::new(d.clone()),
        audit: Box::new(event(&item, &d)),
    });
    let p = proposed(perform(&maker, Call::Propose(Box::new(call))).await);
    assert_eq!(p.action, "legitimation.reject");
    assert_eq!(p.seen_version, item.version.to_string());
    assert_eq!(s.review.decisions(), 0, "the maker's console sent nothing");

    let Ok(Payload::Pending(Done::List(rows))) =
        perform(&checker, Call::Pending(Pending::List)).await
    else {
        panic!("the list")
    };
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].mine, "the checker sees someone else's proposal");
    let own = perform(&maker, Call::Pending(Pending::Confirm(p.id))).await;
    assert_eq!(own.unwrap_err().code(), Some("OWN_PROPOSAL"));
    assert_eq!(s.review.decisions(), 0);

    let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
    assert!(
        matches!(
            done,
            Ok(Payload::Pending(Done::Confirmed { void: false, .. }))
        ),
        "{done:?}"
    );
    assert_eq!(s.review.decisions(), 1);
    assert_eq!(
        current(&client(&s), &item).await.state,
        LegitimationState::Rejected
    );
    let again = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
    assert_eq!(again.unwrap_err().code(), Some("PROPOSAL_NOT_OPEN"));
    assert_eq!(s.review.decisions(), 1, "confirmed once, sent once");

    // The checker's log records the change with the proposal's key; the maker's the proposal.
    let sent = records(&tmp.0.join("audit-bo.jsonl"));
    let reject = sent
        .iter()
        .find(|r| r.event.action == "legitimation.reject")
        .expect("the checker's record of the change");
    assert_eq!(reject.event.correlation, p.idempotency_key.to_string());
    assert!(
        reject
            .event
            .reason
            .as_deref()
            .unwrap()
            .contains("four-eyes: confirms")
    );
    assert!(
        records(&tmp.0.join("audit-ana.jsonl"))
            .iter()
            .any(|r| r.event.action == "proposal.make")
    );

    let store = checker.team.store().await.unwrap();
    let kinds: Vec<String> = store
        .timeline(&p.subject)
        .await
        .unwrap()
        .iter()
        .map(|e| e.kind.as_str().to_string())
        .collect();
    for k in [
        "proposal.made",
        "proposal.confirmed",
        "proposal.done",
        "legitimation.reject",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
}

/// A document decided after the proposal was made: the confirmation finds it changed, the
/// proposal is void and nothing is sent.
#[tokio::test]
async fn a_proposal_whose_document_changed_is_void_and_sends_nothing() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes-void");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let c = client(&s);
    let item = pending(&c, 1).await.remove(0);
    let d = decision(&item, reject("Name does not match"));
    let call = Call::Review(backoffice::app::features::review::calls::Call::Decide {
        decision: Box::new(d.clone()),
        audit: Box::new(event(&item, &d)),
    });
    let p = proposed(perform(&maker, Call::Propose(Box::new(call))).await);
    c.decide(decision(&item, Verdict::Approve)).await.unwrap();
    let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
    let Ok(Payload::Pending(Done::Confirmed {
        outcome,
        void: true,
    })) = done
    else {
        panic!("{done:?}")
    };
    assert!(outcome.contains("changed"), "{outcome}");
    assert_eq!(s.review.decisions(), 1, "only the direct approval");
    let store = checker.team.store().await.unwrap();
    let now = store.proposal(p.id).await.unwrap().unwrap();
    assert_eq!(now.status, backoffice::team::ProposalStatus::Void);
}

/// A declined proposal sends nothing; the maker cannot decline their own either.
#[tokio::test]
async fn a_declined_proposal_sends_nothing_and_says_why_on_the_timeline() {
    use backoffice::app::features::pending::calls::Call as Pending;
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes-decline");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let item = pending(&client(&s), 1).await.remove(0);
    let d = decision(&item, reject("Document has expired"));
    let call = Call::Review(backoffice::app::features::review::calls::Call::Decide {
        decision: Box::new(d.clone()),
        audit: Box::new(event(&item, &d)),
    });
    let p = proposed(perform(&maker, Call::Propose(Box::new(call))).await);
    let own = perform(
        &maker,
        Call::Pending(Pending::Decline {
            id: p.id,
            reason: "changed my mind".into(),
        }),
    )
    .await;
    assert_eq!(own.unwrap_err().code(), Some("OWN_PROPOSAL"));
    perform(
        &checker,
        Call::Pending(Pending::Decline {
            id: p.id,
            reason: "the expiry date is readable".into(),
        }),
    )
    .await
    .unwrap();
    assert_eq!(s.review.decisions(), 0);
    let store = checker.team.store().await.unwrap();
    let now = store.proposal(p.id).await.unwrap().unwrap();
    assert_eq!(now.status, backoffice::team::ProposalStatus::Declined);
    let timeline = store.timeline(&p.subject).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.kind.as_str() == "proposal.declined"
                && e.text.contains("expiry date is readable")),
        "{timeline:?}"
    );
    assert!(
        records(&tmp.0.join("audit-bo.jsonl"))
            .iter()
            .any(|r| r.event.action == "proposal.decline")
    );
}

/// Four-eyes beyond Unioo: a bunq block proposal carries the user as bunq had them; changed
/// since (someone edited them), the confirmation finds it void and sends nothing; unchanged,
/// it is sent.
#[tokio::test]
async fn a_bunq_proposal_is_void_when_the_user_changed_since_and_sent_when_not() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    use backoffice::core::banking::BankUserUpdate;
    // bunq's rate limits are not what this is about: a window of 1 ms.
    let s = crate::bunq::start(1).await;
    let tmp = TempDir::new("four-eyes-bunq");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let bunq = maker.bunq().unwrap().clone();
    let users = bunq.bank_users(None, 0).await.unwrap().items;
    let block = bunq_block_proposal;
    let (first, second) = (users[0].id, users[1].id);
    let changed = proposed(perform(&maker, block(first)).await);
    let unchanged = proposed(perform(&maker, block(second)).await);
    assert!(
        !changed.seen_version.is_empty(),
        "the user as bunq had them"
    );
    // Someone edits the first user before the checker gets to it.
    let edit = BankUserUpdate {
        public_nick_name: Some("Edited meanwhile".into()),
        ..Default::default()
    };
    bunq.update_bank_user(first, edit).await.unwrap();
    let done = perform(&checker, Call::Pending(Pending::Confirm(changed.id))).await;
    assert!(
        matches!(&done, Ok(Payload::Pending(Done::Confirmed { void: true, outcome })) if outcome.contains("changed")),
        "{done:?}"
    );
    assert_ne!(bunq.bank_user(first).await.unwrap().status, "BLOCKED");
    let done = perform(&checker, Call::Pending(Pending::Confirm(unchanged.id))).await;
    assert!(
        matches!(
            done,
            Ok(Payload::Pending(Done::Confirmed { void: false, .. }))
        ),
        "{done:?}"
    );
    assert_eq!(bunq.bank_user(second).await.unwrap().status, "BLOCKED");
}

/// VASCO too: a deactivation proposed on a user edited since is void; on one left alone it is
/// sent. The proposal is on the user's timeline, not their email's.
#[tokio::test]
async fn a_vasco_proposal_is_void_when_the_user_changed_since_and_sent_when_not() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    use backoffice::app::features::platform::calls::Call as Vasco;
    use backoffice::core::platform::{PlatformChange, UserState};
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes-vasco");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let vasco = maker.vasco().unwrap().clone();
    let users: Vec<_> = vasco
        .platform_users(0)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|u| u.state == UserState::Active)
        .collect();
    let deactivate = |id: &str| {
        let audit = backoffice::audit::Event {
            backend: "VASCO".into(),
            action: "platform-user.deactivate".into(),
            targets: vec![format!("vasco-user:{id}"), "email:a***@example.com".into()],
            reason: Some("left the firm".into()),
            correlation: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        };
        Call::Propose(Box::new(Call::Platform(Vasco::Change {
            change: Box::new(PlatformChange::Deactivate {
                id: id.into(),
                comment: "left the firm".into(),
            }),
            audit: Box::new(audit),
        })))
    };
    let (first, second) = (users[0].id.clone(), users[1].id.clone());
    let changed = proposed(perform(&maker, deactivate(&first)).await);
    let unchanged = proposed(perform(&maker, deactivate(&second)).await);
    assert_eq!(changed.subject, format!("VASCO:vasco-user:{first}"));
    vasco
        .change_platform_user(PlatformChange::Update {
            id: first.clone(),
            first_name: None,
            last_name: None,
            mobile: Some("+4520000000".into()),
            group_id: None,
        })
        .await
        .unwrap();
    let done = perform(&checker, Call::Pending(Pending::Confirm(changed.id))).await;
    assert!(
        matches!(
            &done,
            Ok(Payload::Pending(Done::Confirmed { void: true, .. }))
        ),
        "{done:?}"
    );
    assert_eq!(
        vasco.platform_user(first).await.unwrap().state,
        UserState::Active
    );
    let done = perform(&checker, Call::Pending(Pending::Confirm(unchanged.id))).await;
    assert!(
        matches!(
            done,
            Ok(Payload::Pending(Done::Confirmed { void: false, .. }))
        ),
        "{done:?}"
    );
    assert_ne!(
        vasco.platform_user(second).await.unwrap().state,
        UserState::Active
    );
}

/// A checker's console cut off between the store's confirmation and the change: the proposal
/// stays confirmed and unsent. Until the team's lease has passed nobody sends it (that console
/// may still be sending); then a second console sends it again with the same key, once: a
/// first sending that never reached Unioo is made, one that did is answered as the same
/// decision (Unioo replays the key), and nothing is decided twice.
#[tokio::test]
async fn a_confirmation_cut_off_before_its_sending_is_sent_again_once() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    use backoffice::team::ProposalStatus;
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes-resend");
    let maker = officer(&s, &tmp.0, "ana");
    let mut checker = officer(&s, &tmp.0, "bo");
    checker.team.resend_after = Duration::from_millis(300);
    let c = client(&s);
    let items = pending(&c, 2).await;
    let propose = |item: &ReviewItem| {
        let d = decision(item, reject("Image is blurred"));
        Call::Propose(Box::new(Call::Review(
            backoffice::app::features::review::calls::Call::Decide {
                decision: Box::new(d.clone()),
                audit: Box::new(event(item, &d)),
            },
        )))
    };
    let never_sent = proposed(perform(&maker, propose(&items[0])).await);
    let sent = proposed(perform(&maker, propose(&items[1])).await);
    let store = checker.team.store().await.unwrap();
    // Both confirmed in the store by the checker's console, which then died: the first before
    // it sent anything, the second after Unioo made the change but before the outcome was kept.
    let bo = checker.team.me.clone();
    store.confirm(never_sent.id, &bo).await.unwrap();
    store.confirm(sent.id, &bo).await.unwrap();
    let mut first_sending = decision(&items[1], reject("Image is blurred"));
    first_sending.idempotency_key = sent.idempotency_key.to_string();
    c.decide(first_sending).await.unwrap();
    assert_eq!(s.review.decisions(), 1);

    let early = perform(&checker, Call::Pending(Pending::Confirm(never_sent.id))).await;
    assert_eq!(early.unwrap_err().code(), Some("PROPOSAL_SENDING"));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let Ok(Payload::Pending(Done::List(rows))) =
        perform(&checker, Call::Pending(Pending::List)).await
    else {
        panic!("the list")
    };
    let listed: Vec<_> = rows.iter().map(|r| r.proposal.id).collect();
    assert!(listed.contains(&never_sent.id) && listed.contains(&sent.id));
    let own = perform(&maker, Call::Pending(Pending::Confirm(never_sent.id))).await;
    assert_eq!(own.unwrap_err().code(), Some("OWN_PROPOSAL"));

    for p in [&never_sent, &sent] {
        let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
        assert!(
            matches!(
                done,
                Ok(Payload::Pending(Done::Confirmed { void: false, .. }))
            ),
            "{done:?}"
        );
        let now = store.proposal(p.id).await.unwrap().unwrap();
        assert_eq!(now.status, ProposalStatus::Done);
        assert_eq!(now.sends, 2);
    }
    assert_eq!(s.review.decisions(), 2, "each document decided once");
    for item in &items {
        assert_eq!(current(&c, item).await.state, LegitimationState::Rejected);
    }
    let again = perform(&checker, Call::Pending(Pending::Confirm(sent.id))).await;
    assert_eq!(again.unwrap_err().code(), Some("PROPOSAL_NOT_OPEN"));
    let resent = records(&tmp.0.join("audit-bo.jsonl"))
        .into_iter()
        .filter(|r| {
            r.event.action == "legitimation.reject"
                && r.event
                    .reason
                    .as_deref()
                    .is_some_and(|x| x.contains("sends again"))
        })
        .count();
    assert!(resent >= 2, "both sendings on the checker's record");
}

/// A bunq block cut off after bunq made it: the user moved on since the proposal, and this
/// console cannot tell the first sending's change from someone else's, so it sends nothing
/// again and the proposal is void, saying that the change may have been made.
#[tokio::test]
async fn a_cut_off_bunq_sending_whose_user_moved_is_not_sent_twice() {
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    use backoffice::core::banking::BankUserUpdate;
    let s = crate::bunq::start(1).await;
    let tmp = TempDir::new("four-eyes-bunq-resend");
    let maker = officer(&s, &tmp.0, "ana");
    let mut checker = officer(&s, &tmp.0, "bo");
    checker.team.resend_after = Duration::from_millis(300);
    let bunq = maker.bunq().unwrap().clone();
    let id = bunq.bank_users(None, 0).await.unwrap().items[0].id;
    let p = proposed(perform(&maker, bunq_block_proposal(id)).await);
    let store = checker.team.store().await.unwrap();
    store.confirm(p.id, &checker.team.me).await.unwrap();
    let block = BankUserUpdate {
        status: Some("BLOCKED".into()),
        ..Default::default()
    };
    bunq.update_bank_user(id, block).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
    assert!(
        matches!(&done, Ok(Payload::Pending(Done::Confirmed { void: true, outcome }))
            if outcome.contains("may have made this change")),
        "{done:?}"
    );
    let now = store.proposal(p.id).await.unwrap().unwrap();
    assert_eq!(now.status, backoffice::team::ProposalStatus::Void);
    assert_eq!(now.sends, 2);
}

/// Healthmov: an offboarding proposed on an employee changed since is void, one left alone is
/// sent. The checker's console reads each employee back where the maker's found them: by the
/// caller's external id, or (without one) through the company's and department's lists.
#[tokio::test]
async fn a_healthmov_proposal_is_void_when_the_employee_changed_since_and_sent_when_not() {
    use backoffice::app::features::onboarding::forms;
    use backoffice::app::features::pending::calls::{Call as Pending, Payload as Done};
    use backoffice::backends::healthmov::employee_at;
    let s = sandbox(300).await;
    let tmp = TempDir::new("four-eyes-healthmov");
    let (maker, checker) = (officer(&s, &tmp.0, "ana"), officer(&s, &tmp.0, "bo"));
    let hm = maker.healthmov().unwrap().clone();
    let company = hm.companies(None).await.unwrap().items.remove(0);
    let department = hm
        .departments(company.id.clone(), company.locator.clone(), None)
        .await
        .unwrap()
        .items
        .remove(0);
    let employees = hm
        .client_employees(department.clone(), None)
        .await
        .unwrap()
        .items;
    let last_day = jiff::civil::date(2030, 1, 31);
    // As the console's `O` form makes it, for an employee reached through the lists; `walk`:
    // one without an external id, read back by position.
    let offboard = |e: &ClientEmployee, walk: bool| {
        let mut at = EmployeeAt::of(e, Some(&company.id), Some(&department.id));
        if walk {
            at.external_id = None;
        }
        let mut form = forms::offboarding(e, at);
        let field = form
            .fields
            .remove(0)
            .with_value(Some(&last_day.to_string()));
        form.fields.insert(0, field);
        let (change, audit) = forms::change(&form).expect("a complete form");
        Call::Propose(Box::new(Call::Onboarding(
            backoffice::app::features::onboarding::calls::Call::Save {
                change: Box::new(change),
                audit: Box::new(audit),
            },
        )))
    };
    let mut proposals = Vec::new();
    for (i, walk) in [(0, false), (1, false), (2, true), (3, true)] {
        let p = proposed(perform(&maker, offboard(&employees[i], walk)).await);
        assert!(!p.seen_version.is_empty(), "employee {i} read back");
        assert_eq!(p.subject, format!("Healthmov:employee:{}", employees[i].id));
        proposals.push(p);
    }
    // Someone else changes the first of each pair before the checker gets to it.
    for i in [0, 2] {
        hm.set_offboarding(employees[i].id.clone(), jiff::civil::date(2031, 6, 30))
            .await
            .unwrap();
    }
    for (i, p) in proposals.iter().enumerate() {
        let done = perform(&checker, Call::Pending(Pending::Confirm(p.id))).await;
        let Ok(Payload::Pending(Done::Confirmed { void, outcome })) = done else {
            panic!("{done:?}")
        };
        let at = EmployeeAt::of(&employees[i], Some(&company.id), Some(&department.id));
        let now = employee_at(&*hm, &at).await.unwrap().unwrap();
        if i % 2 == 0 {
            assert!(void && outcome.contains("changed"), "{i}: {outcome}");
            assert_eq!(now.offboarding, Some(jiff::civil::date(2031, 6, 30)));
        } else {
            assert!(!void, "{i}: {outcome}");
            assert_eq!(now.offboarding, Some(last_day), "{i}: sent");
        }
    }
}

/// PCI DSS 10.2.1: every read of a person's data is on the record before it is sent (intent,
/// then its outcome), with a searched CPR masked; with an audit log that cannot be written,
/// each read is refused like a change and says why.
#[tokio::test]
async fn every_read_of_personal_data_is_on_the_record_or_refused() {
    use backoffice::app::features::{
        bank_users::calls::Call as Bunq, end_users::calls::Call as Upvest,
        people::calls::Call as People, platform::calls::Call as Vasco,
        review::calls::Call as Review, search::calls::Call as Search,
    };
    let s = sandbox(300).await;
    let tmp = TempDir::new("reads-audited");
    let log = tmp.0.join("audit.jsonl");
    let b = backends(&s, &log);
    let item = pending(&client(&s), 1).await.remove(0);
    let Some(Ssn::Danish(cpr)) = item.cpr.clone() else {
        panic!("a pending document's person has a Danish CPR")
    };
    let today = jiff::Zoned::now().date();
    let query = backoffice::search::classify(&cpr.reveal(), today).unwrap();
    let reads = [
        (
            Call::People(People::Users {
                after: None,
                sort: Sort::default(),
            }),
            "person.list",
        ),
        (Call::People(People::Person(item.person.id)), "person.view"),
        (
            Call::Review(Review::Document {
                user: item.person.id,
                kind: item.kind,
            }),
            "document.view",
        ),
        (
            Call::Review(Review::Queue {
                after: None,
                kind: None,
            }),
            "review-queue.list",
        ),
        (
            Call::Search(Search::Ask {
                source: backoffice::search::Source::Unioo,
                query: query.clone(),
            }),
            "person.search",
        ),
        (
            Call::BankUsers(Bunq::Page {
                older_id: None,
                loaded: 0,
            }),
            "bunq-user.list",
        ),
        (Call::EndUsers(Upvest::Page { offset: 0 }), "end-user.list"),
        (
            Call::Platform(Vasco::Page { offset: 0 }),
            "platform-user.list",
        ),
    ];
    for (call, action) in &reads {
        perform(&b, call.clone())
            .await
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        let all = records(&log);
        let last: Vec<_> = all.iter().rev().take(2).collect();
        assert!(
            last.iter().all(|r| &r.event.action == action),
            "{action}: {:?}",
            last.iter().map(|r| &r.event.action).collect::<Vec<_>>()
        );
        assert_eq!(last[1].outcome, Outcome::Intent, "{action}");
        assert_eq!(last[0].outcome, Outcome::Ok, "{action}");
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let searched = records(&log)
        .into_iter()
        .find(|r| r.event.action == "person.search")
        .unwrap();
    assert_eq!(searched.event.cpr_masked, Some(cpr.masked()));
    assert!(!text.contains(&cpr.reveal()), "a full CPR in the audit log");
    // Reads stay off the team's timelines: those are for decisions and notes.
    let store = b.team.store().await.unwrap();
    let subject = format!("Unioo:user:{}", item.person.id);
    assert!(store.timeline(&subject).await.unwrap().is_empty());

    let refused = backends_without_audit(&s);
    for (call, action) in reads {
        let e = perform(&refused, call)
            .await
            .expect_err(&format!("{action} without an audit log"));
        assert_eq!(e.code(), Some("AUDIT_UNAVAILABLE"), "{action}: {e}");
    }
}

/// Over HTTP: a seeded dependent has no email (Healthmov's `addOrUpdateDependent` needs one);
/// offboarding them through the console's form saves the employee's whole record, and Healthmov
/// then has the date on that dependent, every other dependent kept.
#[tokio::test]
async fn a_dependent_without_an_email_is_offboarded_with_every_other_dependent_kept() {
    use backoffice::app::features::onboarding::forms;
    let s = sandbox(300).await;
    let tmp = TempDir::new("dependent-no-email");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let hm = b.healthmov().unwrap().clone();
    let company = hm.companies(None).await.unwrap().items.remove(0);
    let mut found = None;
    let departments = hm
        .departments(company.id.clone(), company.locator.clone(), None)
        .await
        .unwrap()
        .items;
    for d in departments {
        let employees = hm.client_employees(d.clone(), None).await.unwrap().items;
        if let Some(e) = employees
            .into_iter()
            .find(|e| e.dependents.len() >= 2 && e.dependents.iter().all(|x| x.email.is_none()))
        {
            found = Some((d, e));
            break;
        }
    }
    let (department, parent) = found.expect("an employee with two dependents without email");
    let at = EmployeeAt::of(&parent, Some(&company.id), Some(&department.id));
    let mut form = forms::dependent(&parent, at.clone(), Some(1));
    let i = form
        .fields
        .iter()
        .position(|f| f.label == "Offboarding")
        .unwrap();
    let field = form.fields.remove(i).with_value(Some("2031-03-31"));
    form.fields.insert(i, field);
    assert!(form.validate_all());
    let (change, audit) = forms::change(&form).expect("a complete form");
    let call = Call::Onboarding(backoffice::app::features::onboarding::calls::Call::Save {
        change: Box::new(change),
        audit: Box::new(audit),
    });
    perform(&b, call).await.unwrap();
    let now = backoffice::backends::healthmov::employee_at(&*hm, &at)
        .await
        .unwrap()
        .expect("the employee is still there");
    assert_eq!(now.dependents.len(), parent.dependents.len());
    let names = |e: &ClientEmployee| {
        e.dependents
            .iter()
            .map(|d| (d.first_name.clone(), d.birthdate))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&now), names(&parent), "the same dependents");
    assert_eq!(
        now.dependents[1].offboarding,
        Some(jiff::civil::date(2031, 3, 31))
    );
    assert_eq!(
        now.dependents[0].offboarding,
        parent.dependents[0].offboarding
    );
}
