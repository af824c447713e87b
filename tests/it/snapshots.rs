//! Every pane at 80x24 and 160x48, drawn by the real `ui::draw` from state built by `update`
//! with data fetched over HTTP from the sandbox. No snapshot may hold an unmasked CPR.

use crate::common::{TempDir, backends, client, sandbox};
use backoffice::app::action::{Action, Call, Effect, Payload};
use backoffice::app::runner::{Backends, perform};
use backoffice::app::state::{ProfileInfo, State};
use backoffice::app::update;
use backoffice::backends::{BackendError, PeopleDirectory};
use backoffice::core::cpr::find_cprs;
use backoffice::core::{Cpr, Sort};
use backoffice::sandbox::SandboxHandle;
use backoffice::sandbox::data::World;
use backoffice::search::sources::Answer;
use backoffice::search::{Hit, Source, Target};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::Date;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

struct Harness<'a> {
    state: State,
    dir: &'a Backends,
    t0: Instant,
}

fn profile(production: bool) -> ProfileInfo {
    let mut p = ProfileInfo::new(if production { "prod-dk" } else { "sandbox" }, "Unioo");
    p.production = production;
    p
}

impl<'a> Harness<'a> {
    fn new(dir: &'a Backends, (w, h): (u16, u16)) -> Self {
        let t0 = Instant::now();
        let state = State::new(profile(false), (w, h), t0, Date::constant(2026, 11, 23));
        Harness { state, dir, t0 }
    }

    /// Applies an action and carries out its calls against the sandbox, to quiescence.
    async fn act(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for e in update(&mut self.state, a) {
                if let Effect::Call { req, call } = e {
                    let result = perform(self.dir, call).await;
                    queue.push(Action::Loaded { req, result });
                }
            }
        }
    }

    /// Applies an action but keeps its calls, for loading and error states.
    fn act_pending(&mut self, action: Action) -> Vec<(u64, Call)> {
        update(&mut self.state, action)
            .into_iter()
            .filter_map(|e| match e {
                Effect::Call { req, call } => Some((req, call)),
                _ => None,
            })
            .collect()
    }

    async fn key(&mut self, code: KeyCode) {
        self.act(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    async fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// The screen, where a CPR is shown only if revealed (audited).
    fn render_revealed(&self) -> String {
        let (w, h) = self.state.size;
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| backoffice::ui::draw(f, &self.state, &Default::default()))
            .unwrap();
        term.backend().to_string()
    }

    /// The screen, which must hold no unmasked CPR.
    fn render(&self) -> String {
        let text = self.render_revealed();
        assert!(
            find_cprs(&text).is_empty(),
            "an unmasked CPR on screen:\n{text}"
        );
        text
    }
}

/// The person with the most to show across the tabs: several organizations, MitID risk flags,
/// PEP, decided documents.
fn interesting(world: &World) -> u32 {
    let score = |i: u32| {
        let p = world.person(i);
        let flags = p
            .current_verification()
            .and_then(|v| v.risk.as_ref())
            .map_or(0, |r| {
                usize::from(r.failed_attempts > 0)
                    + usize::from(r.client_geo != r.app_geo)
                    + usize::from(r.client_ip != r.app_ip)
            });
        let rejected = p
            .photo
            .as_ref()
            .is_some_and(|d| d.rejected_reason.is_some());
        p.orgs.len().min(3)
            + 2 * flags
            + 2 * usize::from(rejected)
            + 2 * usize::from(p.pep.0 != "NO")
            + usize::from(p.social_security_card.is_some())
            + usize::from(p.citizenships.len() > 1)
    };
    (0..world.people.len() as u32)
        .max_by_key(|&i| (score(i), std::cmp::Reverse(i)))
        .expect("people")
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn check(name: &str, (w, h): (u16, u16), text: String) {
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
}

async fn open_person(h: &mut Harness<'_>, s: &SandboxHandle, idx: u32) {
    h.text(&s.world.people[idx as usize].cpr_text()).await;
    h.key(KeyCode::Enter).await;
}

#[tokio::test]
async fn search_pane() {
    let s = sandbox(2_000).await;
    let c = client(&s);
    let tmp = TempDir::new("snap-search");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        check("search_empty", size, h.render());

        h.text("511062-5629").await;
        h.key(KeyCode::Enter).await;
        check("search_invalid_day", size, h.render());

        for _ in 0..11 {
            h.key(KeyCode::Backspace).await;
        }
        h.text("010101-0000").await;
        h.key(KeyCode::Enter).await;
        check("search_no_match", size, h.render());

        // Several matches: the backend may return more than one person for a number.
        h.text(&s.world.people[0].cpr_text()).await;
        let calls = h.act_pending(Action::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        )));
        let (req, _) = calls[0].clone();
        check("search_loading", size, {
            h.state.now = h.t0 + Duration::from_millis(350);
            h.act(Action::Tick(h.t0 + Duration::from_millis(350))).await;
            h.render()
        });
        let mut rows = c.users(None, Sort::default(), 3).await.unwrap().items;
        rows.iter_mut()
            .for_each(|r| r.organizations = vec!["Byens Roklub".into()]);
        let hits = rows
            .iter()
            .map(|p| Hit {
                source: Source::Unioo,
                name: p.full_name(),
                email: p.email.clone(),
                cpr: None,
                detail: format!("administrator: {}", p.organizations.join(", ")),
                target: Target::UniooPerson(p.id),
                group: 0,
            })
            .collect();
        h.act(Action::Loaded {
            req,
            result: Ok(Payload::Search(
                backoffice::app::features::search::calls::Payload::Hits(Answer {
                    hits,
                    capped: false,
                }),
            )),
        })
        .await;
        h.key(KeyCode::Down).await;
        check("search_results", size, h.render());
    }
}

