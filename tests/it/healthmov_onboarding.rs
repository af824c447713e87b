//! The onboarding reads and writes of the Healthmov client, over HTTP against the sandbox:
//! companies → departments → employees by position and by external id, lookups, and every
//! mutation the console's forms send.

use crate::healthmov_client::{client, start};
use backoffice::backends::{BackendError, Onboarding};
use backoffice::core::*;
use jiff::civil::date;

async fn all_companies(c: &dyn Onboarding) -> Vec<Company> {
    let (mut after, mut all) = (None, Vec::new());
    loop {
        let p = c.companies(after).await.unwrap();
        all.extend(p.items);
        match p.next_cursor {
            Some(n) => after = Some(n),
            None => return all,
        }
    }
}

#[tokio::test]
async fn departments_and_employees_are_reached_by_position_or_external_id() {
    let s = start(600).await;
    let c = client(&s, None);
    let companies = all_companies(&c).await;
    assert_eq!(companies.len(), 12);
    let seventh = &companies[6];
    assert_eq!(seventh.locator, Locator::ExternalId("CMP-0007".into()));
    // The same company reached by position (as if it had no external id).
    let at = Locator::After(Some(relay_cursor(5)));
    for locator in [seventh.locator.clone(), at] {
        let depts = c
            .departments(seventh.id.clone(), locator.clone(), None)
            .await
            .unwrap();
        assert!(
            (2..=4).contains(&depts.items.len()),
            "{}",
            depts.items.len()
        );
        assert_eq!(depts.total, depts.items.len());
        let d = &depts.items[1];
        assert_eq!(d.company.as_ref().unwrap().0, seventh.id);
        // The department by position inside the company, and by its external id.
        let by_position = Department {
            locator: Locator::After(None),
            ..depts.items[0].clone()
        };
        let by_position = c.client_employees(by_position, None).await.unwrap();
        let by_ext = c
            .client_employees(depts.items[0].clone(), None)
            .await
            .unwrap();
        assert_eq!(by_position.items, by_ext.items);
        assert!(!by_ext.items.is_empty());
    }
}

/// The Relay cursor of the edge at `n` (from 0), as seed 003 shows them.
fn relay_cursor(n: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("arrayconnection:{n}"))
}

#[tokio::test]
async fn a_parent_reached_by_position_that_moved_is_reported_not_misread() {
    let s = start(600).await;
    let c = client(&s, None);
    let companies = all_companies(&c).await;
    // Company 2 is not first: asking for "the first company" with its id is refused.
    let e = c
        .departments(companies[1].id.clone(), Locator::After(None), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("LIST_CHANGED"), "{e}");
}

#[tokio::test]
async fn find_by_external_id_finds_each_kind_or_nothing() {
    let s = start(600).await;
    let c = client(&s, None);
    assert!(matches!(
        c.find_external_id("CMP-0003".into()).await.unwrap(),
        Found::Company(x) if x.external_id.as_deref() == Some("CMP-0003")
    ));
    assert!(matches!(
        c.find_external_id("DEP-0003-0".into()).await.unwrap(),
        Found::Department(d) if d.name == "Operations" && d.company.is_none()
    ));
    let Found::Employee(e) = c.find_external_id("EXT-000001".into()).await.unwrap() else {
        panic!("an employee")
    };
    assert!(e.email.is_some() && e.onboarding.is_some());
    assert_eq!(
        c.find_external_id("NOPE-1".into()).await.unwrap(),
        Found::Nothing
    );
}

fn company(name: &str, ext: &str) -> NewCompany {
    NewCompany {
        name: name.into(),
        logo_url: "https://cdn.example.com/logo.png".into(),
        external_id: Some(ext.into()),
        country: Some("DNK".into()),
        account_manager: Some("Ida Holm".into()),
        onboarding: Some(date(2026, 1, 1)),
        offboarding: None,
    }
}

fn employee(number: &str, email: &str) -> NewEmployee {
    NewEmployee {
        employee_number: number.into(),
        first_name: "Maja".into(),
        last_name: "Lund".into(),
        email: email.into(),
        onboarding: date(2026, 2, 1),
        offboarding: None,
        phone: Some("+4520304050".into()),
        birthdate: Some(date(1990, 5, 17)),
        external_id: Some(format!("EXT-{number}")),
    }
}

