//! Tests of the onboarding logic, key by key: navigation and paging, every form's checks,
//! the confirm step, lookups, the login prompt and the import's stages.

use crate::app::action::{Action, Call, Effect, Payload};
use crate::app::form::{Form, Stage};
use crate::app::state::*;
use crate::app::test_support::*;
use crate::app::update::update;
use crate::backends::BackendError;
use crate::core::*;
use crossterm::event::KeyCode;
use jiff::civil::date;

fn company(n: u32) -> Company {
    Company {
        id: format!("c{n}"),
        name: format!("Company {n}"),
        brand: None,
        logo_url: Some("https://cdn.example.com/l.png".into()),
        external_id: Some(format!("CMP-{n}")),
        country: Some("DNK".into()),
        account_manager: None,
        onboarding: Some(date(2024, 1, 1)),
        offboarding: None,
        locator: Locator::ExternalId(format!("CMP-{n}")),
    }
}

fn department(company: Option<&Company>) -> Department {
    Department {
        id: "d1".into(),
        name: "Ops".into(),
        external_id: Some("DEP-1".into()),
        company: company.map(|c| (c.id.clone(), c.locator.clone())),
        locator: Locator::ExternalId("DEP-1".into()),
    }
}

fn employee() -> ClientEmployee {
    ClientEmployee {
        id: "e1".into(),
        employee_number: Some("100".into()),
        external_id: Some("EXT-1".into()),
        email: Some("ann.lee@client.example.com".into()),
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        phone: None,
        birthdate: None,
        onboarding: Some(date(2025, 3, 1)),
        offboarding: None,
        onboarded_at: Some(date(2025, 3, 1)),
        has_access: true,
        dependent_counts: (1, 1, 0),
        dependents: vec![Dependent {
            id: "k1".into(),
            first_name: "Bo".into(),
            last_name: "Lee".into(),
            email: Some("bo.lee@client.example.com".into()),
            phone: None,
            external_id: None,
            birthdate: Some(date(2016, 6, 1)),
            onboarding: Some(date(2025, 3, 1)),
            offboarding: None,
            onboarded_at: Some(date(2025, 3, 1)),
            has_access: true,
        }],
    }
}

fn loaded(s: &mut State, req: u64, payload: Payload) -> Vec<Effect> {
    update(
        s,
        Action::Loaded {
            req,
            result: Ok(payload),
        },
    )
}

fn page<T>(items: Vec<T>, next: Option<&str>) -> Page<T> {
    Page {
        total: items.len() + usize::from(next.is_some()) * 5,
        items,
        next_cursor: next.map(String::from),
    }
}

/// Companies → the first company's departments → its employees, all loaded.
fn at_employees() -> State {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, call) = call_req(&key(&mut s, KeyCode::Char('o')));
    assert_eq!(
        call,
        Call::Onboarding(super::calls::Call::Companies { after: None })
    );
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Companies(page(
            vec![company(1)],
            None,
        ))),
    );
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Onboarding(super::calls::Call::Departments {
            company_id: "c1".into(),
            company: Locator::ExternalId("CMP-1".into()),
            after: None
        })
    );
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Departments(page(
            vec![department(Some(&company(1)))],
            None,
        ))),
    );
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert!(matches!(
        call,
        Call::Onboarding(super::calls::Call::ClientEmployees { after: None, .. })
    ));
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::ClientEmployees(page(
            vec![employee()],
            None,
        ))),
    );
    s
}

fn form(s: &State) -> &Form {
    match &s.overlay {
        Overlay::Form(f) => f,
        o => panic!("no form: {o:?}"),
    }
}

fn error_of<'a>(s: &'a State, label: &str) -> Option<&'a str> {
    form(s)
        .fields
        .iter()
        .find(|f| f.label == label)
        .and_then(|f| f.error.as_deref())
}

/// Types `text` into the focused field, then Tab.
fn fill(s: &mut State, text: &str) {
    type_text(s, text);
    key(s, KeyCode::Tab);
}

#[test]
fn companies_page_in_five_at_a_time_until_the_screen_is_full() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('o')));
    let effects = loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Companies(page(
            (1..=5).map(company).collect(),
            Some("c5"),
        ))),
    );
    assert_eq!(
        call_req(&effects).1,
        Call::Onboarding(super::calls::Call::Companies {
            after: Some("c5".into())
        }),
        "five rows do not fill a screen: the next page is asked for at once"
    );
    assert!(matches!(s.top().kind, ViewKind::Companies(_)));
    // `o` again from deeper down goes back to the same list, not a second one.
    let (req, _) = call_req(&effects);
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Companies(page(
            vec![company(6)],
            None,
        ))),
    );
    let _ = key(&mut s, KeyCode::Enter);
    assert_eq!(s.views.len(), 3);
    key(&mut s, KeyCode::Char('o'));
    assert_eq!(s.views.len(), 2);
}