#[tokio::test]
async fn person_tabs() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("snap-person");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let idx = interesting(&s.world);
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        open_person(&mut h, &s, idx).await;
        check("person_overview", size, h.render());
        h.key(KeyCode::Char('2')).await;
        h.key(KeyCode::Down).await;
        check("person_roles", size, h.render());
        h.key(KeyCode::Char('3')).await;
        check("person_identity", size, h.render());
        h.key(KeyCode::Char('4')).await;
        check("person_documents", size, h.render());
        h.key(KeyCode::Enter).await;
        check("person_document_opened", size, h.render());
        h.key(KeyCode::Char('?')).await;
        check("help_person", size, h.render());
    }
}

/// The person view names its keys as bound: the tabs' and the reveal's, after `[keys]`.
#[tokio::test]
async fn the_person_view_names_its_keys_as_bound() {
    let s = sandbox(300).await;
    let tmp = TempDir::new("person-keys");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let idx = interesting(&s.world);
    let mut h = Harness::new(&b, (120, 30));
    h.state.keymap = backoffice::app::keymap::Keymap::with(&std::collections::BTreeMap::from([
        ("reveal".to_string(), vec!["V".to_string()]),
        ("overview".to_string(), vec!["F2".to_string()]),
    ]))
    .unwrap();
    open_person(&mut h, &s, idx).await;
    let screen = h.render();
    assert!(screen.contains("(V reveals)"), "{screen}");
    assert!(!screen.contains("(R reveals)"), "{screen}");
    assert!(screen.contains("F2 Overview"), "{screen}");
    assert!(screen.contains("2 Roles"), "{screen}");
}

#[tokio::test]
async fn person_failures_and_production_banner() {
    let s = sandbox(300).await;
    let tmp = TempDir::new("snap-fail");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.state.profile = profile(true);
        h.text(&s.world.people[1].cpr_text()).await;
        let calls = h.act_pending(Action::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        )));
        let err = BackendError::Timeout {
            backend: "Unioo",
            request_id: "0123456789ab".into(),
            secs: 20,
        };
        h.act(Action::Loaded {
            req: calls[0].0,
            result: Err(err),
        })
        .await;
        check("search_backend_timeout_production", size, h.render());
    }
}

#[tokio::test]
async fn lists_and_palette() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("snap-lists");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('u')).await;
        check("users", size, h.render());
        for _ in 0..3 {
            h.key(KeyCode::PageDown).await;
        }
        check("users_scrolled", size, h.render());
        h.key(KeyCode::Char('s')).await;
        check("users_sorted_name_desc", size, h.render());
        h.key(KeyCode::Char('e')).await;
        check("employees", size, h.render());
        h.key(KeyCode::Enter).await;
        check("employee_detail", size, h.render());
        h.key(KeyCode::Char(':')).await;
        h.text("us").await;
        check("palette", size, h.render());
        h.key(KeyCode::Enter).await;
        check("palette_ran_users", size, h.render());
    }
}