fn child(first: &str, email: &str) -> NewDependent {
    NewDependent {
        first_name: first.into(),
        last_name: "Lund".into(),
        birthdate: date(2018, 3, 9),
        email: Some(email.into()),
        phone: None,
        external_id: None,
        onboarding: Some(date(2026, 2, 1)),
        offboarding: None,
    }
}

#[tokio::test]
async fn onboarding_a_company_from_scratch() {
    let s = start(600).await;
    let c = client(&s, None);
    let made = c
        .save_company(company("Nordlys ApS", "NL-1"), false)
        .await
        .unwrap();
    assert_eq!(made.name, "Nordlys ApS");
    // Create-or-update by external id: the same company, renamed and with dates.
    let mut update = company("Nordlys Holding ApS", "NL-1");
    update.offboarding = Some(date(2027, 1, 1));
    let updated = c.save_company(update, true).await.unwrap();
    assert_eq!(updated.id, made.id);
    assert_eq!(updated.offboarding, Some(date(2027, 1, 1)));

    let dept = c
        .create_department(made.id.clone(), "Klinik".into(), Some("NL-1-K".into()))
        .await
        .unwrap();
    let saved = c
        .save_employee(
            made.id.clone(),
            dept.id.clone(),
            employee("9001", "maja.lund@nordlys.example.com"),
            Some(vec![child("Ella", "ella.lund@nordlys.example.com")]),
        )
        .await
        .unwrap();
    assert_eq!(saved.dependents.len(), 1);
    assert_eq!(saved.dependent_counts.0, 1);
    assert!(
        saved.has_access,
        "onboarded 2026-02-01, before the sandbox's today"
    );
    let mut oskar = child("Oskar", "oskar.lund@nordlys.example.com");
    oskar.phone = Some("+4520304050".into());
    let with_two = c
        .save_dependent("maja.lund@nordlys.example.com".into(), oskar)
        .await
        .unwrap();
    assert_eq!(with_two.id, saved.id, "answers with the parent");
    assert_eq!(with_two.dependents.len(), 2);
    // The phone is sent and read back, so the form shows what Healthmov has.
    let phones: Vec<Option<&str>> = with_two
        .dependents
        .iter()
        .map(|d| d.phone.as_deref())
        .collect();
    assert!(phones.contains(&Some("+4520304050")), "{phones:?}");
    let off = c
        .set_offboarding(saved.id.clone(), date(2026, 12, 31))
        .await
        .unwrap();
    assert_eq!(off.offboarding, Some(date(2026, 12, 31)));
    // Found again by external id, dependents included.
    let Found::Employee(found) = c.find_external_id("EXT-9001".into()).await.unwrap() else {
        panic!("the new employee")
    };
    assert_eq!(found.dependents.len(), 2);
    assert_eq!(found.offboarding, Some(date(2026, 12, 31)));
    let Found::Department(d) = c.find_external_id("NL-1-K".into()).await.unwrap() else {
        panic!("the new department")
    };
    let page = c.client_employees(d, None).await.unwrap();
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn the_api_refuses_bad_input_with_its_reason() {
    let s = start(600).await;
    let c = client(&s, None);
    let made = c
        .save_company(company("X A/S", "X-1"), false)
        .await
        .unwrap();
    let dept = c
        .create_department(made.id.clone(), "Ops".into(), None)
        .await
        .unwrap();
    let mut late = employee("1", "a@x.example.com");
    late.offboarding = Some(date(2020, 1, 1));
    let e = c
        .save_employee(made.id.clone(), dept.id.clone(), late, None)
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Rejected { .. }), "{e}");
    assert!(e.to_string().contains("cannot be before"), "{e}");
    let e = c
        .save_dependent(
            "nobody@x.example.com".into(),
            child("Ann", "ann@x.example.com"),
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().to_lowercase().contains("unknown employee"),
        "{e}"
    );
}