#[test]
fn the_company_form_checks_url_and_country_and_sends_an_audited_create() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('o')));
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Companies(page(
            vec![company(1)],
            None,
        ))),
    );
    key(&mut s, KeyCode::Char('n'));
    assert_eq!(form(&s).title, "New client company (Healthmov)");
    fill(&mut s, "Nordlys ApS");
    fill(&mut s, "logo.png");
    assert_eq!(
        error_of(&s, "Logo URL"),
        Some("is not a web address (https://…)")
    );
    fill(&mut s, "NL-1");
    fill(&mut s, "DK");
    assert!(
        error_of(&s, "Country").unwrap().contains("ISO 3166"),
        "{:?}",
        error_of(&s, "Country")
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        form(&s).stage,
        Stage::Editing,
        "bad fields block the review"
    );
    // Fix both: the focus is on the first bad one.
    assert_eq!(form(&s).focus, 1);
    for _ in 0..8 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "https://cdn.example.com/nordlys.png");
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    type_text(&mut s, "dnk");
    key(&mut s, KeyCode::Enter);
    assert_eq!(form(&s).stage, Stage::Confirming);
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Save { change, audit }) = call else {
        panic!("{call:?}")
    };
    let Change::Company { company: c, upsert } = *change else {
        panic!()
    };
    assert!(!upsert);
    assert_eq!(c.country.as_deref(), Some("DNK"), "sent upper-case");
    assert_eq!(audit.action, "company.create");
    assert_eq!(audit.targets, vec!["company:NL-1".to_string()]);
    // Created: the form closes and the list starts again with the news.
    let effects = loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Saved(Changed::Company(Box::new(
            company(9),
        )))),
    );
    assert!(matches!(s.overlay, Overlay::None));
    assert_eq!(
        call_req(&effects).1,
        Call::Onboarding(super::calls::Call::Companies { after: None })
    );
    let ViewKind::Companies(l) = &s.top().kind else {
        panic!()
    };
    assert_eq!(l.notice.as_deref(), Some("Saved company Company 9"));
}

#[test]
fn the_company_upsert_needs_an_external_id_and_dates_in_order_and_shows_the_change() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('o')));
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Companies(page(
            vec![company(1)],
            None,
        ))),
    );
    key(&mut s, KeyCode::Char('E'));
    let f = form(&s);
    assert_eq!(f.fields[0].input.value(), "Company 1", "pre-filled");
    // Offboarding before onboarding (2024-01-01) is refused when leaving the field.
    for _ in 0..6 {
        key(&mut s, KeyCode::Tab);
    }
    fill(&mut s, "2023-12-31");
    assert_eq!(
        error_of(&s, "Offboarding"),
        Some("is before the onboarding date")
    );
    key(&mut s, KeyCode::BackTab);
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "2027-01-01");
    // Empty the external id: required for an upsert.
    form_focus(&mut s, "External id");
    for _ in 0..5 {
        key(&mut s, KeyCode::Backspace);
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(error_of(&s, "External id"), Some("is required"));
    type_text(&mut s, "CMP-1");
    key(&mut s, KeyCode::Enter);
    let f = form(&s);
    assert_eq!(f.stage, Stage::Confirming);
    let changed: Vec<_> = f.changes().map(|x| x.label).collect();
    assert_eq!(
        changed,
        vec!["Offboarding"],
        "the confirm step shows what changes"
    );
}

fn form_focus(s: &mut State, label: &str) {
    for _ in 0..form(s).fields.len() {
        if form(s).fields[form(s).focus].label == label {
            return;
        }
        key(s, KeyCode::Tab);
    }
    panic!("no field {label}");
}

#[test]
fn the_department_form_needs_a_name() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Esc);
    assert!(matches!(s.top().kind, ViewKind::Departments(_)));
    key(&mut s, KeyCode::Char('n'));
    key(&mut s, KeyCode::Enter);
    assert_eq!(error_of(&s, "Name"), Some("is required"));
    type_text(&mut s, "Klinik");
    key(&mut s, KeyCode::Enter);
    let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Save { change, audit }) = call else {
        panic!()
    };
    assert_eq!(
        *change,
        Change::Department {
            company_id: "c1".into(),
            name: "Klinik".into(),
            external_id: None
        }
    );
    assert_eq!(audit.action, "department.create");
}