#[test]
fn no_snapshot_holds_an_unmasked_cpr() {
    // The scanner finds a full number in screen text (positive control)...
    let cpr = Cpr::parse_on("211062-5629", Date::constant(2026, 11, 23)).unwrap();
    assert_eq!(find_cprs(&format!("│CPR  {}  │", cpr.reveal())).len(), 1);
    assert_eq!(find_cprs("│CPR  2110625629│").len(), 1);
    // ...and none is in any stored snapshot.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots");
    let mut scanned = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("snapshots are committed")
        .flatten()
    {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert!(
            find_cprs(&text).is_empty(),
            "unmasked CPR in {}",
            path.display()
        );
        scanned += 1;
    }
    assert!(scanned >= 60, "only {scanned} snapshots found");
}

#[tokio::test]
async fn review_panes_and_dialogs() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("snap-review");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('v')).await;
        check("review_queue", size, h.render());
        h.key(KeyCode::Char('t')).await;
        check("review_queue_photo_ids", size, h.render());
        h.key(KeyCode::Enter).await;
        check("review_document", size, h.render());
        h.key(KeyCode::Char('a')).await;
        check("review_confirm_approve", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('r')).await;
        h.key(KeyCode::Down).await;
        h.text("partly").await;
        check("review_confirm_reject", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('R')).await;
        h.text("phone call").await;
        check("reveal_prompt", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('z')).await;
        check("review_document_zoomed", size, h.render());
        h.state.profile.read_only = true;
        h.key(KeyCode::Char('z')).await;
        check("review_document_read_only", size, h.render());
        h.state.locked = true;
        check("locked", size, h.render());
    }
}

#[tokio::test]
async fn audit_pane() {
    use backoffice::audit::{Event, Outcome, Record};
    let s = sandbox(50).await;
    let tmp = TempDir::new("snap-audit");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let record = |n: u32, action: &str, outcome: Outcome, reason: Option<&str>| Record {
        time: format!("2026-11-2{n}T09:1{n}:00.000000000Z"),
        operator: Some("Jane Doe".into()),
        os_user: "jdoe".into(),
        host: "jump-1".into(),
        ssh_client: Some("192.0.2.10".into()),
        profile: "prod-dk".into(),
        event: Event {
            backend: "Unioo".into(),
            action: action.into(),
            targets: vec![format!("document:{n}")],
            cpr_masked: Some("211062-****".into()),
            reason: reason.map(String::from),
            correlation: format!("c{n}"),
        },
        outcome,
        prev: String::new(),
        hash: String::new(),
    };
    let records = vec![
        record(
            1,
            "legitimation.reject",
            Outcome::Intent,
            Some("Image is blurred"),
        ),
        record(
            1,
            "legitimation.reject",
            Outcome::Ok,
            Some("Image is blurred"),
        ),
        record(2, "cpr.reveal", Outcome::Ok, Some("customer on the phone")),
        record(
            3,
            "legitimation.approve",
            Outcome::Error {
                message: "The document changed".into(),
                request_id: Some("ab12".into()),
            },
            None,
        ),
    ];
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        let calls = h.act_pending(Action::Key(KeyEvent::new(
            KeyCode::Char(':'),
            KeyModifiers::NONE,
        )));
        assert!(calls.is_empty());
        h.text("audit").await;
        let calls = h.act_pending(Action::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        )));
        assert_eq!(
            calls[0].1,
            Call::Audit(backoffice::app::features::audit::calls::Call::Load)
        );
        let verified =
            Err("line 3: its contents do not match its hash (the line was edited)".to_string());
        h.act(Action::Loaded {
            req: calls[0].0,
            result: Ok(Payload::Audit(
                backoffice::app::features::audit::calls::Payload::Loaded {
                    records: records.clone(),
                    verified,
                },
            )),
        })
        .await;
        check("audit_pane", size, h.render());
        h.key(KeyCode::Char('f')).await;
        h.text("reveal").await;
        check("audit_pane_filtered", size, h.render());
    }
}

