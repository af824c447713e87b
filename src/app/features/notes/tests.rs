use super::*;
use crate::app::action::Action;
use crate::app::state::Health;
use crate::app::test_support::*;
use crate::app::update::update;
use crossterm::event::KeyCode;
use jiff::Timestamp;

/// A person opened from the search, still loading.
fn on_person(first: &str) -> (State, uuid::Uuid) {
    let mut s = state();
    let p = person(first);
    let mut effects = Vec::new();
    crate::app::features::people::open_person(&mut s, p.id, p.full_name(), &mut effects);
    (s, p.id)
}

fn answer(s: &mut State, req: RequestId, result: Result<Payload, BackendError>) -> Vec<Effect> {
    update(s, Action::Loaded { req, result })
}

fn ask_shown(s: &State) -> Option<&Ask> {
    match &s.overlay {
        Overlay::Ask(a) => Some(a),
        _ => None,
    }
}

fn toast(s: &State) -> String {
    s.toast.as_ref().map(|t| t.0.clone()).unwrap_or_default()
}

fn entry(second: i64, who: &str, kind: EntryKind, text: &str) -> TimelineEntry {
    TimelineEntry {
        at: Timestamp::from_second(second).unwrap(),
        who: Some(who.into()),
        who_name: None,
        host: Some("jump-1".into()),
        kind,
        text: text.into(),
        proposal: None,
    }
}

fn store_down() -> BackendError {
    BackendError::Unreachable {
        backend: crate::app::team::NAME,
        request_id: "-".into(),
        detail: "connection refused".into(),
    }
}

#[test]
fn n_on_a_person_asks_for_a_note_and_enter_sends_it_to_the_person_s_subject_cpr_masked() {
    let (mut s, id) = on_person("Anne");
    assert!(key(&mut s, KeyCode::Char('N')).is_empty());
    let ask = ask_shown(&s).expect("the note dialog");
    assert!(ask.question.contains("Anne Test"), "{}", ask.question);
    type_text(&mut s, "Called her about 211062-0629, sends a new photo");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(ask_shown(&s).is_none(), "the dialog closes");
    let (req, call) = call_req(&effects);
    assert_eq!(
        call,
        Call::Notes(calls::Call::Add {
            subject: format!("Unioo:user:{id}"),
            text: "Called her about 211062-****, sends a new photo".into(),
        })
    );
    assert_eq!(s.requests[&req].backend, Some(crate::app::team::NAME));
    // Saved: a toast names the record; the person's view is as it was.
    answer(&mut s, req, Ok(Payload::Notes(calls::Payload::Added)));
    assert_eq!(toast(&s), "Note added to Anne Test.");
    assert!(matches!(s.top().kind, ViewKind::Person(_)));
    assert_eq!(s.health.get(crate::app::team::NAME), Some(Health::Ok));
}

#[test]
fn n_on_a_review_document_notes_the_document_and_read_only_profiles_may_too() {
    let mut s = state();
    s.profile.read_only = true;
    let item = crate::core::ReviewItem {
        document_id: uuid::Uuid::from_bytes([7; 16]),
        kind: crate::core::DocumentKind::PhotoLegitimation,
        version: 1,
        state: crate::core::LegitimationState::Pending,
        created: None,
        expires: None,
        person: person("Bo"),
        cpr: None,
    };
    let mut effects = Vec::new();
    crate::app::features::review::open_document(&mut s, item, &mut effects);
    key(&mut s, KeyCode::Char('N'));
    assert!(ask_shown(&s).is_some(), "a note is no backend change");
    type_text(&mut s, "Blurry, asked for a new scan");
    let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Notes(calls::Call::Add {
            subject: "Unioo:document:07070707-0707-0707-0707-070707070707".into(),
            text: "Blurry, asked for a new scan".into(),
        })
    );
}

#[test]
fn an_empty_note_is_refused_and_nothing_is_sent() {
    let (mut s, _) = on_person("Anne");
    key(&mut s, KeyCode::Char('N'));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    type_text(&mut s, "   ");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let ask = ask_shown(&s).expect("still asking");
    assert!(ask.error.as_deref().unwrap_or("").contains("Type the note"));
    assert!(
        s.requests
            .values()
            .all(|r| r.backend != Some(crate::app::team::NAME)),
        "nothing went to the team store"
    );
    // Esc drops it: nothing sent.
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(ask_shown(&s).is_none());
    assert!(matches!(s.top().kind, ViewKind::Person(_)));
}

#[test]
fn where_no_record_is_shown_n_and_t_do_nothing() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('u'));
    assert!(key(&mut s, KeyCode::Char('N')).is_empty());
    assert!(key(&mut s, KeyCode::Char('T')).is_empty());
    assert!(ask_shown(&s).is_none());
    assert!(matches!(s.top().kind, ViewKind::Users(_)));
    // Reached by name, the command says why it does nothing.
    crate::app::update::run(&mut s, Command::AddNote);
    assert!(toast(&s).contains("no record here"), "{}", toast(&s));
}