#[test]
fn the_employee_form_refuses_each_kind_of_bad_input() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Char('n'));
    fill(&mut s, "200");
    fill(&mut s, "Maja");
    fill(&mut s, "Lund");
    fill(&mut s, "maja@");
    assert!(error_of(&s, "Email").unwrap().contains("not an email"));
    fill(&mut s, "20304050");
    assert!(
        error_of(&s, "Phone")
            .unwrap()
            .contains("international form")
    );
    fill(&mut s, "1990-02-30");
    assert!(error_of(&s, "Birthdate").unwrap().contains("not a date"));
    fill(&mut s, "2026-02-01");
    fill(&mut s, "2026-01-31");
    assert_eq!(
        error_of(&s, "Offboarding"),
        Some("is before the onboarding date")
    );
    fill(&mut s, "");
    // A dependent's last name alone: the first name and birth date are then required.
    fill(&mut s, "");
    fill(&mut s, "Lund");
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        error_of(&s, "Dependent first"),
        Some("is required for a dependent")
    );
    assert_eq!(
        error_of(&s, "Dependent born"),
        Some("is required for a dependent")
    );
    assert_eq!(form(&s).stage, Stage::Editing);
    assert_eq!(
        form(&s).focus,
        3,
        "the first bad field (Email) gets the focus"
    );
    assert!(s.requests.is_empty(), "nothing is sent");
}

#[test]
fn onboarding_an_employee_with_a_dependent_sends_one_audited_upsert() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Char('n'));
    for text in [
        "200",
        "Maja",
        "Lund",
        "maja.lund@client.example.com",
        "+4520304050",
        "1990-05-17",
        "2026-02-01",
        "",
        "EXT-200",
        "Ella",
        "Lund",
        "2018-03-09",
    ] {
        fill(&mut s, text);
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(form(&s).stage, Stage::Confirming);
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Save { change, audit }) = call else {
        panic!()
    };
    let Change::Employee {
        company_id,
        department_id,
        employee: e,
        dependents,
    } = *change
    else {
        panic!()
    };
    assert_eq!((company_id.as_str(), department_id.as_str()), ("c1", "d1"));
    assert_eq!(e.onboarding, date(2026, 2, 1));
    assert_eq!(e.phone.as_deref(), Some("+4520304050"));
    let deps = dependents.expect("one dependent");
    assert_eq!(deps[0].first_name, "Ella");
    assert_eq!(deps[0].birthdate, date(2018, 3, 9));
    assert_eq!(audit.action, "employee.onboard");
    assert!(
        !format!("{:?}", audit.targets).contains("maja.lund@"),
        "the audit record holds the email masked: {:?}",
        audit.targets
    );
    let effects = loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Saved(Changed::Employee(Box::new(
            employee(),
        )))),
    );
    assert!(matches!(
        call_req(&effects).1,
        Call::Onboarding(super::calls::Call::ClientEmployees { .. })
    ));
}

#[test]
fn dependents_and_offboarding_are_changed_from_the_employee() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.top().kind, ViewKind::ClientEmployee(_)));
    // Edit the selected dependent: pre-filled, keyed by the parent's email.
    key(&mut s, KeyCode::Char('D'));
    assert_eq!(form(&s).fields[0].input.value(), "Bo");
    form_focus(&mut s, "Birthdate");
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace);
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(error_of(&s, "Birthdate"), Some("is required"));
    type_text(&mut s, "2016-06-02");
    key(&mut s, KeyCode::Enter);
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Save { change, .. }) = call else {
        panic!()
    };
    assert!(matches!(
        &*change,
        Change::Dependent { parent_email, dependent }
            if parent_email == "ann.lee@client.example.com" && dependent.birthdate == date(2016, 6, 2)
    ));
    let mut updated = employee();
    updated.dependents[0].birthdate = Some(date(2016, 6, 2));
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Saved(Changed::Employee(Box::new(
            updated,
        )))),
    );
    let ViewKind::ClientEmployee(v) = &s.top().kind else {
        panic!()
    };
    assert_eq!(v.employee.dependents[0].birthdate, Some(date(2016, 6, 2)));
    assert_eq!(v.notice.as_deref(), Some("Saved Ann Lee (1 dependent)"));

    // Offboarding before the onboarding date (2025-03-01) is refused.
    key(&mut s, KeyCode::Char('O'));
    type_text(&mut s, "2025-02-28");
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        error_of(&s, "Offboarding"),
        Some("is before the onboarding date")
    );
    for _ in 0..10 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "2026-12-31");
    key(&mut s, KeyCode::Enter);
    let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Save { change, audit }) = call else {
        panic!()
    };
    assert_eq!(
        *change,
        Change::Offboarding {
            employee_id: "e1".into(),
            date: date(2026, 12, 31)
        }
    );
    // The employee first (the timeline's subject), then where a second console finds them.
    assert_eq!(
        audit.targets,
        [
            "employee:e1",
            "company:c1",
            "department:d1",
            "employee-number:100",
            "employee-external-id:EXT-1"
        ]
    );
    assert_eq!(
        crate::app::four_eyes::subject_of(&audit),
        "Healthmov:employee:e1",
        "on the employee's timeline"
    );
}

