//! Case notes through the real runner against a SQLite team store: a note added to a record,
//! read back on its timeline with the operator who wrote it, beside what the audit put there;
//! and a CPR number typed into a note is stored masked.

use crate::common::{Console, TempDir, backends, sandbox};
use backoffice::app::action::{Call, Payload};
use backoffice::app::features::ViewKind;
use backoffice::app::features::notes::calls::{Call as Notes, Payload as Answer};
use backoffice::app::runner::perform;
use backoffice::team::EntryKind;
use crossterm::event::KeyCode;

async fn timeline(
    b: &backoffice::app::runner::Backends,
    subject: &str,
) -> Vec<backoffice::team::TimelineEntry> {
    match perform(b, Call::Notes(Notes::Timeline(subject.into()))).await {
        Ok(Payload::Notes(Answer::Timeline(entries))) => entries,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_note_is_stored_with_its_operator_masked_and_shows_on_the_timeline_with_the_audit_s_events()
 {
    let s = sandbox(1).await;
    let tmp = TempDir::new("notes");
    let mut b = backends(&s, &tmp.0.join("audit.jsonl"));
    b.audit = b.audit.clone().with_central(b.team.clone());
    let person = uuid::Uuid::new_v4();
    let subject = format!("Unioo:user:{person}");

    let added = perform(
        &b,
        Call::Notes(Notes::Add {
            subject: subject.clone(),
            text: "Phoned about 2110620629: a new photo is coming".into(),
        }),
    )
    .await;
    assert!(
        matches!(added, Ok(Payload::Notes(Answer::Added))),
        "{added:?}"
    );
    // A reveal on the same person goes on the same timeline, under the same subject.
    let reveal = backoffice::audit::Event {
        backend: "Unioo".into(),
        action: "cpr.reveal".into(),
        targets: vec![format!("user:{person}")],
        cpr_masked: Some("211062-****".into()),
        reason: Some("checking the phone call".into()),
        correlation: uuid::Uuid::new_v4().to_string(),
    };
    perform(
        &b,
        Call::Reveal {
            audit: Box::new(reveal),
        },
    )
    .await
    .unwrap();

    let entries = timeline(&b, &subject).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(
        entries[0].kind,
        EntryKind::Event("cpr.reveal".into()),
        "newest first"
    );
    let note = &entries[1];
    assert_eq!(note.kind, EntryKind::Note);
    assert_eq!(note.text, "Phoned about 211062-****: a new photo is coming");
    assert_eq!(note.who.as_deref(), Some("tester"));
    assert_eq!(note.who_name.as_deref(), Some("Test Operator"));
    assert_eq!(note.host.as_deref(), Some("ci"));
    // Nothing of the number is anywhere in the store's file.
    let file = std::fs::read(tmp.0.join("team.sqlite")).unwrap();
    let wal = std::fs::read(tmp.0.join("team.sqlite-wal")).unwrap_or_default();
    for bytes in [file, wal] {
        assert!(!String::from_utf8_lossy(&bytes).contains("2110620629"));
    }
    // Another record's timeline holds none of it.
    assert!(timeline(&b, "Unioo:user:other").await.is_empty());
}

#[tokio::test]
async fn n_and_t_on_a_person_through_the_console_write_and_show_the_note() {
    let s = sandbox(1).await;
    let tmp = TempDir::new("notes-console");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut c = Console::new(&b);
    let person = uuid::Uuid::new_v4();
    let mut loading = Vec::new();
    backoffice::app::features::people::open_person(
        &mut c.state,
        person,
        "Anne Test".into(),
        &mut loading,
    );
    c.key(KeyCode::Char('N')).await;
    c.text("Asked for a clearer scan, CPR 211062-0629").await;
    c.key(KeyCode::Enter).await;
    let toast = c
        .state
        .toast
        .as_ref()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    assert_eq!(toast, "Note added to Anne Test.");

    c.key(KeyCode::Char('T')).await;
    let ViewKind::Timeline(t) = &c.state.top().kind else {
        panic!("the timeline")
    };
    assert_eq!(t.subject.key, format!("Unioo:user:{person}"));
    assert_eq!(t.list.rows.len(), 1);
    let screen = c.screen();
    assert!(screen.contains("Test Operator@ci"), "{screen}");
    assert!(
        screen.contains("Asked for a clearer scan, CPR 211062-****"),
        "{screen}"
    );
    assert!(!screen.contains("0629"), "{screen}");
}