#[test]
fn t_opens_the_timeline_newest_first_f5_reloads_and_n_there_adds_and_reloads() {
    let (mut s, id) = on_person("Anne");
    let subject = format!("Unioo:user:{id}");
    let (req, call) = call_req(&key(&mut s, KeyCode::Char('T')));
    assert_eq!(call, Call::Notes(calls::Call::Timeline(subject.clone())));
    assert_eq!(s.breadcrumbs().last().map(String::as_str), Some("Timeline"));
    let entries = vec![
        entry(1_790_000_100, "ida", EntryKind::Note, "middle"),
        entry(1_790_000_000, "bo", EntryKind::Note, "oldest"),
        entry(
            1_790_000_200,
            "ida",
            EntryKind::Event("legitimation.approve".into()),
            "legitimation.approve",
        ),
    ];
    answer(
        &mut s,
        req,
        Ok(Payload::Notes(calls::Payload::Timeline(entries))),
    );
    let ViewKind::Timeline(t) = &s.top().kind else {
        panic!("the timeline")
    };
    let texts: Vec<&str> = t.list.rows.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["legitimation.approve", "middle", "oldest"]);
    assert_eq!(kind_words(&t.list.rows[0].kind), "approved");
    // Enter shows the entry in full, Esc goes back to the list.
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    assert!(matches!(&s.top().kind, ViewKind::Timeline(t) if t.opened));
    key(&mut s, KeyCode::Esc);
    assert!(matches!(&s.top().kind, ViewKind::Timeline(t) if !t.opened));

    // F5: asked again.
    let (_, call) = call_req(&key(&mut s, KeyCode::F(5)));
    assert_eq!(call, Call::Notes(calls::Call::Timeline(subject.clone())));

    // N here notes the same record, and the timeline is read again once it is saved.
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Second look");
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Notes(calls::Call::Add {
            subject: subject.clone(),
            text: "Second look".into(),
        })
    );
    let effects = answer(&mut s, req, Ok(Payload::Notes(calls::Payload::Added)));
    assert_eq!(
        call_req(&effects).1,
        Call::Notes(calls::Call::Timeline(subject))
    );
    assert!(toast(&s).starts_with("Note added to Anne Test"));
}

#[test]
fn a_note_the_store_did_not_take_is_asked_again_with_its_text_and_kept_after_esc() {
    let (mut s, _) = on_person("Anne");
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Needs a call back");
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    answer(&mut s, req, Err(store_down()));
    assert_eq!(s.health.get(crate::app::team::NAME), Some(Health::Down));
    let ask = ask_shown(&s).expect("asked again");
    assert_eq!(ask.input.value(), "Needs a call back");
    let error = ask.error.clone().unwrap_or_default();
    assert!(error.contains("NOT saved"), "{error}");
    // Esc: the text is still offered by the next N on this record.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(ask_shown(&s).unwrap().input.value(), "Needs a call back");
    // Saved this time: nothing is kept any more.
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    answer(&mut s, req, Ok(Payload::Notes(calls::Payload::Added)));
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(ask_shown(&s).unwrap().input.value(), "");
}

#[test]
fn a_note_that_fails_after_the_operator_moved_on_says_so_and_keeps_the_text() {
    let (mut s, _) = on_person("Anne");
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Moved on");
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    // The operator opens the help meanwhile: no dialog is pushed over it.
    key(&mut s, KeyCode::Char('?'));
    answer(&mut s, req, Err(store_down()));
    assert!(matches!(s.overlay, Overlay::Help));
    assert!(toast(&s).contains("NOT saved"), "{}", toast(&s));
    assert!(s.last_error.is_some(), "the status line says why");
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(ask_shown(&s).unwrap().input.value(), "Moved on");
}

#[test]
fn esc_while_a_note_is_on_its_way_says_it_may_not_be_saved() {
    let (mut s, _) = on_person("Anne");
    key(&mut s, KeyCode::Char('N'));
    type_text(&mut s, "Quick one");
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    assert!(key(&mut s, KeyCode::Esc).contains(&Effect::Cancel(req)));
    assert!(toast(&s).contains("may not be saved"), "{}", toast(&s));
    key(&mut s, KeyCode::Char('N'));
    assert_eq!(ask_shown(&s).unwrap().input.value(), "Quick one");
}

#[test]
fn every_record_view_has_a_subject_the_audit_timeline_uses() {
    use crate::core::banking::BankUser;
    let bank = crate::app::features::bank_users::BankUserView {
        id: 2001,
        user: crate::app::state::Resource::Loaded(Box::new(BankUser {
            id: 2001,
            first_name: "Ida".into(),
            ..Default::default()
        })),
        notice: None,
    };
    assert_eq!(bank.subject().unwrap().key, "bunq:bunq-user:2001");
    let (s, id) = on_person("Anne");
    assert_eq!(
        s.top().kind.pane().subject().unwrap(),
        Subject {
            key: format!("Unioo:user:{id}"),
            title: "Anne Test".into()
        }
    );
}

#[test]
fn at_80x24_the_timeline_shows_the_time_as_every_screen_does_who_and_host_kind_and_the_text() {
    let (mut s, _) = on_person("Anne");
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('T')));
    // 2026-11-22 09:30 UTC, the day before the state's today.
    let mut e = entry(
        1_795_339_800,
        "ida",
        EntryKind::Note,
        "Called back\u{202E}: will send a new photo",
    );
    e.who_name = Some("Ida Holm".into());
    answer(
        &mut s,
        req,
        Ok(Payload::Notes(calls::Payload::Timeline(vec![e]))),
    );
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("a terminal");
    term.draw(|f| crate::ui::draw(f, &s, &Default::default()))
        .unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    let row = screen
        .lines()
        .find(|l| l.contains("Called back"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("2026-11-22 09:30"), "{row}");
    assert!(row.contains("Ida Holm@jump-1"), "{row}");
    assert!(row.contains("note"), "{row}");
    assert!(row.contains("Called back: will send a new p"), "{row}");
    assert!(!screen.contains('\u{202E}'));
    assert!(screen.contains("Timeline of Anne Test"), "{screen}");
}
