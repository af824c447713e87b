//! The VASCO sandbox over HTTP: the seed 004 query verbatim, every documented operation with
//! its error paths, the bearer token, and the exported schema.

use crate::common::{post, sandbox};
use backoffice::sandbox::SandboxHandle;
use serde_json::{Value, json};

async fn call(s: &SandboxHandle, query: &str, vars: Value) -> Value {
    let auth = format!("Bearer {}", s.vasco.token);
    let (status, body) = post(&s.vasco_url(), Some(&auth), query, vars).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

const SEED_QUERY: &str = r#"query {
GetUser(id: "456") {
id
active
email
firstName
lastName
userGroup {
id
name
persona
}
accounts {
id
label
}
# ...Other User fields
}
}"#;

#[tokio::test]
async fn the_seed_query_runs_verbatim_and_needs_the_token() {
    let s = sandbox(20).await;
    let body = call(&s, SEED_QUERY, json!({})).await;
    let u = &body["data"]["GetUser"];
    assert_eq!(u["id"], "456", "{body}");
    assert!(u["email"].as_str().unwrap().contains('@'));
    assert!(u["userGroup"]["persona"].is_string());
    assert!(!u["accounts"].as_array().unwrap().is_empty());
    let (status, body) = post(&s.vasco_url(), None, SEED_QUERY, json!({})).await;
    assert_eq!(status, 401);
    assert!(body["data"].is_null() && body["errors"][0]["message"].is_string());
    let (status, _) = post(&s.vasco_url(), Some("Bearer wrong"), SEED_QUERY, json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn users_page_with_accounts_of_every_kind_and_their_kyc() {
    let s = sandbox(20).await;
    let q = "query($l: Int, $o: Int) { GetUsers(limit: $l, offset: $o) { id active acceptedAt unactiveComment accounts { __typename id kycStatusDetailed { code label } accountType { code } } } }";
    let first = call(&s, q, json!({"l": 30, "o": 0})).await;
    let second = call(&s, q, json!({"l": 30, "o": 30})).await;
    let a = first["data"]["GetUsers"].as_array().unwrap();
    let b = second["data"]["GetUsers"].as_array().unwrap();
    assert_eq!((a.len(), b.len()), (30, 30));
    assert_ne!(a[0]["id"], b[0]["id"]);
    let all: Vec<&Value> = a.iter().chain(b).collect();
    let pending = all.iter().filter(|u| u["acceptedAt"].is_null()).count();
    let inactive = all
        .iter()
        .filter(|u| u["active"] == false && !u["acceptedAt"].is_null())
        .count();
    assert!(
        pending > 0 && inactive > 0,
        "{pending} pending, {inactive} inactive"
    );
    let kinds: std::collections::HashSet<&str> = all
        .iter()
        .flat_map(|u| u["accounts"].as_array().unwrap())
        .map(|a| a["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let account = &a[0]["accounts"][0];
    let got = call(
        &s,
        "query($id: ID!) { GetAccount(id: $id) { id label kycStatusDetailed { code } ... on IndividualAccount { kycExpirationDate } } }",
        json!({"id": account["id"]}),
    )
    .await;
    assert_eq!(got["data"]["GetAccount"]["id"], account["id"]);
}

#[tokio::test]
async fn create_activate_deactivate_and_update_follow_the_lifecycle() {
    let s = sandbox(20).await;
    let create = "mutation($e: String!) { CreateUser(firstName: \"Léa\", lastName: \"Martin\", email: $e, persona: distributed_customer, firstAccountInformation: {firstAccountType: corporateAccount, corporateAccountInformation: {corporateName: \"Martin SAS\"}}) { id active acceptedAt userGroup { persona } accounts { __typename label } } }";
    let body = call(&s, create, json!({"e": "lea.martin@investor.example.com"})).await;
    let u = &body["data"]["CreateUser"];
    assert_eq!(u["active"], false);
    assert!(u["acceptedAt"].is_null(), "created pending");
    assert_eq!(u["userGroup"]["persona"], "distributed_customer");
    assert_eq!(u["accounts"][0]["__typename"], "CorporateAccount");
    let id = u["id"].as_str().unwrap().to_string();
    let again = call(&s, create, json!({"e": "lea.martin@investor.example.com"})).await;
    assert_eq!(code(&again), "EMAIL_TAKEN");
    let bad = call(&s, create, json!({"e": "not-an-email"})).await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");

    let activate = "mutation($id: ID!) { ActivateUser(id: $id) { active acceptedAt } }";
    let body = call(&s, activate, json!({"id": id})).await;
    assert_eq!(body["data"]["ActivateUser"]["active"], true);
    assert!(body["data"]["ActivateUser"]["acceptedAt"].is_string());
    assert_eq!(
        code(&call(&s, activate, json!({"id": id})).await),
        "ALREADY_ACTIVE"
    );

    let deactivate = "mutation($id: ID!, $c: String) { DeactivateUser(id: $id, unactiveComment: $c) { active unactiveComment } }";
    let no_reason = call(&s, deactivate, json!({"id": id, "c": null})).await;
    assert_eq!(code(&no_reason), "BAD_USER_INPUT");
    let body = call(&s, deactivate, json!({"id": id, "c": "Left the fund"})).await;
    assert_eq!(
        body["data"]["DeactivateUser"]["unactiveComment"],
        "Left the fund"
    );

    let update = "mutation($id: ID!, $g: ID) { UpdateUserInfosAndPermissions(id: $id, mobile: \"+33612345678\", userGroupId: $g) { mobile userGroup { id name } } }";
    let body = call(&s, update, json!({"id": id, "g": "3"})).await;
    assert_eq!(
        body["data"]["UpdateUserInfosAndPermissions"]["userGroup"]["id"],
        "3"
    );
    assert_eq!(
        code(&call(&s, update, json!({"id": id, "g": "99"})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&call(&s, activate, json!({"id": "99999"})).await),
        "NOT_FOUND"
    );
}

#[test]
fn schema_file_matches_the_sandbox() {
    let file = std::fs::read_to_string("schemas/vasco.graphql").unwrap();
    assert!(
        file == backoffice::sandbox::vasco::sdl(),
        "regenerate with `cargo run -- sandbox --print-sdl vasco > schemas/vasco.graphql`"
    );
}
