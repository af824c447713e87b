//! The VASCO client against the sandbox: paging to the end, the lifecycle with a resend that
//! finds the change already made, creation and group changes, and a refused token.

use crate::common::sandbox;
use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::vasco::{self, VascoClient};
use backoffice::backends::{BackendError, FundPlatform};
use backoffice::core::platform::*;
use backoffice::sandbox::SandboxHandle;

pub fn client(s: &SandboxHandle) -> VascoClient {
    client_with(s, &s.vasco.token)
}

fn client_with(s: &SandboxHandle, token: &str) -> VascoClient {
    VascoClient::new(GraphqlClient::new(
        vasco::NAME,
        s.vasco_url().parse().unwrap(),
        secrecy::SecretString::from(token.to_string()),
        Default::default(),
    ))
}

async fn all(c: &VascoClient) -> Vec<PlatformUser> {
    let mut users = Vec::new();
    loop {
        let page = c.platform_users(users.len()).await.unwrap();
        users.extend(page.items);
        if page.next_cursor.is_none() {
            return users;
        }
    }
}

#[tokio::test]
async fn users_come_with_their_state_group_and_accounts() {
    let s = sandbox(20).await;
    let c = client(&s);
    let users = all(&c).await;
    assert_eq!(users.len(), 80);
    let pending = users
        .iter()
        .filter(|u| u.state == UserState::Pending)
        .count();
    assert!(pending > 0);
    let inactive: Vec<_> = users
        .iter()
        .filter(|u| u.state == UserState::Inactive)
        .collect();
    assert!(inactive.iter().all(|u| u.inactive_comment.is_some()));
    assert!(
        users
            .iter()
            .all(|u| u.group.is_some() && !u.accounts.is_empty())
    );
    assert!(
        users
            .iter()
            .flat_map(|u| &u.accounts)
            .any(|a| a.kind == "joint" && !a.kyc_code.is_empty())
    );
}

#[tokio::test]
async fn activating_twice_is_success_and_deactivating_keeps_the_comment() {
    let s = sandbox(20).await;
    let c = client(&s);
    let pending = all(&c)
        .await
        .into_iter()
        .find(|u| u.state == UserState::Pending)
        .unwrap();
    let id = pending.id.clone();
    let u = c
        .change_platform_user(PlatformChange::Activate { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(u.state, UserState::Active);
    // As after a lost answer: the resend finds it done, and that is success.
    let again = c
        .change_platform_user(PlatformChange::Activate { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(again.state, UserState::Active);
    let off = c
        .change_platform_user(PlatformChange::Deactivate {
            id: id.clone(),
            comment: "KYC refused".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        (off.state, off.inactive_comment.as_deref()),
        (UserState::Inactive, Some("KYC refused"))
    );
    let e = c
        .change_platform_user(PlatformChange::Activate { id: "99999".into() })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("NOT_FOUND"), "{e}");
}

#[tokio::test]
async fn create_then_move_to_another_group() {
    let s = sandbox(20).await;
    let c = client(&s);
    let u = c
        .change_platform_user(PlatformChange::Create(NewPlatformUser {
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            email: "lea.martin@investor.example.com".into(),
            mobile: None,
            persona: "distributed_customer".into(),
            corporate_name: Some("Martin SAS".into()),
        }))
        .await
        .unwrap();
    assert_eq!(u.state, UserState::Pending);
    assert_eq!(u.accounts[0].kind, "corporate");
    let moved = c
        .change_platform_user(PlatformChange::Update {
            id: u.id.clone(),
            first_name: None,
            last_name: None,
            mobile: Some("+33612345678".into()),
            group_id: Some("3".into()),
        })
        .await
        .unwrap();
    assert_eq!(moved.group.unwrap().name, "Family office");
    assert_eq!(moved.mobile.as_deref(), Some("+33612345678"));
    assert_eq!(moved.first_name, "Léa", "fields not given stay");
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_advice() {
    let s = sandbox(20).await;
    let e = client_with(&s, "nope").platform_users(0).await.unwrap_err();
    assert!(matches!(e, BackendError::Unauthorized { .. }), "{e}");
    assert!(e.to_string().contains("Get a new token"), "{e}");
}