#[tokio::test]
async fn a_revealed_cpr_shows_until_the_view_changes() {
    let s = sandbox(300).await;
    let tmp = TempDir::new("snap-reveal");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (80, 24));
    let p = &s.world.people[4];
    h.text(&p.cpr_text()).await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Char('R')).await;
    h.text("fraud case 17").await;
    h.key(KeyCode::Enter).await;
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| backoffice::ui::draw(f, &h.state, &Default::default()))
        .unwrap();
    let shown = term.backend().to_string();
    assert!(shown.contains(&p.cpr_text()), "revealed:\n{shown}");
    h.key(KeyCode::Char('2')).await;
    h.key(KeyCode::Char('1')).await;
    assert!(
        !h.render().contains(&p.cpr_text()),
        "masked again after leaving the tab"
    );
    let audit = crate::common::audit_content(&tmp.0.join("audit.jsonl"));
    assert!(audit.contains("cpr.reveal") && audit.contains("fraud case 17"));
    assert!(find_cprs(&audit).is_empty());
}

#[tokio::test]
async fn new_employee_form() {
    let s = sandbox(300).await;
    let tmp = TempDir::new("snap-form");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('e')).await;
        h.key(KeyCode::Char('n')).await;
        h.text(&format!("nora{}@bank", size.0)).await;
        h.key(KeyCode::Tab).await;
        h.text("Nora").await;
        check("form_new_employee_error", size, h.render());
        h.key(KeyCode::BackTab).await;
        h.text(".example.com").await;
        h.key(KeyCode::Enter).await;
        check("form_new_employee_confirm", size, h.render());
        h.key(KeyCode::Enter).await;
        check("employees_after_create", size, h.render());
    }
}

#[tokio::test]
async fn onboarding_panes() {
    let s = sandbox(50).await;
    let tmp = TempDir::new("snap-onboarding");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    // A path of fixed length, relative to the package: the dialog wraps the same everywhere.
    // Checking a file only reads it.
    let csv = "tests/it/fixtures/onboarding-staff.csv";
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('o')).await;
        check("onboarding_companies", size, h.render());
        h.key(KeyCode::Down).await;
        h.key(KeyCode::Enter).await;
        check("onboarding_departments", size, h.render());
        h.key(KeyCode::Enter).await;
        check("onboarding_employees", size, h.render());
        h.key(KeyCode::Enter).await;
        check("onboarding_employee", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('n')).await;
        h.text("9").await;
        h.key(KeyCode::Tab).await;
        h.key(KeyCode::Tab).await;
        h.key(KeyCode::Tab).await;
        h.text("maja@").await;
        h.key(KeyCode::Tab).await;
        h.text("2030").await;
        h.key(KeyCode::Tab).await;
        check("onboarding_employee_form_errors", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('y')).await;
        h.key(KeyCode::Char('I')).await;
        h.text(csv).await;
        h.key(KeyCode::Enter).await;
        check("onboarding_import_checked", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('x')).await;
        h.text("NOPE-1").await;
        h.key(KeyCode::Enter).await;
        check("onboarding_find_nothing", size, h.render());
    }
}

#[tokio::test]
async fn platform_panes() {
    let s = sandbox(20).await;
    let tmp = TempDir::new("snap-platform");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('p')).await;
        check("platform_users", size, h.render());
        h.key(KeyCode::Enter).await;
        check("platform_user", size, h.render());
        h.key(KeyCode::Char('d')).await;
        h.key(KeyCode::Enter).await;
        check("platform_deactivate_needs_reason", size, h.render());
    }
}

#[tokio::test]
async fn end_user_panes() {
    let s = sandbox(20).await;
    let tmp = TempDir::new("snap-end-users");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('U')).await;
        check("end_users", size, h.render());
        h.key(KeyCode::Enter).await;
        check("end_user", size, h.render());
        h.key(KeyCode::Char('O')).await;
        check("end_user_offboard", size, h.render());
    }
}

#[tokio::test]
async fn bank_user_panes() {
    let s = sandbox(20).await;
    let tmp = TempDir::new("snap-bank-users");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('B')).await;
        check("bank_users", size, h.render());
        h.key(KeyCode::Enter).await;
        check("bank_user", size, h.render());
        h.key(KeyCode::Char('t')).await;
        check("bank_user_status", size, h.render());
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char('E')).await;
        check("bank_user_edit", size, h.render());
    }
}