#[test]
fn read_only_profiles_open_no_onboarding_form() {
    let mut s = at_employees();
    s.profile.read_only = true;
    for k in ['n', 'E', 'O', 'I'] {
        key(&mut s, KeyCode::Char(k));
        assert!(matches!(s.overlay, Overlay::None), "{k}");
    }
}

#[test]
fn find_by_external_id_opens_what_it_finds_or_says_nothing_matched() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('x'));
    assert!(matches!(s.overlay, Overlay::Prompt(_)));
    type_text(&mut s, "EXT-404");
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Onboarding(super::calls::Call::FindExternalId("EXT-404".into()))
    );
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Found(Found::Nothing)),
    );
    let Overlay::Prompt(p) = &s.overlay else {
        panic!("the prompt stays open to fix the id")
    };
    assert!(p.error.as_deref().unwrap().contains("\"EXT-404\""));
    assert_eq!(p.input.value(), "EXT-404");
    for _ in 0..3 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "1");
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Found(Found::Employee(Box::new(
            employee(),
        )))),
    );
    assert!(matches!(s.overlay, Overlay::None));
    let ViewKind::ClientEmployee(v) = &s.top().kind else {
        panic!()
    };
    assert_eq!(v.company_id, None, "a search does not say where they work");
    // Editing needs the department, which a lookup does not give: it says so.
    key(&mut s, KeyCode::Char('E'));
    assert!(matches!(s.overlay, Overlay::None));
    let ViewKind::ClientEmployee(v) = &s.top().kind else {
        panic!()
    };
    assert!(
        v.notice
            .as_deref()
            .unwrap()
            .contains("open them from their department")
    );
    // A department found by external id lists its employees.
    key(&mut s, KeyCode::Char('x'));
    type_text(&mut s, "DEP-1");
    let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
    let effects = loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Found(Found::Department(department(
            None,
        )))),
    );
    assert!(matches!(
        call_req(&effects).1,
        Call::Onboarding(super::calls::Call::ClientEmployees { .. })
    ));
}

#[test]
fn a_refused_session_asks_for_the_password_then_loads_again() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('o')));
    let refused = BackendError::Unauthorized {
        backend: "Healthmov",
        request_id: "-".into(),
        detail: "the username or password was refused; log in again with the right ones".into(),
    };
    update(
        &mut s,
        Action::Loaded {
            req,
            result: Err(refused),
        },
    );
    assert!(s.login.is_some(), "the login prompt opens");
    // Keys go to the prompt, not to the list underneath.
    type_text(&mut s, "s3cret");
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::LogIn(p)) = call else {
        panic!()
    };
    use secrecy::ExposeSecret;
    assert_eq!(p.0.expose_secret(), "s3cret");
    assert!(
        !format!("{:?}", s.login).contains("s3cret"),
        "the typed password leaves the state once sent"
    );
    let effects = loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::LoggedIn),
    );
    assert!(s.login.is_none());
    assert_eq!(
        call_req(&effects).1,
        Call::Onboarding(super::calls::Call::Companies { after: None })
    );
}

