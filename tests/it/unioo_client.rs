//! The Unioo client against the sandbox: what the console does, over real HTTP.

use crate::common::{client, client_with_token, sandbox};
use backoffice::backends::{BackendError, PeopleDirectory};
use backoffice::core::*;
use backoffice::sandbox::data::{PHOTO_ID_PNG, SOCIAL_SECURITY_CARD_PNG};
use std::collections::HashSet;

#[tokio::test]
async fn search_by_cpr_finds_the_person_and_their_organizations() {
    let s = sandbox(300).await;
    let c = client(&s);
    let p = s.world.person(11);
    let cpr = Cpr::parse_recorded(&p.ssn).unwrap();
    let found = c.find_by_cpr(cpr).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, p.id);
    assert_eq!(found[0].first_name, p.first_name);
    assert_eq!(found[0].organizations.len(), p.orgs.len());
    assert!(
        c.find_by_cpr(Cpr::parse_recorded("010101-0000").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_person_view_gets_everything_but_document_bytes() {
    let s = sandbox(300).await;
    let c = client(&s);
    let rec = s.world.person(5);
    let p = c.person(rec.id).await.unwrap().expect("visible");
    assert_eq!(
        p.full_name(),
        format!("{} {}", rec.first_name, rec.last_name)
    );
    let le = p.legal_entity.as_ref().unwrap();
    assert_eq!(
        le.ssn.as_ref().unwrap().to_string(),
        Cpr::parse_recorded(&rec.ssn).unwrap().masked()
    );
    assert_eq!(le.verifications.len(), rec.verifications.len());
    assert_eq!(p.administrators.len(), rec.orgs.len());
    for a in &p.administrators {
        assert!(!a.roles.is_empty());
        assert!(a.organization.as_ref().is_some_and(|o| !o.name.is_empty()));
    }
    assert_eq!(p.photo_legitimation.is_some(), rec.photo.is_some());
    assert_eq!(
        p.social_security_card.is_some(),
        rec.social_security_card.is_some()
    );
    assert!(c.person(uuid::Uuid::nil()).await.unwrap().is_none());
}

#[tokio::test]
async fn risk_flags_survive_the_round_trip() {
    let s = sandbox(2_000).await;
    let c = client(&s);
    let idx = (0..2_000u32)
        .find(|&i| {
            let p = s.world.person(i);
            p.current_verification()
                .and_then(|v| v.risk.as_ref())
                .is_some_and(|r| r.failed_attempts > 0 && r.client_ip != r.app_ip)
        })
        .expect("the sandbox has risky verifications");
    let p = c
        .person(s.world.people[idx as usize].id)
        .await
        .unwrap()
        .unwrap();
    let v = p.legal_entity.unwrap().current_verification.unwrap();
    let flags = v.risk.as_ref().unwrap().flags(v.identified_at);
    assert!(flags.contains(&RiskFlag::FailedAttempts));
    assert!(flags.contains(&RiskFlag::IpMismatch));
}

#[tokio::test]
async fn document_bytes_come_only_when_asked_for() {
    let s = sandbox(300).await;
    let c = client(&s);
    let idx = (0..300u32)
        .find(|&i| {
            let p = s.world.person(i);
            p.photo.is_some() && p.social_security_card.is_some()
        })
        .unwrap();
    let id = s.world.people[idx as usize].id;
    let photo = c
        .document(id, DocumentKind::PhotoLegitimation)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(photo.bytes, PHOTO_ID_PNG);
    assert_eq!(photo.png_size(), Some((96, 60)));
    let card = c
        .document(id, DocumentKind::SocialSecurityCard)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(card.bytes, SOCIAL_SECURITY_CARD_PNG);
    assert!(
        !format!("{photo:?}").contains("PNG"),
        "Debug must not dump the bytes"
    );
}

#[tokio::test]
async fn paging_to_the_end_of_10000_users_has_no_duplicates_or_gaps() {
    let s = sandbox(10_000).await;
    let c = client(&s);
    for sort in [
        Sort::default(),
        Sort {
            key: SortKey::Id,
            descending: true,
        },
    ] {
        let mut ids = Vec::new();
        let mut names = Vec::new();
        let mut after = None;
        loop {
            let page = c.users(after, sort, 100).await.unwrap();
            assert_eq!(page.total, 10_000);
            ids.extend(page.items.iter().map(|p| p.id));
            names.extend(
                page.items
                    .iter()
                    .map(|p| (p.last_name.clone(), p.first_name.clone())),
            );
            match page.next_cursor {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(ids.len(), 10_000, "{sort:?}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            10_000,
            "duplicates with {sort:?}"
        );
        let all: HashSet<_> = s.world.people.iter().map(|p| p.id).collect();
        assert!(ids.iter().all(|id| all.contains(id)));
        if sort.key == SortKey::Id {
            assert!(ids.windows(2).all(|w| w[0] > w[1]), "id descending");
        } else {
            assert!(names.windows(2).all(|w| w[0] <= w[1]), "name ascending");
        }
    }
}

#[tokio::test]
async fn employees_page_to_the_end() {
    let s = sandbox(1_000).await;
    let c = client(&s);
    let mut after = None;
    let mut n = 0;
    loop {
        let page = c.employees(after, Sort::default(), 20).await.unwrap();
        n += page.items.len();
        assert!(page.items.iter().all(|e| {
            e.external_id
                .as_deref()
                .is_some_and(|x| x.starts_with("EMP-"))
        }));
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(n, s.world.employees.len());
}

#[tokio::test]
async fn errors_are_specific_and_carry_a_request_id() {
    let s = sandbox(50).await;
    let expired = client_with_token(&s, s.mint_unioo_token(-1));
    let e = expired.users(None, Sort::default(), 10).await.unwrap_err();
    assert!(
        matches!(&e, BackendError::Unauthorized { detail, .. } if detail.contains("expired")),
        "{e}"
    );
    assert_eq!(e.request_id().len(), 12);

    let e = client(&s)
        .users(None, Sort::default(), 500)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Rejected { messages, .. } if messages[0].contains("between 0 and 100")),
        "{e}"
    );

    // Nothing listens on the discard port.
    let gql = backoffice::backends::graphql::GraphqlClient::new(
        "Unioo",
        "http://127.0.0.1:9/unioo/graphql".parse().unwrap(),
        secrecy::SecretString::from("x".to_string()),
        Default::default(),
    );
    let down = backoffice::backends::unioo::UniooClient::new(gql);
    let e = down.users(None, Sort::default(), 10).await.unwrap_err();
    assert!(e.backend_down(), "{e}");
    assert!(e.to_string().contains("cannot be reached"), "{e}");
}

#[tokio::test]
async fn bank_employees_can_be_created_once_per_email() {
    use backoffice::backends::BankStaff;
    let s = sandbox(200).await;
    let c = client(&s);
    let before = c.employees(None, Sort::default(), 100).await.unwrap().total;
    let e = c
        .create_employee(
            "new.hire@bank.example.com".into(),
            Some("Nora".into()),
            Some("Aabye".into()),
        )
        .await
        .unwrap();
    assert_eq!(e.full_name(), "Nora Aabye");
    let page = c.employees(None, Sort::default(), 100).await.unwrap();
    assert_eq!(page.total, before + 1);
    assert_eq!(page.items[0].id, e.id, "sorted by name, Aabye comes first");
    let dup = c
        .create_employee("New.Hire@bank.example.com".into(), None, None)
        .await
        .unwrap_err();
    assert!(dup.to_string().contains("Email is already in use"), "{dup}");
    let bad = c
        .create_employee("not an email".into(), None, None)
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("Email is not valid"), "{bad}");
    assert_eq!(
        c.employees(None, Sort::default(), 100).await.unwrap().total,
        before + 1
    );
}

#[tokio::test]
async fn creating_an_employee_is_audited_before_and_after() {
    use backoffice::app::action::{Call, Payload};
    use backoffice::app::runner::perform;
    let s = sandbox(100).await;
    let tmp = crate::common::TempDir::new("create-employee");
    let log = tmp.0.join("audit.jsonl");
    let b = crate::common::backends(&s, &log);
    let audit = backoffice::audit::Event {
        backend: "Unioo".into(),
        action: "employee.create".into(),
        correlation: "c1".into(),
        ..Default::default()
    };
    let call = |email: &str| {
        Call::Staff(backoffice::app::features::staff::calls::Call::Create {
            email: email.into(),
            first_name: Some("Nora".into()),
            last_name: None,
            audit: Box::new(audit.clone()),
        })
    };
    assert!(matches!(
        perform(&b, call("nora@bank.example.com")).await,
        Ok(Payload::Staff(
            backoffice::app::features::staff::calls::Payload::Created(_)
        ))
    ));
    assert!(perform(&b, call("nora@bank.example.com")).await.is_err());
    let text = std::fs::read_to_string(&log).unwrap();
    let outcomes: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.contains("\"intent\"") {
                "intent"
            } else if l.contains("\"error\"") {
                "error"
            } else {
                "ok"
            }
        })
        .collect();
    assert_eq!(outcomes, ["intent", "ok", "intent", "error"]);
    assert_eq!(backoffice::audit::verify_file(&log).unwrap(), 4);
}
