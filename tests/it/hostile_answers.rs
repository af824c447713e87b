//! Whatever a server sends, the console stays bounded: an answer past its cap is refused
//! (declared or not), a page with more items than asked is refused, a document that is an
//! image bomb is not decoded, and a server trickling bytes meets the whole-request timeout.
//! Each with an error that says what happened.

use crate::hostile_server::{BOMB, Hostile, Mood};
use backoffice::app::action::{Call, Payload};
use backoffice::app::runner::perform;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::{
    BackendError, BankUsers, EndUsers, FundPlatform, LegitimationReview, Onboarding,
    PeopleDirectory,
};
use backoffice::console::SandboxClients;
use backoffice::core::{Department, Page, Sort};
use backoffice::sandbox::SandboxHandle;
use std::time::{Duration, Instant};

/// A sandbox, a hostile server in front of it, and the console's clients pointed at it.
async fn hostile(mood: Mood, settings: HttpSettings) -> (SandboxHandle, Hostile, SandboxClients) {
    let s = crate::common::sandbox(120).await;
    let h = Hostile::start(mood, &format!("http://{}", s.addr)).await;
    let c =
        SandboxClients::from_credentials_with(h.credentials(&s.credentials()), settings).unwrap();
    (s, h, c)
}

/// A Healthmov department with employees, found straight from the sandbox.
async fn a_department(s: &SandboxHandle) -> Department {
    let direct = crate::common::healthmov(s);
    let companies = direct.companies(None).await.unwrap();
    for c in companies.items {
        let deps = direct
            .departments(c.id.clone(), c.locator.clone(), None)
            .await
            .unwrap();
        for d in deps.items {
            let staff = direct.client_employees(d.clone(), None).await.unwrap();
            if !staff.items.is_empty() {
                return d;
            }
        }
    }
    panic!("no department with employees in the sandbox");
}

/// Every list the console pages through, against `c`: (what, its result as text).
async fn every_list(
    s: &SandboxHandle,
    c: &SandboxClients,
) -> Vec<(&'static str, Result<usize, BackendError>)> {
    fn n<T>(p: Result<Page<T>, BackendError>) -> Result<usize, BackendError> {
        p.map(|p| p.items.len())
    }
    let department = a_department(s).await;
    let company = department.company.clone().unwrap();
    vec![
        (
            "Unioo users",
            n(c.unioo.users(None, Sort::default(), 2).await),
        ),
        (
            "Unioo employees",
            n(c.unioo.employees(None, Sort::default(), 2).await),
        ),
        (
            "Unioo review queue",
            n(c.unioo.review_queue(None, None, 2).await),
        ),
        ("Healthmov companies", n(c.healthmov.companies(None).await)),
        (
            "Healthmov departments",
            n(c.healthmov.departments(company.0, company.1, None).await),
        ),
        (
            "Healthmov employees",
            n(c.healthmov.client_employees(department, None).await),
        ),
        ("VASCO users", n(c.vasco.platform_users(0).await)),
        ("Upvest users", n(c.upvest.end_users(0).await)),
        ("bunq users", n(c.bunq.bank_users(None, 0).await)),
    ]
}

#[tokio::test]
async fn a_page_with_more_items_than_asked_is_refused_by_every_list() {
    let (s, _h, c) = hostile(Mood::Flood(1_000), HttpSettings::default()).await;
    let results = every_list(&s, &c).await;
    assert_eq!(results.len(), 9);
    for (what, result) in results {
        let e = result.expect_err(what);
        let text = e.to_string();
        assert!(
            matches!(e, BackendError::Malformed { .. })
                && text.contains("a page of 1000 items where at most")
                && text.contains("were asked; it was refused"),
            "{what}: {text}"
        );
    }
    // The same server, asked for its pages straight, is fine: only the flood is refused.
    let direct = SandboxClients::new(&s).unwrap();
    assert_eq!(
        direct
            .unioo
            .users(None, Sort::default(), 2)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

#[tokio::test]
async fn an_answer_past_the_cap_is_refused_whether_its_length_is_declared_or_not() {
    for mood in [Mood::Huge, Mood::HugeDeclared] {
        let settings = HttpSettings {
            max_body: 1 << 20,
            ..Default::default()
        };
        let (s, _h, c) = hostile(mood, settings).await;
        let started = Instant::now();
        let department = Department {
            id: "d".into(),
            name: "d".into(),
            external_id: None,
            company: None,
            locator: backoffice::core::Locator::ExternalId("d".into()),
        };
        let results = vec![
            (
                "Unioo users",
                c.unioo.users(None, Sort::default(), 2).await.map(|_| ()),
            ),
            (
                "Healthmov employees",
                c.healthmov
                    .client_employees(department, None)
                    .await
                    .map(|_| ()),
            ),
            ("VASCO users", c.vasco.platform_users(0).await.map(|_| ())),
            ("Upvest users", c.upvest.end_users(0).await.map(|_| ())),
            ("bunq users", c.bunq.bank_users(None, 0).await.map(|_| ())),
        ];
        for (what, result) in results {
            let e = result.expect_err(what);
            let text = e.to_string();
            assert!(
                matches!(e, BackendError::TooLarge { .. })
                    && text.contains("sent an answer larger than 1 MiB and it was refused")
                    && text.contains("raise max_body_mib"),
                "{mood:?} {what}: {text}"
            );
        }
        // A gigabyte each was offered; a megabyte each was read at most.
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{mood:?}: {:?}",
            started.elapsed()
        );
        drop(s);
    }
}

#[tokio::test]
async fn a_document_past_its_own_cap_is_refused_naming_its_key() {
    let settings = HttpSettings {
        max_document: 2 << 20,
        ..Default::default()
    };
    let (s, _h, c) = hostile(Mood::Huge, settings).await;
    let item = crate::common::client(&s)
        .review_queue(None, None, 1)
        .await
        .unwrap()
        .items
        .remove(0);
    let e = c
        .unioo
        .document(item.person.id, item.kind)
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("larger than 2 MiB") && text.contains("raise max_document_mib"),
        "{text}"
    );
}