#[test]
fn the_import_is_checked_first_then_runs_with_progress_and_stops_cleanly() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Char('I'));
    type_text(&mut s, "/tmp/staff.csv");
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Onboarding(super::calls::Call::CheckImport {
            path: "/tmp/staff.csv".into(),
            department_given: true
        })
    );
    let checked = crate::onboarding::run::Checked {
        path: "/tmp/staff.csv".into(),
        ..Default::default()
    };
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::ImportChecked(Box::new(checked))),
    );
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Onboarding(super::calls::Call::Import {
        company_id,
        department_id,
        audit,
        ..
    }) = call
    else {
        panic!()
    };
    assert_eq!(
        (company_id.as_str(), department_id.as_deref()),
        ("c1", Some("d1"))
    );
    assert_eq!(audit.action, "employees.import");
    // Ctrl-c during an import stops it (the rows in flight finish); it does not quit.
    assert_eq!(ctrl(&mut s, 'c'), vec![Effect::Stop(req)]);
    assert!(!s.quit);
    let report = crate::onboarding::run::Report {
        sent: 3,
        stopped: true,
        ..Default::default()
    };
    loaded(
        &mut s,
        req,
        Payload::Onboarding(super::calls::Payload::Imported(report)),
    );
    let Overlay::Import(run) = &s.overlay else {
        panic!()
    };
    assert!(matches!(&run.stage, ImportStage::Done(r) if r.stopped && r.sent == 3));
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(s.overlay, Overlay::None));
    assert!(
        matches!(
            call_req(&effects).1,
            Call::Onboarding(super::calls::Call::ClientEmployees { .. })
        ),
        "the list reloads"
    );
}

#[test]
fn the_onboarding_screens_export_what_they_list() {
    let mut s = at_employees();
    let sheet = s
        .top()
        .kind
        .pane()
        .sheet(&s.shown())
        .expect("the employees list exports");
    assert_eq!(sheet.name, "client-employees");
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.headers[0], "Name");
    key(&mut s, KeyCode::Esc);
    let sheet = s
        .top()
        .kind
        .pane()
        .sheet(&s.shown())
        .expect("departments export");
    assert_eq!(sheet.rows[0][0], "Ops");
    key(&mut s, KeyCode::Esc);
    let sheet = s
        .top()
        .kind
        .pane()
        .sheet(&s.shown())
        .expect("companies export");
    // The pane's columns, in its order, dates and dashes as it shows them.
    assert_eq!(
        sheet.headers[..5],
        [
            "Company",
            "External id",
            "Country",
            "Onboarding",
            "Offboarding"
        ]
    );
    assert_eq!(
        sheet.rows[0][..5],
        ["Company 1", "CMP-1", "DNK", "2024-01-01", "—"]
    );
}

#[test]
fn an_update_never_renumbers_an_employee_into_a_second_one() {
    let mut s = at_employees();
    key(&mut s, KeyCode::Char('E'));
    let Overlay::Form(f) = &s.overlay else {
        panic!("the edit form opens")
    };
    assert!(
        f.subject.as_deref().is_some_and(|t| t.contains("no. ")),
        "{:?}",
        f.subject
    );
    // The number field is first: type a new number and try to go on.
    type_text(&mut s, "9");
    key(&mut s, KeyCode::Enter);
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    assert_eq!(f.stage, Stage::Editing, "not sent to the confirm step");
    let error = f.fields[0].error.clone().unwrap_or_default();
    assert!(error.contains("second employee"), "{error}");
    assert!(s.requests.is_empty());
}

/// The confirm step says what Enter does: under the profile's `four_eyes` it proposes (the
/// change goes to a second officer), else it sends; and Enter does what it said.
#[test]
fn the_confirm_step_says_whether_enter_sends_or_proposes() {
    for four_eyes in [false, true] {
        let mut s = at_employees();
        if four_eyes {
            s.profile.four_eyes = vec!["employee.offboard".into()];
        }
        key(&mut s, KeyCode::Enter);
        key(&mut s, KeyCode::Char('O'));
        type_text(&mut s, "2030-01-31");
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).stage, crate::app::form::Stage::Confirming);
        assert_eq!(form(&s).proposes, four_eyes);
        let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
        assert_eq!(matches!(call, Call::Propose(_)), four_eyes, "{call:?}");
    }
}