#[tokio::test]
async fn federated_search() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("snap-federated");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    // The third bunq user is a Unioo person too: the same CPR and email.
    let bunq_user = b
        .bank_users
        .as_ref()
        .unwrap()
        .bank_user(2003)
        .await
        .unwrap();
    let cpr = bunq_user.cpr().unwrap().reveal();
    for size in SIZES {
        let mut h = Harness::new(&b, size);
        h.state.profile.search_sources = b.sources().configured();
        h.text(&cpr).await;
        h.key(KeyCode::Enter).await;
        check("federated_cpr", size, h.render());
        h.key(KeyCode::Char('/')).await;
        h.text("Madsen").await;
        h.key(KeyCode::Enter).await;
        check("federated_name", size, h.render());
        h.key(KeyCode::Char('/')).await;
        h.text("nobody@example.com").await;
        h.key(KeyCode::Enter).await;
        check("federated_nothing", size, h.render());
    }
}

/// Cells drawn with a colour (foreground or background).
fn coloured_cells(state: &State, no_color: bool) -> usize {
    let (w, h) = state.size;
    let mut look = backoffice::ui::Look::default();
    look.theme.no_color = no_color;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| backoffice::ui::draw(f, state, &look))
        .unwrap();
    term.backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.fg != ratatui::style::Color::Reset || c.bg != ratatui::style::Color::Reset)
        .count()
}

#[tokio::test]
async fn no_color_draws_every_pane_without_colour() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("snap-no-color");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (80, 24));
    h.state.profile.search_sources = b.sources().configured();
    let mut screens = Vec::new();
    let mut look = |h: &mut Harness<'_>, name: &str| {
        let coloured = coloured_cells(&h.state, false);
        screens.push((name.to_string(), coloured, coloured_cells(&h.state, true)));
    };
    h.text("Madsen").await;
    h.key(KeyCode::Enter).await;
    look(&mut h, "search");
    for (key, name) in [
        ('B', "bunq users"),
        ('U', "end users"),
        ('p', "platform users"),
        ('o', "companies"),
        ('v', "review queue"),
    ] {
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Char(key)).await;
        look(&mut h, name);
        h.key(KeyCode::Enter).await;
        look(&mut h, &format!("{name}: one"));
    }
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('?')).await;
    look(&mut h, "help");
    for (name, with_colour, without) in &screens {
        assert!(*with_colour > 0, "{name} has colour normally");
        if name == "review queue: one" {
            // The document image (halfblocks) is content: its colours are the picture.
            assert!(without < with_colour, "{name}: only the image keeps colour");
            continue;
        }
        assert_eq!(*without, 0, "{name} under NO_COLOR");
    }
}

