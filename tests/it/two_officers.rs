//! Two officers, two consoles in two pseudo-terminals, one sandbox and one team store: a
//! four-eyes rejection made by one and confirmed by the other, and the claim of a document
//! one of them has open, as the other's queue shows it.

use crate::common::{TempDir, client, sandbox, wait_until};
use crate::e2e::{Console, DEADLINE};
use backoffice::backends::LegitimationReview;
use backoffice::core::LegitimationState;
use std::os::unix::fs::PermissionsExt;

/// A config with one sandbox profile per officer, both joining the sandbox whose credentials
/// are in `creds` and sharing the SQLite team store in `dir`.
fn config(dir: &std::path::Path, creds: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::new();
    for (profile, name) in [("ana", "Ana Holm"), ("bo", "Bo Lind")] {
        text.push_str(&format!(
            "[profiles.{profile}]\nsandbox = true\nsandbox_join = {creds:?}\noperator = {name:?}\n\
             four_eyes = [\"legitimation.reject\"]\naudit_log = {:?}\n\
             [profiles.{profile}.team]\npath = {:?}\n\n",
            dir.join(format!("audit-{profile}.jsonl")),
            dir.join("team.sqlite"),
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

#[test]
fn a_four_eyes_rejection_made_by_one_officer_is_confirmed_by_the_other_and_sent_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(sandbox(300));
    let first = rt
        .block_on(client(&s).review_queue(None, None, 1))
        .unwrap()
        .items
        .remove(0);
    let name = first.person.full_name();
    let dir = TempDir::new("two-officers");
    let creds = dir.0.join("sandbox.json");
    std::fs::write(&creds, serde_json::to_string(&s.credentials()).unwrap()).unwrap();
    let cfg = config(&dir.0, &creds);
    let cfg = cfg.to_str().unwrap();

    // Ana opens the first document (claiming it) and rejects it: a proposal, nothing sent.
    let mut ana = Console::start_env("ana", &["--config", cfg, "--profile", "ana"], &[]);
    ana.wait_for("Find a person in every backend");
    ana.send("\x1b");
    ana.wait_for("/ search");
    ana.send("v");
    ana.wait_for("Review queue:");
    ana.send("\r");
    ana.wait_for(&format!("of {name}"));
    ana.wait_for("Claimed by     you");
    ana.send("r");
    ana.wait_for("Reject this document?");
    ana.send("\r");
    ana.wait_for("Proposed, not sent");
    assert_eq!(s.review.decisions(), 0, "the maker's console sent nothing");

    // Bo's queue shows Ana on the document she still has open.
    let mut bo = Console::start_env("bo", &["--config", cfg, "--profile", "bo"], &[]);
    bo.wait_for("Find a person in every backend");
    bo.send("\x1b");
    bo.wait_for("/ search");
    bo.send("v");
    bo.wait_for("Review queue:");
    bo.wait_for("Ana Holm");

    // Three keys from the pending proposals to a confirmed decision: P, Enter, a.
    bo.send("P");
    bo.wait_for("Pending proposals: 1 open");
    bo.send("\r");
    bo.wait_for("legitimation.reject");
    bo.wait_for("PENDING v");
    bo.send("a");
    bo.wait_for("Confirmed: sent and done");
    assert_eq!(s.review.decisions(), 1, "sent once, by the checker");
    let now = rt.block_on(async {
        let c = client(&s);
        use backoffice::backends::PeopleDirectory;
        c.person(first.person.id).await.unwrap().unwrap()
    });
    let doc = [now.photo_legitimation, now.social_security_card]
        .into_iter()
        .flatten()
        .find(|d| d.id == Some(first.document_id))
        .unwrap();
    assert_eq!(doc.state, LegitimationState::Rejected);

    // Both officers' timelines of the document show the proposal and its confirmation: Bo's
    // from the proposal, Ana's from the document she still has open.
    bo.send("T");
    bo.wait_for("proposed");
    bo.wait_for("confirmed");
    ana.send("T");
    ana.wait_for("proposed");
    ana.wait_for("confirmed");
    ana.wait_for("Bo Lind");

    // Nothing is left open.
    ana.send("P");
    ana.wait_for("No proposal is waiting for a second officer.");

    // The document's timeline in the shared store: the proposal, its confirmation, the
    // decision sent.
    let kinds: Vec<String> = rt.block_on(async {
        let store = backoffice::team::TeamStore::open_sqlite(&dir.0.join("team.sqlite"))
            .await
            .unwrap();
        let subject = format!("Unioo:document:{}", first.document_id);
        let entries = store.timeline(&subject).await.unwrap();
        entries
            .iter()
            .map(|e| e.kind.as_str().to_string())
            .collect()
    });
    for k in [
        "proposal.made",
        "proposal.confirmed",
        "proposal.done",
        "legitimation.reject",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
    for c in [&mut ana, &mut bo] {
        c.send("q");
        wait_until("the console to exit", DEADLINE, || {
            c.child.try_wait().unwrap().is_some()
        });
    }
    drop(s);
}