/// A dependent without an email (Healthmov's `addOrUpdateDependent` needs one) is edited and
/// offboarded through the employee's whole record: every dependent sent again, this one in
/// its place; the form says what that costs (a sibling's phone number), refuses a phone of
/// its own, and is refused where the employee's department is not known.
#[test]
fn a_dependent_without_an_email_is_saved_through_the_employee_s_whole_record() {
    use crate::app::form::Form;
    use tui_input::Input;
    let mut parent = employee();
    parent.dependents[0].email = None;
    let mut sibling = parent.dependents[0].clone();
    sibling.first_name = "Cy".into();
    sibling.phone = Some("+4520000001".into());
    parent.dependents.push(sibling);
    // Healthmov had no birth date for the one edited: the form gives it.
    parent.dependents[0].birthdate = None;
    let at = EmployeeAt::of(&parent, Some("c1"), Some("d1"));
    let set = |f: &mut Form, label: &str, value: &str| {
        let i = f.fields.iter().position(|x| x.label == label).unwrap();
        f.fields[i].input = Input::new(value.into());
    };

    let mut f = super::forms::dependent(&parent, at.clone(), Some(0));
    set(&mut f, "Birthdate", "2016-06-01");
    let warning = f.warning.clone().expect("the cost is said");
    assert!(
        warning.contains("all 2 dependents") && warning.contains("1 on file will be removed"),
        "{warning}"
    );
    set(&mut f, "Offboarding", "2026-12-31");
    assert!(
        f.validate_all(),
        "{:?}",
        f.fields.iter().map(|x| &x.error).collect::<Vec<_>>()
    );
    let (change, audit) = super::forms::change(&f).expect("a change");
    assert_eq!(audit.action, "dependent.save");
    let Change::Employee {
        company_id,
        department_id,
        employee,
        dependents: Some(dependents),
    } = change
    else {
        panic!("{change:?}")
    };
    assert_eq!((company_id.as_str(), department_id.as_str()), ("c1", "d1"));
    assert_eq!(
        employee.employee_number, "100",
        "the same employee, by number"
    );
    assert_eq!(dependents.len(), 2, "every dependent, none dropped");
    assert_eq!(dependents[0].offboarding, Some(date(2026, 12, 31)));
    assert_eq!(dependents[0].birthdate, date(2016, 6, 1));
    assert_eq!(dependents[0].first_name, "Bo");
    assert_eq!(dependents[1].first_name, "Cy");

    // A phone number needs an email.
    set(&mut f, "Phone", "+4520000002");
    assert!(!f.validate_all());
    assert!(
        f.fields
            .iter()
            .any(|x| x.label == "Phone" && x.error.is_some())
    );

    // Reached by external id, the employee's department is unknown: an email is needed.
    let mut f = super::forms::dependent(&parent, EmployeeAt::of(&parent, None, None), Some(0));
    set(&mut f, "Birthdate", "2016-06-01");
    set(&mut f, "Offboarding", "2026-12-31");
    assert!(!f.validate_all());
    let email = f.fields.iter().find(|x| x.label == "Email").unwrap();
    assert!(
        email
            .error
            .as_deref()
            .is_some_and(|e| e.contains("department")),
        "{:?}",
        email.error
    );

    // With an email, the dependent goes by `addOrUpdateDependent` as before.
    let mut f = super::forms::dependent(&parent, at, Some(0));
    set(&mut f, "Birthdate", "2016-06-01");
    set(&mut f, "Email", "bo.lee@client.example.com");
    assert!(f.validate_all());
    assert!(matches!(
        super::forms::change(&f),
        Some((Change::Dependent { .. }, _))
    ));
}

#[test]
fn the_first_login_asks_for_the_password_without_saying_anything_was_refused() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, _) = call_req(&key(&mut s, KeyCode::Char('o')));
    update(
        &mut s,
        Action::Loaded {
            req,
            result: Err(BackendError::LoginNeeded {
                backend: crate::backends::healthmov::NAME,
            }),
        },
    );
    let login = s.login.as_ref().expect("the login prompt opens");
    assert!(matches!(
        login.kind,
        PromptKind::Login { refused: false, .. }
    ));
    assert_eq!(login.error, None);
    assert_eq!(s.health.get(crate::backends::healthmov::NAME), None);
    let screen = |s: &State| {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        term.draw(|f| crate::ui::draw(f, s, &Default::default()))
            .unwrap();
        let buf = term.backend().buffer().clone();
        let text: String = buf.content.iter().map(|c| c.symbol()).collect();
        (text, term.get_cursor_position().unwrap())
    };
    let (first, _) = screen(&s);
    assert!(first.contains("needs you to log in"), "{first}");
    assert!(!first.to_lowercase().contains("refused"), "{first}");
    assert!(!first.contains("auth failed"), "{first}");
    // Typing shows that something was typed, never how much.
    type_text(&mut s, "abc");
    let short = screen(&s);
    assert!(short.0.contains("Password: ••••••••"), "{}", short.0);
    type_text(&mut s, "defghijklmnop");
    assert_eq!(
        screen(&s),
        short,
        "the same marker and cursor for 3 and 16 characters"
    );
}