#[tokio::test]
async fn export_writes_what_the_screen_shows_with_cprs_masked() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("export");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let user = b
        .bank_users
        .as_ref()
        .unwrap()
        .bank_user(2003)
        .await
        .unwrap();
    let cpr = user.cpr().unwrap();
    let mut h = Harness::new(&b, (80, 24));
    h.state.profile.search_sources = b.sources().configured();
    h.text(&cpr.reveal()).await;
    h.key(KeyCode::Enter).await;
    let screen = h.render();
    // Names with a space: the path is all that follows the format.
    for (fmt, name) in [("csv", "found people.csv"), ("json", "found people.json")] {
        let path = tmp.0.join(name);
        h.key(KeyCode::Char(':')).await;
        h.text(&format!("export {fmt} {}", path.display())).await;
        h.key(KeyCode::Enter).await;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&cpr.masked()), "{text}");
        assert!(!text.contains(&cpr.reveal()) && !text.contains(&cpr.reveal().replace('-', "")));
        for name in [&user.full_name(), "Unioo", "bunq"] {
            assert!(
                text.contains(name) && screen.contains(name),
                "{name}: {text}"
            );
        }
        let toast = h.render();
        assert!(toast.contains("Exported 2 rows to"), "{toast}");
    }
    let csv = std::fs::read_to_string(tmp.0.join("found people.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        3,
        "a header and the two rows on screen: {csv}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.0.join("found people.json")).unwrap())
            .unwrap();
    assert_eq!(json[1]["Source"], "bunq");
    // A bad format or a screen with nothing to export says so, and writes nothing.
    h.key(KeyCode::Char(':')).await;
    h.text("export xml").await;
    h.key(KeyCode::Enter).await;
    let shown = h.render();
    assert!(shown.contains("\"xml\" is not a format"), "{shown}");
}

#[tokio::test]
async fn export_of_a_document_and_of_the_audit_trail_keeps_the_cpr_masked() {
    let s = sandbox(2_000).await;
    let tmp = TempDir::new("export-review");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (80, 24));
    let export = async |h: &mut Harness<'_>, path: &std::path::Path| {
        h.key(KeyCode::Char(':')).await;
        h.text(&format!("export json {}", path.display())).await;
        h.key(KeyCode::Enter).await;
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        json
    };
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('v')).await;
    h.key(KeyCode::Enter).await;
    // The CPR revealed on screen (audited) stays masked in the file.
    h.key(KeyCode::Char('R')).await;
    h.text("phone call").await;
    h.key(KeyCode::Enter).await;
    let backoffice::app::features::ViewKind::Document(d) = &h.state.top().kind else {
        panic!("the document is open");
    };
    let Some(backoffice::core::Ssn::Danish(cpr)) = d.item.cpr.clone() else {
        panic!("a Danish CPR");
    };
    let (id, name) = (d.item.document_id.to_string(), d.item.person.full_name());
    let screen = h.render_revealed();
    assert!(screen.contains(&name) && screen.contains(&cpr.reveal()));
    let doc = export(&mut h, &tmp.0.join("doc.json")).await;
    let fields: std::collections::HashMap<_, _> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["Field"].as_str().unwrap(), f["Value"].as_str().unwrap()))
        .collect();
    assert_eq!(fields["Document"], id);
    assert_eq!(fields["Person"], name);
    assert_eq!(fields["CPR"], cpr.masked());
    assert_eq!(fields["State"], "PENDING");

    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char(':')).await;
    h.text("audit").await;
    h.key(KeyCode::Enter).await;
    let screen = h.render();
    assert!(screen.contains("cpr.reveal"), "{screen}");
    let trail = export(&mut h, &tmp.0.join("audit.json")).await;
    // Newest first: the export of the document, its reveal, and the reads that showed it
    // (PCI DSS 10.2.1: every access to a person's data is on the record).
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Action"].as_str().unwrap())
        .collect();
    for read in [
        "sheet.export",
        "document.view",
        "person.view",
        "review-queue.list",
    ] {
        assert!(actions.contains(&read), "{read} missing: {actions:?}");
    }
    let rows: Vec<&serde_json::Value> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Action"] == "cpr.reveal")
        .collect();
    assert_eq!(rows.len(), 2, "the intent and the outcome: {trail}");
    assert_eq!(rows[0]["CPR"], cpr.masked());
    assert_eq!(rows[0]["Reason"], "phone call");
    let text = serde_json::to_string(&trail).unwrap();
    assert!(!text.contains(&cpr.reveal()) && !text.contains(&cpr.reveal().replace('-', "")));
}

/// Applies a key and carries out its calls, keeping every clipboard copy asked for.
async fn key_copies(h: &mut Harness<'_>, code: KeyCode) -> Vec<String> {
    let mut copies = Vec::new();
    let mut queue = vec![Action::Key(KeyEvent::new(code, KeyModifiers::NONE))];
    while let Some(a) = queue.pop() {
        for e in update(&mut h.state, a) {
            match e {
                Effect::Call { req, call } => {
                    let result = perform(h.dir, call).await;
                    queue.push(Action::Loaded { req, result });
                }
                Effect::Copy(c) => copies.push(c.0),
                _ => {}
            }
        }
    }
    copies
}

#[tokio::test]
async fn a_cpr_is_copied_only_once_revealed_and_that_copy_is_audited() {
    let s = sandbox(300).await;
    let tmp = TempDir::new("copy-cpr");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (80, 24));
    let p = &s.world.people[4];
    h.text(&p.cpr_text()).await;
    h.key(KeyCode::Enter).await;
    let copied = key_copies(&mut h, KeyCode::Char('y')).await;
    assert_eq!(
        copied,
        vec![p.id.to_string()],
        "masked: the id, not the CPR"
    );
    h.key(KeyCode::Char('R')).await;
    h.text("fraud case 18").await;
    h.key(KeyCode::Enter).await;
    let copied = key_copies(&mut h, KeyCode::Char('y')).await;
    assert_eq!(copied, vec![p.cpr_text()]);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| backoffice::ui::draw(f, &h.state, &Default::default()))
        .unwrap();
    assert!(
        term.backend()
            .to_string()
            .contains("Copied the CPR number (audited)")
    );
    let audit = crate::common::audit_content(&tmp.0.join("audit.jsonl"));
    assert!(audit.contains("cpr.copy"), "{audit}");
    assert!(find_cprs(&audit).is_empty());
}