#[tokio::test]
async fn an_image_bomb_is_refused_before_it_is_decoded() {
    let (s, _h, c) = hostile(Mood::ImageBomb, HttpSettings::default()).await;
    let item = crate::common::client(&s)
        .review_queue(None, None, 1)
        .await
        .unwrap()
        .items
        .remove(0);
    // Opening a document is on the record: an audit log of its own.
    let tmp = crate::common::TempDir::new("image-bomb");
    let b = c.backends(backoffice::console::open_audit(
        Some(tmp.0.join("audit.jsonl")),
        Default::default(),
    ));
    let started = Instant::now();
    let payload = perform(
        &b,
        Call::Review(backoffice::app::features::review::calls::Call::Document {
            user: item.person.id,
            kind: item.kind,
        }),
    )
    .await
    .unwrap();
    let Payload::Review(backoffice::app::features::review::calls::Payload::Document {
        file,
        image,
        image_refused,
    }) = payload
    else {
        panic!("{payload:?}")
    };
    assert!(image.is_none(), "the bomb was decoded");
    let why = image_refused.expect("a reason");
    assert!(
        why.contains(&format!("{}×{} pixels", BOMB.0, BOMB.1))
            && why.contains("larger than this console decodes"),
        "{why}"
    );
    // The file itself is kept (it can be exported), small as it is.
    assert!(file.unwrap().bytes.len() < 1 << 20);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_trickling_server_meets_the_whole_request_timeout() {
    let settings = HttpSettings {
        timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let (_s, _h, c) = hostile(Mood::Trickle, settings).await;
    let started = Instant::now();
    let (unioo, upvest, bunq) = tokio::join!(
        c.unioo.users(None, Sort::default(), 2),
        c.upvest.end_users(0),
        c.bunq.bank_users(None, 0),
    );
    for (what, e) in [
        ("Unioo", unioo.map(|_| ()).unwrap_err()),
        ("Upvest", upvest.map(|_| ()).unwrap_err()),
        ("bunq", bunq.map(|_| ()).unwrap_err()),
    ] {
        assert!(
            matches!(e, BackendError::Timeout { secs: 1, .. }),
            "{what}: {e}"
        );
        assert!(e.to_string().contains("did not answer within 1 s"), "{e}");
    }
    // One resend after a timeout, then the error: seconds, not the trickle's forever.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn document_images_are_decoded_within_pixel_and_memory_limits() {
    use crate::hostile_server::png_of;
    use backoffice::app::runner::{ImageRefused, MAX_IMAGE_SIDE, decode_image};
    use png::{BitDepth, ColorType};
    // An ordinary scan decodes.
    let scan = png_of(1600, 1000, ColorType::Rgb, BitDepth::Eight);
    let image = decode_image(&scan).unwrap();
    assert_eq!((image.width(), image.height()), (1600, 1000));
    // Wider than the side limit: refused from the header, whatever it would weigh.
    let wide = png_of(MAX_IMAGE_SIDE + 1, 1, ColorType::Grayscale, BitDepth::One);
    assert!(matches!(
        decode_image(&wide),
        Err(ImageRefused::TooLarge(_))
    ));
    // Within the sides but too heavy decoded: 8000×8000 RGBA is 256 MB.
    let heavy = png_of(8000, 8000, ColorType::Rgba, BitDepth::Eight);
    assert!(heavy.len() < 2 << 20, "{} bytes", heavy.len());
    let Err(ImageRefused::TooLarge(why)) = decode_image(&heavy) else {
        panic!("decoded")
    };
    assert!(why.contains("8000×8000 pixels"), "{why}");
    assert!(matches!(
        decode_image(b"not an image"),
        Err(ImageRefused::NotAnImage)
    ));
}