/// The header row of the table on screen: the line under the table's top border.
fn header_row(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .rposition(|l| l.contains('┌'))
        .expect("a table on screen");
    lines[top + 1]
        .trim_matches(|c| c == '"' || c == '│')
        .to_string()
}

#[tokio::test]
async fn every_list_exports_the_columns_its_pane_draws_in_the_same_order() {
    let s = sandbox(200).await;
    let tmp = TempDir::new("snap-columns");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    // Wide enough that no column gives way on screen.
    let mut h = Harness::new(&b, (220, 50));
    h.key(KeyCode::Esc).await;
    for pane in ['u', 'e', 'v', 'o', 'p', 'U', 'B'] {
        h.key(KeyCode::Char(pane)).await;
        let screen = h.render();
        let sheet = h
            .state
            .top()
            .kind
            .pane()
            .sheet(&h.state.shown())
            .unwrap_or_else(|| panic!("{pane}: nothing to export"));
        // Every exported header, in order, and nothing else in the header row.
        let mut rest = header_row(&screen);
        for header in &sheet.headers {
            let at = rest.find(header).unwrap_or_else(|| {
                panic!("{pane}: {header:?} not on screen after the columns before it:\n{screen}")
            });
            rest = rest[at + header.len()..].to_string();
        }
        assert!(
            rest.trim().is_empty(),
            "{pane}: the pane draws more: {rest:?}"
        );
        // The first row's cells as the pane shows them.
        let first = sheet
            .rows
            .first()
            .unwrap_or_else(|| panic!("{pane}: no rows"));
        let row_line = screen
            .lines()
            .skip_while(|l| !l.contains(sheet.headers[0]))
            .nth(1)
            .unwrap();
        for cell in first.iter().filter(|c| !c.is_empty()) {
            let start: String = cell.chars().take(8).collect();
            assert!(
                row_line.contains(&start),
                "{pane}: {cell:?} not in {row_line}"
            );
        }
    }
}

/// The labels the top block of a detail pane draws, in order: each line that starts with a
/// word padded with spaces to the field width.
fn drawn_labels(screen: &str) -> Vec<String> {
    let width = backoffice::ui::widgets::field::LABEL_WIDTH;
    screen
        .lines()
        .filter_map(|l| {
            let inner: Vec<char> = l.trim_start_matches(['"', '│']).chars().collect();
            let label: String = inner.iter().take(width).collect();
            let padded = label.ends_with("  ") && !label.starts_with(' ');
            let value_follows = inner.get(width).is_some_and(|c| *c != ' ');
            (padded && value_follows).then(|| label.trim_end().to_string())
        })
        .collect()
}

#[tokio::test]
async fn every_detail_exports_the_fields_its_pane_draws_in_the_same_order() {
    let s = sandbox(200).await;
    let tmp = TempDir::new("snap-details");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (220, 50));
    h.key(KeyCode::Esc).await;
    for pane in ['B', 'U', 'p'] {
        h.key(KeyCode::Char(pane)).await;
        h.key(KeyCode::Enter).await;
        let screen = h.render();
        let sheet = h
            .state
            .top()
            .kind
            .pane()
            .sheet(&h.state.shown())
            .unwrap_or_else(|| panic!("{pane}: nothing to export"));
        let exported: Vec<&str> = sheet.rows.iter().map(|r| r[0].as_str()).collect();
        let drawn = drawn_labels(&screen);
        // Every label the pane draws is exported, in the pane's order.
        let mut rest = exported.iter();
        for label in &drawn {
            assert!(
                rest.any(|e| e == label),
                "{pane}: {label:?} is drawn but not exported (in order): {exported:?}\n{screen}"
            );
        }
        assert!(drawn.len() >= 7, "{pane}: {drawn:?}\n{screen}");
        // And with the value the pane shows.
        for row in &sheet.rows {
            let (label, value) = (&row[0], &row[1]);
            if drawn.contains(label) {
                let start: String = value.chars().take(12).collect();
                let line = screen
                    .lines()
                    .find(|l| l.trim_start_matches(['"', '│']).starts_with(label.as_str()))
                    .unwrap();
                assert!(line.contains(&start), "{pane}: {value:?} not in {line}");
            }
        }
        h.key(KeyCode::Esc).await;
    }
}

#[tokio::test]
async fn a_person_s_document_opens_for_review_as_from_the_queue() {
    use backoffice::app::features::ViewKind;
    use backoffice::core::{LegitimationState, Ssn};
    let s = sandbox(200).await;
    let tmp = TempDir::new("snap-person-review");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (160, 48));
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('v')).await;
    let ViewKind::Queue(q) = &h.state.top().kind else {
        panic!("the queue")
    };
    let item = q
        .list
        .rows
        .iter()
        .map(|r| &r.item)
        .find(|i| i.state == LegitimationState::Pending && matches!(i.cpr, Some(Ssn::Danish(_))))
        .expect("a pending document of a Danish person")
        .clone();
    let Some(Ssn::Danish(cpr)) = &item.cpr else {
        unreachable!()
    };
    // Found by CPR, the person opens; their Documents tab; the document under review.
    h.key(KeyCode::Char('/')).await;
    h.text(&cpr.reveal()).await;
    h.key(KeyCode::Enter).await;
    if matches!(h.state.top().kind, ViewKind::Search(_)) {
        h.key(KeyCode::Enter).await;
    }
    assert!(
        matches!(h.state.top().kind, ViewKind::Person(_)),
        "the person"
    );
    h.key(KeyCode::Char('4')).await;
    let ViewKind::Person(p) = &h.state.top().kind else {
        panic!()
    };
    let row = p
        .documents()
        .iter()
        .position(|d| d.id == Some(item.document_id))
        .expect("the document among the person's");
    for _ in 0..row {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    let ViewKind::Document(d) = &h.state.top().kind else {
        panic!(
            "the review's document view: {:?}",
            h.state.top().kind.pane().title()
        )
    };
    assert_eq!(d.item.document_id, item.document_id);
    assert_eq!(d.item.version, item.version);
    let screen = h.render();
    assert!(
        screen.contains("KYC") || screen.contains("Citizenship"),
        "{screen}"
    );
    // The decision keys work here as in the queue; after it, the person shows it.
    h.key(KeyCode::Char('r')).await;
    assert!(
        matches!(h.state.overlay, backoffice::app::state::Overlay::Confirm(_)),
        "{:?}",
        h.state.overlay
    );
    h.text("blurred scan").await;
    h.key(KeyCode::Enter).await;
    if matches!(h.state.overlay, backoffice::app::state::Overlay::Confirm(_)) {
        h.key(KeyCode::Enter).await;
    }
    let ViewKind::Person(p) = &h.state.top().kind else {
        panic!(
            "back on the person: {:?}",
            h.state.top().kind.pane().title()
        )
    };
    let doc = p
        .documents()
        .into_iter()
        .find(|d| d.id == Some(item.document_id))
        .expect("still listed");
    assert_eq!(doc.state, LegitimationState::Rejected, "loaded again");
}

#[tokio::test]
async fn a_person_s_export_holds_every_fact_the_tabs_draw_masked_as_shown() {
    use backoffice::app::features::ViewKind;
    let s = sandbox(200).await;
    let tmp = TempDir::new("snap-person-export");
    let b = backends(&s, &tmp.0.join("audit.jsonl"));
    let mut h = Harness::new(&b, (160, 48));
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Char('u')).await;
    // The first few people, so that roles, MitID risk and documents all come up.
    let mut seen_risk = false;
    let mut seen_roles = false;
    for row in 0..12 {
        h.key(KeyCode::Char('u')).await;
        for _ in 0..row {
            h.key(KeyCode::Down).await;
        }
        h.key(KeyCode::Enter).await;
        assert!(matches!(h.state.top().kind, ViewKind::Person(_)));
        let sheet = h.state.top().kind.pane().sheet(&h.state.shown()).unwrap();
        let exported: Vec<&str> = sheet.rows.iter().map(|r| r[0].as_str()).collect();
        let values = sheet
            .rows
            .iter()
            .map(|r| r[1].clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            find_cprs(&values).is_empty(),
            "a full CPR exported: {values}"
        );
        for tab in ['1', '3'] {
            h.key(KeyCode::Char(tab)).await;
            let screen = h.render();
            for label in drawn_labels(&screen) {
                assert!(
                    exported.contains(&label.as_str()),
                    "{label:?} drawn on tab {tab} but not exported: {exported:?}\n{screen}"
                );
            }
        }
        seen_risk |= exported.contains(&"Failed attempts");
        seen_roles |= exported.contains(&"Administers");
        assert!(exported.contains(&"Politically exposed"));
        assert!(exported.contains(&"Citizenships"));
    }
    assert!(seen_risk && seen_roles, "MitID risk and roles among them");
}
